using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Common;

/// <summary>
/// A first-order optimiser over a fixed set of parameters whose step runs entirely with in-place ops
/// inside its own dispose scope, followed by a gen-0 collection.
/// Why: measured here (docs/engine.md, "Native memory"), once parameters change between backward
/// passes, TorchSharp 0.107 leaves native memory behind that only a finalizer frees — with
/// torch.optim.Adam, with this in-place Adam, even with a bare p.add_(g) — while the dispose scope's
/// live count stays flat. The managed heap stays tiny, so the GC never runs on its own: a 3×256 MLP at
/// batch 4096 grew by 10–20 MB per step until the OOM killer ended the process, and every step paid
/// page faults on fresh memory. A gen-0 collection plus finalizers after each step keeps RSS flat and
/// made the same steps about 5× faster; it costs well under a millisecond.
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected readonly Tensor[] Parameters;

    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Length == 0) throw new ArgumentException("no parameters to optimise");
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), "learning rate must be positive and finite");
        LearningRate = learningRate;
    }

    /// <summary>Current learning rate; schedules set it before each step.</summary>
    public double LearningRate { get; set; }

    /// <summary>Number of steps taken so far.</summary>
    public long StepCount { get; protected set; }

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in Parameters)
        {
            var g = p.grad;
            if (g is not null) g.zero_();
        }
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        StepCount++;
        for (int i = 0; i < Parameters.Length; i++)
        {
            var g = Parameters[i].grad;
            if (g is null) continue;
            Update(i, Parameters[i], g);
        }
        if (CollectEvery > 0 && StepCount % CollectEvery == 0)
        {
            GC.Collect(0);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Run a gen-0 collection and the pending finalizers every this many steps (0: never). See the class remarks.</summary>
    public int CollectEvery { get; set; } = 1;

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient.</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor gradient);

    /// <summary>Optimiser state tensors (for checkpoints), in a stable order.</summary>
    public virtual IReadOnlyList<Tensor> State => [];

    public virtual void Dispose() { }
}

/// <summary>Plain stochastic gradient descent, p ← p − lr·g (the homework's ResNet recipe).</summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, double learningRate) : Optimizer(parameters, learningRate)
{
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        // Scalars held in a using: an implicit double→Scalar temporary can be finalized by a GC on
        // another thread while the native call still reads it.
        using var alpha = (-LearningRate).ToScalar();
        parameter.add_(gradient, alpha: alpha);
    }
}

/// <summary>Adam (Kingma &amp; Ba 2015, Algorithm 1) with bias correction, as torch.optim.Adam without weight decay.</summary>
public sealed class Adam : Optimizer
{
    readonly Tensor[] _m, _v;
    readonly double _beta1, _beta2, _eps;

    public Adam(IEnumerable<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(parameters, learningRate)
    {
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        // The moments live as long as the optimiser, whatever scope constructed it.
        _m = Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        double biasCorrection1 = 1 - Math.Pow(_beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(_beta2, StepCount);
        var m = _m[index];
        var v = _v[index];
        // Scalars held in usings: see Sgd.Update.
        using Scalar beta1 = _beta1.ToScalar(), oneMinusBeta1 = (1 - _beta1).ToScalar();
        using Scalar beta2 = _beta2.ToScalar(), oneMinusBeta2 = (1 - _beta2).ToScalar();
        using Scalar sqrtCorrection2 = Math.Sqrt(biasCorrection2).ToScalar(), eps = _eps.ToScalar();
        using Scalar step = (-LearningRate / biasCorrection1).ToScalar();
        m.mul_(beta1).add_(gradient, alpha: oneMinusBeta1);
        v.mul_(beta2).addcmul_(gradient, gradient, value: oneMinusBeta2);
        // torch.optim.Adam: denom = sqrt(v)/sqrt(bc2) + eps; p -= lr/bc1 · m/denom.
        using var denom = v.sqrt().div_(sqrtCorrection2).add_(eps);
        parameter.addcdiv_(m, denom, value: step);
    }

    public override IReadOnlyList<Tensor> State => [.. _m, .. _v];

    public override void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
    }
}
