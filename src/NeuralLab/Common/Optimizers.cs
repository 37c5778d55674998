using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Common;

/// <summary>
/// A first-order optimiser over a fixed set of parameters whose step runs entirely with in-place ops
/// inside its own dispose scope.
/// Speed: the parameters are moved into one contiguous buffer (each parameter becomes a view of it, by
/// <c>set_</c>) and their gradients are views of a second one, so zeroing the gradients is one op and an
/// Adam step is a handful of ops on one tensor (two passes of its own for float32) instead of seven per parameter; the
/// step treats denormals as zero (<see cref="FlushesDenormals"/>). A libtorch op costs
/// microseconds of dispatch whatever its size, so at the homework's batch of 64 the per-tensor update
/// cost more than the network's arithmetic (docs/engine.md, "Small steps").
/// Memory: the flat path's <see cref="ZeroGrad"/> and <see cref="Step"/> make no managed allocation and no
/// tensor (their buffers, scalars and pointers are kept; <see cref="NativeTensor"/>), so nothing of theirs waits for
/// a finalizer or fills gen-0 (docs/engine.md, "Native memory"); the per-tensor path frees its tensors in its
/// own dispose scope.
/// </summary>
internal abstract class Optimizer : IDisposable
{
    private protected readonly Tensor[] Parameters;

    /// <summary>The parameters' shared buffer, or null when they cannot share one (mixed dtypes or
    /// devices, non-leaf or sparse tensors, parameters that alias each other).</summary>
    private protected readonly FlatParameters? Flat;

    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Length == 0) throw new ArgumentException("no parameters to optimise");
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), "learning rate must be positive and finite");
        LearningRate = learningRate;
        Flat = FlatParameters.TryCreate(Parameters);
    }

    /// <summary>Current learning rate; schedules set it before each step.</summary>
    public double LearningRate { get; set; }

    /// <summary>Number of steps taken so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Whether the parameters live in one contiguous buffer (the fast path).</summary>
    public bool IsFlat => Flat is not null;

    public void ZeroGrad()
    {
        if (Flat is not null)
        {
            Flat.AttachGradients();
            Flat.Gradients.fill_(_zero); // zero_() makes ~300 B of managed objects a call in TorchSharp 0.107
            return;
        }
        using var scope = NewDisposeScope();
        foreach (var p in Parameters)
        {
            var g = p.grad;
            if (g is not null) g.zero_();
        }
    }

    public void Step()
    {
        StepCount++;
        using var noGrad = NativeTensor.NoGrad();
        using var flush = FlushesDenormals ? Denormals.Flush() : default;
        if (Flat is not null && Flat.GradientsInBuffer())
        {
            UpdateAll(Flat.Values, Flat.Gradients);
            return;
        }
        // A parameter without a gradient is left alone, as torch.optim does: per-tensor updates.
        using var scope = NewDisposeScope();
        for (int i = 0; i < Parameters.Length; i++)
        {
            var g = Parameters[i].grad;
            if (g is null) continue;
            Update(i, Parameters[i], g);
        }
    }

    readonly Scalar _zero = 0.ToScalar();

    /// <summary>
    /// Whether the update treats denormal floats as zero (x86's FTZ and DAZ, on the calling thread, during the step only).
    /// Why: the moments of parameters that stop receiving gradient (dead ReLU units) decay into the denormals, and every
    /// op on a denormal takes a microcode assist; on the homework's ReLU recipe a tenth of Adam's moments were denormal
    /// and the step took 1.7× its time with them (docs/engine.md, "Small steps"). What it changes: a moment below
    /// FLT_MIN (1.2e-38) counts as 0, which moves a parameter by at most lr·FLT_MIN/ε ≈ 1e-33, under half an ulp of any
    /// parameter above about 1e-26 in magnitude, so the parameters keep their bits
    /// (<c>OptimizerTests.FlushingDenormalsChangesNoParameterBit</c>); false only to measure the difference.
    /// </summary>
    public bool FlushesDenormals { get; init; } = true;

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient.</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor gradient);

    /// <summary>Updates all parameters at once: <paramref name="parameters"/> and <paramref name="gradients"/>
    /// are the flat buffers (parameter i at the same offset in both, and in any state made by <see cref="FlatLike"/>).</summary>
    protected abstract void UpdateAll(Tensor parameters, Tensor gradients);

    /// <summary>Zero state shaped like the parameters: one flat tensor (for <see cref="UpdateAll"/>) and a view
    /// of it per parameter (for <see cref="Update"/>); both live as long as the optimiser.</summary>
    protected (Tensor Flat, Tensor[] PerParameter) FlatLike()
    {
        if (Flat is not null)
        {
            var flat = zeros_like(Flat.Values).DetachFromDisposeScope();
            return (flat, Flat.ViewsOf(flat));
        }
        var perParameter = Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        return (perParameter[0], perParameter);
    }

    /// <summary>Optimiser state tensors (for checkpoints), in a stable order.</summary>
    public virtual IReadOnlyList<Tensor> State => [];

    public virtual void Dispose()
    {
        Flat?.Dispose();
        _zero.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Parameters moved into one contiguous buffer: parameter i becomes a view of <see cref="Values"/> (by
/// <c>set_</c>, so modules and autograd keep the same tensor objects) and its gradient a view of
/// <see cref="Gradients"/> at the same offset. Backward accumulates into an existing gradient in place
/// (libtorch's AccumulateGrad outside create_graph), so the gradients stay in the buffer; a gradient that
/// was replaced (a module's zero_grad setting it to None, a create_graph backward) is copied back.
/// </summary>
internal sealed class FlatParameters : IDisposable
{
    readonly Tensor[] _parameters;
    readonly long[] _offsets;
    readonly Tensor[] _gradientViews;
    readonly IntPtr _gradientsData;
    readonly long _elementSize;

    public Tensor Values { get; }
    public Tensor Gradients { get; }

    FlatParameters(Tensor[] parameters)
    {
        _parameters = parameters;
        _offsets = new long[parameters.Length];
        long total = 0;
        for (int i = 0; i < parameters.Length; i++) { _offsets[i] = total; total += parameters[i].numel(); }
        using var noGrad = no_grad();
        Values = empty(total, dtype: parameters[0].dtype, device: parameters[0].device).DetachFromDisposeScope(); // (P)
        Gradients = zeros(total, dtype: parameters[0].dtype, device: parameters[0].device).DetachFromDisposeScope(); // (P)
        var valueViews = ViewsOf(Values);
        _gradientViews = ViewsOf(Gradients);
        for (int i = 0; i < parameters.Length; i++)
        {
            valueViews[i].copy_(parameters[i]);
            using (var g = parameters[i].grad) if (g is not null) _gradientViews[i].copy_(g);
            parameters[i].set_(valueViews[i]);
            parameters[i].grad = _gradientViews[i];
            valueViews[i].Dispose();
        }
        _gradientsData = NativeTensor.Data(Gradients);
        _elementSize = Gradients.element_size();
    }

    /// <summary>The flat buffer, or null when the parameters cannot share one.</summary>
    public static FlatParameters? TryCreate(Tensor[] parameters)
    {
        using var scope = NewDisposeScope(); // storage<T>() makes an alias per call
        var first = parameters[0];
        if (first.dtype is not (ScalarType.Float32 or ScalarType.Float64)) return null;
        var storages = new HashSet<IntPtr>();
        foreach (var p in parameters)
        {
            if (p.dtype != first.dtype || p.device_type != first.device_type || p.device_index != first.device_index) return null;
            if (!p.is_leaf || p.is_sparse || p.numel() == 0) return null;
            // Parameters sharing storage (tied weights, views of one another) must keep sharing it.
            if (!storages.Add(StorageData(p))) return null;
        }
        return new FlatParameters(parameters);
    }

    /// <summary>Views of a flat tensor shaped like each parameter.</summary>
    public Tensor[] ViewsOf(Tensor flat) =>
        _parameters.Select((p, i) => flat.narrow(0, _offsets[i], p.numel()).view(p.shape).DetachFromDisposeScope()).ToArray();

    /// <summary>Makes every parameter's gradient the view of <see cref="Gradients"/> again (cheap: no copies).</summary>
    public void AttachGradients()
    {
        for (int i = 0; i < _parameters.Length; i++) _parameters[i].grad = _gradientViews[i];
    }

    /// <summary>True when every parameter has a gradient and all of them are in <see cref="Gradients"/>
    /// (a replaced one is copied back and re-attached); false when some parameter has none.</summary>
    public bool GradientsInBuffer()
    {
        bool all = true;
        for (int i = 0; i < _parameters.Length; i++)
        {
            // Checked by address, without a handle to the gradient: the buffer is alive, so no other tensor's data starts
            // at its element _offsets[i] unless it is a view of the buffer there.
            if (NativeTensor.GradientData(_parameters[i]) == _gradientsData + (nint)(_offsets[i] * _elementSize)) continue;
            using var g = _parameters[i].grad;
            if (g is null) { all = false; continue; }
            _gradientViews[i].copy_(g);
            _parameters[i].grad = _gradientViews[i];
        }
        return all;
    }

    static IntPtr StorageData(Tensor t) => t.dtype == ScalarType.Float64 ? t.storage<double>().data_ptr() : t.storage<float>().data_ptr();

    public void Dispose()
    {
        foreach (var v in _gradientViews) v.Dispose();
        Values.Dispose();
        Gradients.Dispose();
    }
}

/// <summary>Plain stochastic gradient descent, p ← p − lr·g (the homework's ResNet recipe).</summary>
internal sealed class Sgd(IEnumerable<Tensor> parameters, double learningRate) : Optimizer(parameters, learningRate)
{
    protected override void Update(int index, Tensor parameter, Tensor gradient) => UpdateAll(parameter, gradient);

    protected override void UpdateAll(Tensor parameters, Tensor gradients)
    {
        // Scalars held in a using: an implicit double→Scalar temporary can be finalized by a GC on
        // another thread while the native call still reads it.
        using var alpha = (-LearningRate).ToScalar();
        parameters.add_(gradients, alpha: alpha);
    }
}

/// <summary>Adam (Kingma &amp; Ba 2015, Algorithm 1) with bias correction, as torch.optim.Adam without weight decay.</summary>
internal sealed class Adam : Optimizer
{
    readonly Tensor _flatM, _flatV;
    readonly Tensor[] _m, _v;
    readonly double _beta1, _beta2, _eps;

    public Adam(IEnumerable<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(parameters, learningRate)
    {
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        // The moments live as long as the optimiser, whatever scope constructed it.
        (_flatM, _m) = FlatLike();
        (_flatV, _v) = FlatLike();
    }

    protected override void Update(int index, Tensor parameter, Tensor gradient) => Apply(parameter, gradient, _m[index], _v[index]);

    protected override void UpdateAll(Tensor parameters, Tensor gradients)
    {
        StepsFused = Fuses && parameters.dtype == ScalarType.Float32 && parameters.device_type == DeviceType.CPU && Fma.IsSupported;
        if (StepsFused) ApplyFused(parameters, gradients);
        else Apply(parameters, gradients, _flatM, _flatV);
    }

    /// <summary>Whether the last step ran <see cref="ApplyFused"/> (tests check that the fused path was taken).</summary>
    internal bool StepsFused { get; private set; }

    /// <summary>Whether the flat float32 update runs as two passes over the buffers (<see cref="ApplyFused"/>) around
    /// libtorch's square root instead of nine libtorch ops; false only to measure the difference (the results are the same).</summary>
    public bool Fuses { get; init; } = true;

    Tensor? _roots; // (P): the fused update's square roots

    /// <summary>
    /// <see cref="Apply"/>'s arithmetic, rounding for rounding, in two passes over the flat buffers instead of nine
    /// libtorch ops (each a pass over 198k floats for the homework's network, with its own dispatch and, for the clamp,
    /// an 800 kB allocation): m ← fma(g, 1−β1, m·β1) (libtorch's <c>add_</c> with alpha is an fma), v ← fma((1−β2)·g, g,
    /// v·β2) (<c>addcmul_</c>), then libtorch's own sqrt of max(v, FLT_MIN) (not correctly rounded: MKL's, so it stays
    /// libtorch's), then denom = root/√bc2 + ε and p ← p + (step·m)/denom (<c>addcdiv_</c>). Checked bit for bit against
    /// <see cref="Apply"/> (<c>OptimizerTests.FusedAdamMatchesItsOpsBitForBit</c>).
    /// </summary>
    unsafe void ApplyFused(Tensor parameters, Tensor gradients)
    {
        double biasCorrection1 = 1 - Math.Pow(_beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(_beta2, StepCount);
        // The scalars as libtorch sees them: each op casts its double Scalar to the tensor's float.
        float beta1 = (float)_beta1, oneMinusBeta1 = (float)(1 - _beta1), beta2 = (float)_beta2, oneMinusBeta2 = (float)(1 - _beta2);
        float sqrtCorrection2 = (float)Math.Sqrt(biasCorrection2), eps = (float)_eps, step = (float)(-LearningRate / biasCorrection1);
        float floor = ClampsSecondMoment(_flatV, biasCorrection2) ? SmallestNormalFloat : 0f; // v ≥ 0: max(v, 0) = v
        _roots ??= empty_like(_flatV).DetachFromDisposeScope();
        int n = checked((int)parameters.numel());
        float* p = DataOf(parameters), g = DataOf(gradients), m = DataOf(_flatM), v = DataOf(_flatV), r = DataOf(_roots);
        int i = 0;
        var (b1, c1, b2, c2, lo) = (Vector256.Create(beta1), Vector256.Create(oneMinusBeta1), Vector256.Create(beta2), Vector256.Create(oneMinusBeta2), Vector256.Create(floor));
        for (; i <= n - 8; i += 8)
        {
            var gi = Avx.LoadVector256(g + i);
            var mi = Fma.MultiplyAdd(gi, c1, Avx.Multiply(Avx.LoadVector256(m + i), b1));
            var vi = Fma.MultiplyAdd(Avx.Multiply(c2, gi), gi, Avx.Multiply(Avx.LoadVector256(v + i), b2));
            Avx.Store(m + i, mi);
            Avx.Store(v + i, vi);
            Avx.Store(r + i, Avx.Max(lo, vi)); // (lo, v): MAXPS returns its second operand when either is NaN, so NaN stays NaN as in clamp_min
        }
        for (; i < n; i++)
        {
            m[i] = MathF.FusedMultiplyAdd(g[i], oneMinusBeta1, m[i] * beta1);
            v[i] = MathF.FusedMultiplyAdd(oneMinusBeta2 * g[i], g[i], v[i] * beta2);
            r[i] = MathF.Max(v[i], floor);
        }
        _roots.sqrt_();
        i = 0;
        var (root2, e, s) = (Vector256.Create(sqrtCorrection2), Vector256.Create(eps), Vector256.Create(step));
        for (; i <= n - 8; i += 8)
        {
            var denom = Avx.Add(Avx.Divide(Avx.LoadVector256(r + i), root2), e);
            Avx.Store(p + i, Avx.Add(Avx.LoadVector256(p + i), Avx.Divide(Avx.Multiply(s, Avx.LoadVector256(m + i)), denom)));
        }
        for (; i < n; i++) p[i] += step * m[i] / (r[i] / sqrtCorrection2 + eps);
    }

    /// <summary>The first element of a contiguous float32 CPU tensor.</summary>
    static unsafe float* DataOf(Tensor t)
    {
        if (!t.is_contiguous()) throw new InvalidOperationException("the fused update needs contiguous buffers");
        return (float*)NativeTensor.Data(t);
    }

    void Apply(Tensor parameter, Tensor gradient, Tensor m, Tensor v)
    {
        double biasCorrection1 = 1 - Math.Pow(_beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(_beta2, StepCount);
        // Scalars held in usings: see Sgd.UpdateAll.
        using Scalar beta1 = _beta1.ToScalar(), oneMinusBeta1 = (1 - _beta1).ToScalar();
        using Scalar beta2 = _beta2.ToScalar(), oneMinusBeta2 = (1 - _beta2).ToScalar();
        using Scalar sqrtCorrection2 = Math.Sqrt(biasCorrection2).ToScalar(), eps = _eps.ToScalar();
        using Scalar step = (-LearningRate / biasCorrection1).ToScalar();
        m.mul_(beta1).add_(gradient, alpha: oneMinusBeta1);
        v.mul_(beta2).addcmul_(gradient, gradient, value: oneMinusBeta2);
        // torch.optim.Adam: denom = sqrt(v)/sqrt(bc2) + eps; p -= lr/bc1 · m/denom.
        using var root = ClampsSecondMoment(v, biasCorrection2) ? v.clamp_min(_floor).sqrt_() : v.sqrt();
        using var denom = root.div_(sqrtCorrection2).add_(eps);
        parameter.addcdiv_(m, denom, value: step);
    }

    /// <summary>Whether sqrt(v) may be taken of max(v, <see cref="SmallestNormalFloat"/>) instead: exact when every v below
    /// it gives denom = eps anyway, i.e. sqrt(FLT_MIN)/sqrt(bc2) is under half an ulp of eps (float32 eps 1e-8: 3.4e-18 at
    /// the first step against 4.4e-16). Why: libtorch's float sqrt (MKL's vsSqrt) takes a slow path for zeros and
    /// denormals, and a third of v is exactly 0 in the homework's ReLU network (dead units get no gradient): the sqrt
    /// took 0.99 ms of a 3 ms Adam step, 0.31 ms clamped (docs/engine.md, "Small steps"). Checked bit for bit against the
    /// unclamped step over 300 steps of the ReLU recipe (59.5 M denominators).</summary>
    bool ClampsSecondMoment(Tensor v, double biasCorrection2) =>
        SkipsSlowSquareRoots && v.dtype == ScalarType.Float32 && SquareRootFloorIsExact(_eps, biasCorrection2);

    /// <summary>Whether every float32 v below FLT_MIN gives denom = eps exactly at this step (see <see cref="ClampsSecondMoment"/>).</summary>
    internal static bool SquareRootFloorIsExact(double epsilon, double biasCorrection2)
    {
        float eps = (float)epsilon;
        double halfUlp = 0.5 * ((double)MathF.BitIncrement(eps) - eps);
        // An upper bound of fl(sqrt(FLT_MIN) / sqrt(bc2)), with room for the roundings.
        double largest = Math.Sqrt(SmallestNormalFloat) / Math.Sqrt(biasCorrection2) * (1 + 1e-6);
        return largest < halfUlp;
    }

    /// <summary>Take the square root of v off libtorch's slow path where that is exact (see <see cref="ClampsSecondMoment"/>);
    /// false only to measure the difference (the results are the same).</summary>
    public bool SkipsSlowSquareRoots { get; init; } = true;

    /// <summary>FLT_MIN, the smallest normal float32 (2⁻¹²⁶).</summary>
    const float SmallestNormalFloat = 1.17549435e-38f;

    readonly Scalar _floor = SmallestNormalFloat.ToScalar(); // held: an implicit Scalar is freed only by its finalizer

    public override IReadOnlyList<Tensor> State => [.. _m, .. _v];

    public override void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
        if (IsFlat)
        {
            _flatM.Dispose();
            _flatV.Dispose();
        }
        _roots?.Dispose();
        _floor.Dispose();
        base.Dispose();
    }
}
