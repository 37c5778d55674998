using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Common;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>All planned steps were taken.</summary>
    Budget,
    /// <summary>An evaluation reached the run's target (a PSNR, say).</summary>
    Target,
    /// <summary>The caller's cancellation token was signalled.</summary>
    Cancelled,
    /// <summary>The loss (or a gradient) overflowed and the plan says to stop there (<see cref="Divergence.Stop"/>).</summary>
    Diverged,
}

/// <summary>What a non-finite or exploding loss does to a run.</summary>
internal enum Divergence
{
    /// <summary>Nothing: the run goes on (experiments whose recipes were never checked for it keep their numbers).</summary>
    Ignore,
    /// <summary>A <see cref="BadInputException"/> naming the step, the loss and <see cref="TrainingPlan.DivergenceAdvice"/>.</summary>
    Throw,
    /// <summary>The run ends with <see cref="StopReason.Diverged"/>: the overflow is the experiment's result.</summary>
    Stop,
}

/// <summary>
/// Everything the loop around a model's step decides: how many steps, how the samples are batched, the
/// learning-rate schedule, when to evaluate, the seed, libtorch's threads, what divergence does and how often
/// the finalizers run. The model's own work (forward, loss, backward, update, evaluation) is the caller's.
/// </summary>
internal sealed record TrainingPlan
{
    /// <summary>Name shown with progress ("fit relu", "resnet C=64").</summary>
    public string Task { get; init; } = "train";

    /// <summary>Optimiser steps to take (the budget).</summary>
    public required long Steps { get; init; }

    /// <summary>Samples drawn in shuffled minibatches of <see cref="BatchSize"/>: every epoch (⌈Samples/BatchSize⌉
    /// steps) starts with a fresh permutation from the seeded <see cref="Trainer.Generator"/>, and each step is handed
    /// its slice (<see cref="TrainingStep.BatchIndices"/>). 0: the trainer does not batch (full batch, or the caller
    /// draws its own batches from <see cref="Trainer.Random"/>).</summary>
    public int Samples { get; init; }

    /// <summary>Samples per step when <see cref="Samples"/> is set; a batch of all samples draws no permutation.</summary>
    public int BatchSize { get; init; }

    /// <summary>Learning rate of step i (0-based); null leaves the optimisers' rate alone.</summary>
    public Func<long, double>? LearningRate { get; init; }

    /// <summary>Evaluate after every this many steps and after the last planned one (0: never).</summary>
    public long EvaluateEvery { get; init; }

    /// <summary>Evaluate once more after the loop if the run stopped after its last evaluation (a target, a
    /// cancellation), so the final state is always measured. That evaluation reports no progress.</summary>
    public bool EvaluateAtEnd { get; init; }

    /// <summary>Seeds libtorch's global generator, <see cref="Trainer.Random"/> and <see cref="Trainer.Generator"/>
    /// before the caller builds its model; null leaves the generators alone (the caller's model is already drawn).</summary>
    public int? Seed { get; init; }

    /// <summary>libtorch intra-op threads for the run (<see cref="LibtorchThreads.Use"/>); null leaves them alone.</summary>
    public int? Threads { get; init; }

    /// <summary>What a non-finite loss, or one above max(<see cref="ExplodingFactor"/> × the first step's,
    /// <see cref="ExplodingFloor"/>), does.</summary>
    public Divergence OnDivergence { get; init; } = Divergence.Throw;

    /// <summary>A loss this many times the first step's counts as exploding; null: only non-finite losses diverge.</summary>
    public double? ExplodingFactor { get; init; } = 100;

    /// <summary>Losses up to this never count as exploding (a first loss near zero).</summary>
    public double ExplodingFloor { get; init; } = 10;

    /// <summary>The end of the divergence message: what the user can change.</summary>
    public string DivergenceAdvice { get; init; } = "lower the learning rate";

    /// <summary>Run a gen-0 collection and the pending finalizers every this many steps (0: never). Steps through
    /// TorchSharp's autograd leave native memory behind that only finalizers free (docs/engine.md, "Native memory");
    /// steps that make no tensor but what they dispose (the hand-written ReLU and Tanh step) need none.</summary>
    public int CollectEvery { get; init; }

    public void Validate()
    {
        if (Steps < 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "must not be negative");
        if (Samples < 0) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "must not be negative");
        if (Samples > 0 && BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be positive when samples are batched");
        if (EvaluateEvery < 0) throw new ArgumentOutOfRangeException(nameof(EvaluateEvery), EvaluateEvery, "must not be negative");
        if (CollectEvery < 0) throw new ArgumentOutOfRangeException(nameof(CollectEvery), CollectEvery, "must not be negative");
    }
}

/// <summary>The step being taken: what the model's step and evaluation need to know, and how they stop the run.</summary>
internal sealed class TrainingStep
{
    readonly Stopwatch _clock;

    internal TrainingStep(long total, Random random, Stopwatch clock) => (Total, Random, _clock) = (total, random, clock);

    /// <summary>0-based index of this step.</summary>
    public long Index { get; internal set; }

    /// <summary>1-based number of this step (steps taken once it has run).</summary>
    public long Number => Index + 1;

    /// <summary>Planned steps.</summary>
    public long Total { get; }

    /// <summary>This step's learning rate (NaN when the plan has no schedule).</summary>
    public double LearningRate { get; internal set; } = double.NaN;

    /// <summary>The loss this step returned (NaN before it has run).</summary>
    public double Loss { get; internal set; } = double.NaN;

    /// <summary>The first step's loss.</summary>
    public double FirstLoss { get; internal set; } = double.NaN;

    /// <summary>Seconds since the run started.</summary>
    public double Seconds => _clock.Elapsed.TotalSeconds;

    /// <summary>The run's seeded System.Random, for callers that draw their own batches.</summary>
    public Random Random { get; }

    /// <summary>This epoch's permutation of the samples (N), when the plan batches them.</summary>
    public Tensor? Order { get; internal set; }

    /// <summary>Where this step's batch starts in <see cref="Order"/>, and its length.</summary>
    public long BatchStart { get; internal set; }

    public long BatchLength { get; internal set; }

    /// <summary>This step's sample indices (B): a view of <see cref="Order"/> made in the caller's dispose scope.</summary>
    public Tensor BatchIndices() =>
        (Order ?? throw new InvalidOperationException("the plan does not batch samples")).narrow(0, BatchStart, BatchLength);

    internal StopReason? StopRequest { get; private set; }

    /// <summary>Ends the run after this step (or evaluation) with <paramref name="reason"/>.</summary>
    public void Stop(StopReason reason) => StopRequest ??= reason;
}

/// <param name="Steps">Steps taken.</param>
/// <param name="StoppedBecause">Why the run ended.</param>
/// <param name="Losses">The loss each step returned.</param>
/// <param name="LastEvaluatedStep">Steps taken at the last evaluation (-1: none).</param>
/// <param name="Seconds">Wall time of the loop.</param>
internal sealed record TrainingOutcome(long Steps, StopReason StoppedBecause, IReadOnlyList<double> Losses, long LastEvaluatedStep, double Seconds);

/// <summary>
/// The one training loop of NeuralLab. Constructing it seeds the generators and sets libtorch's threads (both
/// before the caller builds its model, so the model's initial weights come from the seed); <see cref="Run"/>
/// takes the planned steps, each by the caller's step function, with the plan's batches, learning rates,
/// evaluations, divergence policy, progress, cancellation and collections. Dispose to restore the threads.
/// </summary>
internal sealed class Trainer : IDisposable
{
    readonly LibtorchThreads? _threads;
    Generator? _generator;

    public TrainingPlan Plan { get; }

    /// <summary>A System.Random seeded with the plan's seed (unseeded when the plan has none).</summary>
    public Random Random { get; }

    /// <summary>A libtorch generator seeded with the plan's seed: the one the epochs' permutations come from.</summary>
    public Generator Generator => _generator ??= Plan.Seed is int seed ? new Generator((ulong)seed) : new Generator();

    public Trainer(TrainingPlan plan)
    {
        plan.Validate();
        Plan = plan;
        NativeHeap.KeepActivationPages(); // steps reuse their activations' pages instead of faulting fresh ones
        _threads = plan.Threads is int threads ? LibtorchThreads.Use(threads) : null;
        if (plan.Seed is int s)
        {
            torch.random.manual_seed(s);
            Random = new Random(s);
        }
        else Random = new Random();
    }

    /// <summary>
    /// Runs the plan. <paramref name="step"/> does one optimiser step and returns its loss; <paramref name="evaluate"/>
    /// runs at the plan's cadence and returns the figures to report as progress (null: none); <paramref name="afterStep"/>
    /// runs after every step (checkpoints). Either may call <see cref="TrainingStep.Stop"/>. The learning rate
    /// applies to <paramref name="optimizers"/>; the plan's collections (<see cref="TrainingPlan.CollectEvery"/>) to the process.
    /// </summary>
    public TrainingOutcome Run(Func<TrainingStep, double> step, Func<TrainingStep, IReadOnlyList<(string Name, double Value)>?>? evaluate = null,
        IProgress<ProgressReport>? progress = null, Action<TrainingStep>? afterStep = null, CancellationToken cancel = default,
        params IReadOnlyList<Optimizer> optimizers)
    {
        var plan = Plan;
        var clock = Stopwatch.StartNew();
        var state = new TrainingStep(plan.Steps, Random, clock);
        var losses = new List<double>((int)Math.Min(plan.Steps, 1_000_000));
        bool batched = plan.Samples > 0 && plan.BatchSize < plan.Samples;
        long stepsPerEpoch = plan.Samples > 0 ? (plan.Samples + plan.BatchSize - 1) / plan.BatchSize : 1;
        long lastEvaluated = -1;
        StopReason stopped = StopReason.Budget;
        long taken = 0;
        try
        {
            while (taken < plan.Steps)
            {
                if (cancel.IsCancellationRequested) { stopped = StopReason.Cancelled; break; }
                state.Index = taken;
                if (plan.Samples > 0)
                {
                    long inEpoch = taken % stepsPerEpoch;
                    if (inEpoch == 0 && batched)
                    {
                        state.Order?.Dispose();
                        state.Order = randperm(plan.Samples, generator: Generator).DetachFromDisposeScope(); // (N)
                    }
                    state.BatchStart = inEpoch * plan.BatchSize;
                    state.BatchLength = Math.Min(plan.BatchSize, plan.Samples - state.BatchStart);
                }
                if (plan.LearningRate is not null)
                {
                    state.LearningRate = plan.LearningRate(taken);
                    for (int i = 0; i < optimizers.Count; i++) optimizers[i].LearningRate = state.LearningRate; // no enumerator a step
                }
                double loss = step(state);
                taken++;
                if (plan.CollectEvery > 0 && taken % plan.CollectEvery == 0)
                {
                    GC.Collect(0);
                    GC.WaitForPendingFinalizers();
                }
                losses.Add(loss);
                state.Loss = loss;
                if (double.IsNaN(state.FirstLoss)) state.FirstLoss = loss;
                if (state.StopRequest is StopReason requested) { stopped = requested; break; }
                if (Diverges(loss, state.FirstLoss))
                {
                    if (plan.OnDivergence == Divergence.Throw)
                        throw new BadInputException(
                            $"training diverged at step {taken}: loss {loss:G4} (first step {state.FirstLoss:G4}); {plan.DivergenceAdvice}");
                    if (plan.OnDivergence == Divergence.Stop) { stopped = StopReason.Diverged; break; }
                }
                if (evaluate is not null && plan.EvaluateEvery > 0 && (taken % plan.EvaluateEvery == 0 || taken == plan.Steps))
                {
                    var figures = evaluate(state);
                    lastEvaluated = taken;
                    if (figures is not null) progress?.Report(new ProgressReport(plan.Task, taken, plan.Steps, figures));
                }
                afterStep?.Invoke(state);
                if (state.StopRequest is StopReason reason) { stopped = reason; break; }
            }
            if (evaluate is not null && plan.EvaluateAtEnd && lastEvaluated != taken)
            {
                state.Index = taken - 1;
                evaluate(state);
                lastEvaluated = taken;
            }
        }
        finally
        {
            state.Order?.Dispose();
            state.Order = null;
        }
        return new TrainingOutcome(taken, stopped, losses, lastEvaluated, clock.Elapsed.TotalSeconds);
    }

    bool Diverges(double loss, double firstLoss)
    {
        if (Plan.OnDivergence == Divergence.Ignore) return false;
        if (!double.IsFinite(loss)) return true;
        return Plan.ExplodingFactor is double factor && loss > Math.Max(factor * firstLoss, Plan.ExplodingFloor);
    }

    public void Dispose()
    {
        _generator?.Dispose();
        _threads?.Dispose();
    }
}

/// <summary>
/// A step's rows of a samples tensor (N, …), as <c>samples.index_select(0, step.BatchIndices())</c>, copied by address into a
/// buffer kept from step to step (the same bytes, so the same results). Why: the slice of the permutation and two
/// index_selects made three tensors a step, whose handles filled gen-0 with garbage at the homework's batch of 64
/// (docs/engine.md, "Native memory"). The rows are valid until the next call. Tensors it cannot copy by address (not on
/// the CPU, not contiguous) fall back to index_select, in the caller's dispose scope.
/// </summary>
internal sealed unsafe class BatchRows : IDisposable
{
    readonly Tensor _samples;
    readonly Tensor? _buffer; // (batch, …)
    readonly long _rowBytes, _count;
    Tensor? _shorter;         // the buffer's first rows, for an epoch's last and shorter batch

    public BatchRows(Tensor samples, int batchSize)
    {
        _samples = samples;
        _count = samples.size(0);
        if (samples.device_type != DeviceType.CPU || !samples.is_contiguous() || _count == 0) return;
        var shape = samples.shape;
        shape[0] = batchSize;
        _buffer = empty(shape, dtype: samples.dtype).DetachFromDisposeScope();
        _rowBytes = samples.numel() / _count * samples.element_size();
    }

    /// <summary>Whether the rows are copied by address (no tensor made a step).</summary>
    public bool CopiesByAddress => _buffer is not null;

    /// <summary>This step's rows (B, …).</summary>
    public Tensor Of(TrainingStep step)
    {
        if (_buffer is null || step.Order is not Tensor order || order.dtype != ScalarType.Int64 || !order.is_contiguous())
            return _samples.index_select(0, step.BatchIndices());
        long length = step.BatchLength;
        long* indices = (long*)NativeTensor.Data(order) + step.BatchStart;
        byte* from = (byte*)NativeTensor.Data(_samples), to = (byte*)NativeTensor.Data(_buffer);
        for (long i = 0; i < length; i++)
        {
            long row = indices[i];
            if ((ulong)row >= (ulong)_count) throw new InvalidOperationException($"batch index {row} outside {_count} samples");
            Buffer.MemoryCopy(from + row * _rowBytes, to + i * _rowBytes, _rowBytes, _rowBytes);
        }
        if (length == _buffer.size(0)) return _buffer;
        if (_shorter is null || _shorter.size(0) != length)
        {
            _shorter?.Dispose();
            _shorter = _buffer.narrow(0, 0, length).DetachFromDisposeScope();
        }
        return _shorter;
    }

    public void Dispose()
    {
        _shorter?.Dispose();
        _buffer?.Dispose();
    }
}
