
namespace NeuralLab.Recurrence;

/// <summary>
/// The homework's scalar RNN: h_0 = 0, y_t = x_t + h_{t−1}, h_t = w·σ(y_t) (outer form) or
/// h_t = σ(w·y_t) (inner form), output f = h_T. One shared weight w, no bias.
/// </summary>
/// <remarks>
/// The step is written once, over an <see cref="IRnnAlgebra{T}"/>: the same code computes numbers,
/// builds libtorch's autograd graph, draws the unrolled computation graph and expands the linear
/// case into polynomials, so none of those can drift from the model.
/// </remarks>
public sealed record ScalarRnn
{
    /// <summary>The RNN with weight <paramref name="w"/>, nonlinearity <paramref name="activation"/> and form <paramref
    /// name="form"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">w is not finite.</exception>
    public ScalarRnn(double w, Activation activation = Activation.Identity, RnnForm form = RnnForm.Outer)
    {
        if (!double.IsFinite(w)) throw new ArgumentOutOfRangeException(nameof(w), w, "the weight must be a finite number");
        W = w;
        Activation = activation;
        Form = form;
    }

    /// <summary>The shared weight w.</summary>
    public double W { get; }

    /// <summary>The nonlinearity σ.</summary>
    public Activation Activation { get; }

    /// <summary>Where σ sits in a step.</summary>
    public RnnForm Form { get; }

    /// <summary>With σ = identity both forms are the linear RNN h_t = w·(x_t + h_{t−1}).</summary>
    public bool IsLinear => Activation == Activation.Identity;

    /// <summary>
    /// One step t (1-based): h_t from x_t and h_{t−1}. Intermediate values are named y{t}, s{t} = σ(y_t)
    /// (outer) or z{t} = w·y_t (inner), and the result h{t}.
    /// </summary>
    public T Step<T>(IRnnAlgebra<T> algebra, T w, T x, T previous, int t)
    {
        var y = algebra.Add(x, previous, $"y{t}");
        if (IsLinear) return algebra.Multiply(w, y, $"h{t}");
        return Form == RnnForm.Outer
            ? algebra.Multiply(w, algebra.Activate(Activation, y, $"s{t}"), $"h{t}")
            : algebra.Activate(Activation, algebra.Multiply(w, y, $"z{t}"), $"h{t}");
    }

    /// <summary>
    /// h_1..h_T from h_0 = 0. <paramref name="carry"/> sees h_{t−1} before step t and may replace it
    /// (truncated BPTT detaches it there).
    /// </summary>
    public IReadOnlyList<T> Unroll<T>(IRnnAlgebra<T> algebra, T w, IReadOnlyList<T> x, Func<T, int, T>? carry = null)
    {
        if (x.Count == 0) throw new ArgumentException("the input sequence is empty", nameof(x));
        var states = new List<T>(x.Count);
        var h = algebra.Constant(0, "h0");
        for (int t = 1; t <= x.Count; t++)
        {
            if (carry != null) h = carry(h, t);
            h = Step(algebra, w, x[t - 1], h, t);
            states.Add(h);
        }
        return states;
    }

    /// <summary>h_1..h_T in double precision.</summary>
    public double[] States(IReadOnlyList<double> x) => [.. Unroll(DoubleAlgebra.Instance, W, x)];

    /// <summary>
    /// f = h_T as a function of h_k (1-based k), running steps k+1..T from the given h_k: the map
    /// finite differences in h_k need.
    /// </summary>
    public T OutputFrom<T>(IRnnAlgebra<T> algebra, T w, int k, T hk, IReadOnlyList<T> x)
    {
        if (k < 1 || k > x.Count) throw new ArgumentOutOfRangeException(nameof(k));
        var h = hk;
        for (int t = k + 1; t <= x.Count; t++) h = Step(algebra, w, x[t - 1], h, t);
        return h;
    }

    /// <summary>The same network with another weight (finite differences in w, the sweep).</summary>
    public ScalarRnn WithWeight(double w) => new(w, Activation, Form);

    /// <inheritdoc/>
    public override string ToString() => $"ScalarRnn(w={W}, σ={Activation.Name()}, {Form.Name()})";
}
