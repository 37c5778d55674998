using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralLab.Expressivity;

/// <summary>The hidden layer's nonlinearity σ.</summary>
public enum Activation
{
    /// <summary>max(0, z).</summary>
    Relu,
    /// <summary>The logistic sigmoid 1/(1 + e^(−z)); σ(0) = 1/2, which construction 1.3 relies on.</summary>
    Sigmoid,
}

/// <summary>The weights of a one-hidden-layer network f(x) = w1ᵀ σ(w0·x + b0) + b1, for JSON and checks.</summary>
public sealed record NetworkWeights(double[] W0, double[] B0, double[] W1, double B1, Activation Activation);

/// <summary>
/// The homework's network with one hidden layer of m units on a scalar input, in float64:
/// f(x) = w1ᵀ σ(w0·x + b0) + b1 with w0, b0, w1 ∈ ℝᵐ. Built either from given weights (the exact
/// constructions, whose weights are set rather than trained) or with libtorch's default initialisation
/// (the networks trained by Adam for comparison).
/// </summary>
public sealed class ShallowNetwork : nn.Module<Tensor, Tensor>
{
    readonly Linear hidden;
    readonly Linear output;

    /// <summary>The hidden layer's σ.</summary>
    public Activation Activation { get; }

    /// <summary>Number of hidden units m.</summary>
    public int Units { get; }

    /// <summary>A network of <paramref name="units"/> hidden units with libtorch's default (Kaiming-uniform) initialisation.</summary>
    public ShallowNetwork(int units, Activation activation = Activation.Relu) : base(nameof(ShallowNetwork))
    {
        if (units < 1) throw new ArgumentOutOfRangeException(nameof(units), "a network needs at least one hidden unit");
        Units = units;
        Activation = activation;
        hidden = nn.Linear(1, units, hasBias: true, dtype: float64);
        output = nn.Linear(units, 1, hasBias: true, dtype: float64);
        RegisterComponents();
    }

    /// <summary>A network whose weights are exactly <paramref name="w0"/>, <paramref name="b0"/>, <paramref name="w1"/>, <paramref name="b1"/>.</summary>
    public ShallowNetwork(double[] w0, double[] b0, double[] w1, double b1 = 0, Activation activation = Activation.Relu)
        : this(w0.Length, activation)
    {
        if (b0.Length != w0.Length || w1.Length != w0.Length)
            throw new ArgumentException($"w0, b0 and w1 must have the same length (got {w0.Length}, {b0.Length}, {w1.Length})");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        hidden.weight!.copy_(tensor(w0, float64).reshape(Units, 1));  // (m, 1)
        hidden.bias!.copy_(tensor(b0, float64));                      // (m)
        output.weight!.copy_(tensor(w1, float64).reshape(1, Units));  // (1, m)
        output.bias!.copy_(tensor(new[] { b1 }, float64));            // (1)
    }

    /// <summary>x (n, 1) → f(x) (n, 1).</summary>
    public override Tensor forward(Tensor x)
    {
        var pre = hidden.call(x);                               // (n, m)
        var features = Activation == Activation.Relu ? nn.functional.relu(pre) : sigmoid(pre);
        return output.call(features);                           // (n, 1)
    }

    /// <summary>f at each of <paramref name="xs"/>, in float64, in evaluation mode without gradients.</summary>
    public double[] Evaluate(IReadOnlyList<double> xs) => InChunks(xs, x => call(x));

    /// <summary>
    /// |b1| + Σᵢ |w1ᵢ|·(|σ(zᵢ)| + |w0ᵢ·x| + |b0ᵢ|) with zᵢ = w0ᵢ·x + b0ᵢ, at each x: the size of everything the forward
    /// pass adds up. Float64 rounding moves f(x) by at most about (m + 4)·u times it (u = 2⁻⁵³): the output sums m + 1
    /// terms, and each zᵢ is itself rounded relative to |w0ᵢ·x| + |b0ᵢ|, which matters where x sits near a knot.
    /// </summary>
    public double[] TermMagnitude(IReadOnlyList<double> xs) => InChunks(xs, x =>
    {
        var pre = hidden.call(x);                                                                 // (n, m)
        var features = Activation == Activation.Relu ? nn.functional.relu(pre) : sigmoid(pre);
        var inputs = (x * hidden.weight!.t()).abs() + hidden.bias!.abs();                         // (n, m)
        return (features.abs() + inputs).matmul(output.weight!.abs().t()) + output.bias!.abs();  // (n, 1)
    });

    /// <summary>Runs <paramref name="map"/> ((n, 1) → (n, 1)) over chunks of at most ~4M hidden activations (32 MB).</summary>
    double[] InChunks(IReadOnlyList<double> xs, Func<Tensor, Tensor> map)
    {
        var all = xs as double[] ?? xs.ToArray();
        var result = new double[all.Length];
        int chunk = Math.Max(1, 4_000_000 / Units);
        bool wasTraining = training;
        eval();
        try
        {
            for (int start = 0; start < all.Length; start += chunk)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                int count = Math.Min(chunk, all.Length - start);
                var x = tensor(all.AsSpan(start, count).ToArray(), float64).reshape(-1, 1);  // (n, 1)
                Array.Copy(map(x).reshape(-1).data<double>().ToArray(), 0, result, start, count);
            }
        }
        finally
        {
            train(wasTraining);
        }
        return result;
    }

    /// <summary>A copy of the current weights.</summary>
    public NetworkWeights Weights
    {
        get
        {
            using var scope = NewDisposeScope();
            return new NetworkWeights(
                hidden.weight!.detach().reshape(-1).data<double>().ToArray(),
                hidden.bias!.detach().data<double>().ToArray(),
                output.weight!.detach().reshape(-1).data<double>().ToArray(),
                output.bias!.detach().item<double>(),
                Activation);
        }
    }

    /// <summary>A new network with the same weights except hidden unit <paramref name="unit"/> removed (fault injection, pruning).</summary>
    public ShallowNetwork WithoutUnit(int unit)
    {
        var w = Weights;
        if (w.W0.Length == 1) throw new InvalidOperationException("cannot remove the only hidden unit");
        double[] Drop(double[] a) => a.Where((_, i) => i != unit).ToArray();
        return new ShallowNetwork(Drop(w.W0), Drop(w.B0), Drop(w.W1), w.B1, w.Activation);
    }

    internal static ShallowNetwork FromWeights(NetworkWeights w) => new(w.W0, w.B0, w.W1, w.B1, w.Activation);
}
