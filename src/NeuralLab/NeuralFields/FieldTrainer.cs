using System.Diagnostics;
using System.Text.Json;
using NeuralLab.Common;
using NeuralLab.NeuralFields.Supervision;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>One whole-image evaluation during a fit.</summary>
public sealed record FitEvaluation(long Step, double Seconds, double Psnr, double Mse, double LearningRate);

/// <summary>The outcome of <see cref="FieldTrainer"/>'s Fit; owns <see cref="Model"/>.</summary>
public sealed class FitResult : IDisposable
{
    /// <summary>The fitted field; this result owns and disposes it.</summary>
    public required CoordinateMlp Model { get; init; }
    /// <summary>The configuration it was fitted with.</summary>
    public required FitConfig Config { get; init; }
    /// <summary>Optimiser steps taken.</summary>
    public required long Steps { get; init; }
    /// <summary>Wall time of the fit, evaluations included.</summary>
    public required double Seconds { get; init; }
    /// <summary>PSNR (dB) of the final field on the whole signal.</summary>
    public required double Psnr { get; init; }
    /// <summary>Why training ended: the budget of steps, the target PSNR, or a cancellation.</summary>
    public required StopReason StoppedBecause { get; init; }

    /// <summary>The stop reason as metrics and JSON spell it: "budget", "target_psnr" or "cancelled".</summary>
    public string StopName => StoppedBecause switch
    {
        StopReason.Target => "target_psnr",
        _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(StoppedBecause.ToString()),
    };
    /// <summary>Training loss (minibatch MSE) of every step.</summary>
    public required IReadOnlyList<float> StepLosses { get; init; }
    /// <summary>Every evaluation, in step order.</summary>
    public required IReadOnlyList<FitEvaluation> Evaluations { get; init; }

    /// <summary>First evaluation at or above <paramref name="db"/>, if any.</summary>
    public FitEvaluation? FirstReaching(double db) => Evaluations.FirstOrDefault(e => e.Psnr >= db);

    /// <summary>Frees the model's libtorch tensors.</summary>
    public void Dispose() => Model.Dispose();
}

/// <summary>Fits a <see cref="CoordinateMlp"/> to an image with Adam on the MSE.</summary>
internal static class FieldTrainer
{
    /// <summary>Pixels per forward/backward chunk: a whole-image step is accumulated over chunks of this
    /// size. Same gradient (the loss is a mean, so each chunk's loss is weighted by its share), but each
    /// activation stays under glibc's mmap threshold instead of page-faulting fresh 64 MB buffers
    /// (see docs/neural-fields.md, "Speed").</summary>
    public const int ChunkPixels = 8192;

    public static double Psnr(double mse) => 10 * Math.Log10(4 / mse);

    /// <summary>Steps with at most this many pixels train on one libtorch thread. Each op of such a step is
    /// microseconds of work, and two OpenMP threads mostly wait for each other (the PyTorch peer measured
    /// 4.1 ms a step at batch 64 on one thread, 8.5 ms on two; docs/engine.md, "Small steps").</summary>
    public const int SingleThreadMaxBatch = 512;

    /// <summary>Pixels trained between the trainer's collections (<see cref="TrainingPlan.CollectEvery"/>) in steps that
    /// go through autograd: the native memory that waits for finalizers there grows with the activations (SIREN at batch
    /// 4096: 340 KB a step without collections), so about a batch's worth. The hand-written step
    /// (<see cref="PlainMlpStep"/>: the ReLU and Tanh recipes) leaves nothing to finalizers and never collects
    /// (docs/engine.md, "Native memory").</summary>
    public const int CollectPixels = 8192;

    /// <summary>Steps between collections for <paramref name="batch"/> pixels a step.</summary>
    public static int CollectInterval(int batch) => Math.Max(1, CollectPixels / Math.Max(1, batch));

    public static FitResult Fit(FieldImage image, FitConfig config, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default) =>
        Fit(FieldSignal.FromImage(image), config, progress, cancel: cancel);

    /// <summary>
    /// Fits <paramref name="signal"/> (an image or a clip) with the loss of <see cref="FitConfig.Supervision"/>,
    /// or with <paramref name="loss"/> when given (the caller keeps ownership of it).
    /// </summary>
    public static FitResult Fit(FieldSignal signal, FitConfig config, IProgress<ProgressReport>? progress = null, IFieldLoss? loss = null,
        CancellationToken cancel = default)
    {
        config.Validate();
        if (config.Architecture.Channels != signal.Channels)
            throw new BadInputException($"the network has {config.Architecture.Channels} output channel(s) but the signal has {signal.Channels}");
        if (config.Architecture.Inputs != signal.Dimensions)
            throw new BadInputException($"the network takes {config.Architecture.Inputs} coordinate(s) but the signal has {signal.Dimensions}");
        using var ownedLoss = loss is null ? FieldLosses.Create(config.Supervision, signal, config.GradientSpans) : null;
        var objective = (loss ?? ownedLoss)!;
        using var trainer = new Trainer(Plan(config, signal.SampleCount, PlainMlpStep.Supports(config.Architecture, config.Encoding, objective))); // seeds before the model draws its weights
        var model = new CoordinateMlp(config.Architecture, config.Encoding);
        try
        {
            return Train(model, signal, objective, config, trainer, progress, cancel);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The trainer's plan for fitting <paramref name="samples"/> samples with <paramref name="config"/>; minibatch
    /// steps by <see cref="PlainMlpStep"/> (<paramref name="handWritten"/>) need no collections. A full batch goes through
    /// autograd whatever the network (<see cref="FullBatchStep"/>), so it collects.</summary>
    internal static TrainingPlan Plan(FitConfig config, int samples, bool handWritten)
    {
        int batch = config.BatchFor(samples);
        long total = config.PlannedSteps(samples);
        long stepsPerEpoch = (samples + batch - 1) / batch;
        return new TrainingPlan
        {
            Task = $"fit {config.Architecture.Activation.ToString().ToLowerInvariant()}",
            Steps = total,
            Samples = samples,
            BatchSize = batch,
            LearningRate = step => config.LearningRateAt(step, total),
            // Evaluation is a forward pass over the whole image, about a third of an epoch's training
            // compute; every 4 epochs keeps it under 10 % of the run, and at least 20 points make a curve.
            EvaluateEvery = config.EvalEvery ?? Math.Max(1, Math.Min(4 * stepsPerEpoch, Math.Max(1, total / 20))),
            EvaluateAtEnd = true,
            Seed = config.Seed, // the trainer draws only from libtorch
            Threads = batch <= SingleThreadMaxBatch ? 1 : null,
            CollectEvery = handWritten && batch < samples ? 0 : CollectInterval(batch),
            OnDivergence = Divergence.Throw,
            DivergenceAdvice = $"lower --lr (now {config.LearningRate:G4})",
        };
    }

    static FitResult Train(CoordinateMlp model, FieldSignal signal, IFieldLoss objective, FitConfig config, Trainer trainer,
        IProgress<ProgressReport>? progress, CancellationToken cancel)
    {
        using var coordinates = signal.CreateCoordinates(); // (N, D)
        using var values = signal.ToTensor();               // (N, C)
        var targets = objective.Targets;                    // (N, K): values, gradients or Laplacians
        bool minibatches = trainer.Plan.BatchSize < trainer.Plan.Samples;
        using var optimizer = new Adam(model.parameters(), config.LearningRate, beta2: config.AdamBeta2, eps: config.AdamEpsilon);
        using var plainStep = PlainMlpStep.TryCreate(model, objective); // ReLU and Tanh networks on their values: without autograd
        using var batchCoordinates = minibatches ? new BatchRows(coordinates, trainer.Plan.BatchSize) : null;
        using var batchTargets = minibatches ? new BatchRows(targets, trainer.Plan.BatchSize) : null;
        var evaluations = new List<FitEvaluation>();
        var clock = Stopwatch.StartNew();
        model.train();
        var outcome = trainer.Run(
            step: step => minibatches
                ? MinibatchStep(model, objective, plainStep, optimizer, batchCoordinates!, batchTargets!, step)
                : FullBatchStep(model, objective, optimizer, coordinates, targets),
            evaluate: step =>
            {
                var evaluation = Evaluate(model, objective, coordinates, values, step.Number, clock.Elapsed.TotalSeconds, optimizer.LearningRate);
                evaluations.Add(evaluation);
                if (config.TargetPsnr is double target && evaluation.Psnr >= target) step.Stop(StopReason.Target);
                return [("loss", step.Loss), ("psnr", evaluation.Psnr), ("lr", optimizer.LearningRate)];
            },
            progress: progress, cancel: cancel, optimizers: optimizer);
        model.eval();
        return new FitResult
        {
            Model = model,
            Config = config,
            Steps = outcome.Steps,
            Seconds = clock.Elapsed.TotalSeconds,
            Psnr = evaluations[^1].Psnr,
            StoppedBecause = outcome.StoppedBecause,
            StepLosses = outcome.Losses.Select(l => (float)l).ToArray(),
            Evaluations = evaluations,
        };
    }

    /// <remarks>With <see cref="PlainMlpStep"/> and rows copied by address the step makes one tensor, the loss, and frees it
    /// here; nothing of it waits for a finalizer (docs/engine.md, "Native memory"). Autograd's steps free theirs in a
    /// dispose scope.</remarks>
    static float MinibatchStep(CoordinateMlp model, IFieldLoss objective, PlainMlpStep? plainStep, Optimizer optimizer, BatchRows coordinates,
        BatchRows targets, TrainingStep step)
    {
        using var scope = plainStep is not null && coordinates.CopiesByAddress && targets.CopiesByAddress ? null : NewDisposeScope();
        var x = coordinates.Of(step); // (B, D)
        var y = targets.Of(step);     // (B, C)
        optimizer.ZeroGrad();
        if (plainStep is not null)
        {
            using var plainLoss = plainStep.LossAndGradients(x, y);
            optimizer.Step();
            return NativeTensor.Single(plainLoss);
        }
        var loss = nn.functional.mse_loss(objective.Predict(model, x), y);
        loss.backward();
        optimizer.Step();
        return NativeTensor.Single(loss);
    }

    static float FullBatchStep(CoordinateMlp model, IFieldLoss objective, Optimizer optimizer, Tensor coordinates, Tensor targets)
    {
        long n = coordinates.shape[0];
        double total = 0;
        optimizer.ZeroGrad();
        for (long start = 0; start < n; start += ChunkPixels)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(ChunkPixels, n - start);
            var x = coordinates.narrow(0, start, length);                        // (b, 2)
            var y = targets.narrow(0, start, length);                            // (b, C)
            var sumSquared = (objective.Predict(model, x) - y).square().sum();
            // Mean over all N·C values, accumulated chunk by chunk.
            (sumSquared / (n * targets.shape[1])).backward();
            total += sumSquared.item<float>();
        }
        optimizer.Step();
        return (float)(total / (n * targets.shape[1]));
    }

    /// <summary>Whole-signal value MSE and PSNR as <paramref name="objective"/> measures them (after its alignment).</summary>
    static FitEvaluation Evaluate(CoordinateMlp model, IFieldLoss objective, Tensor coordinates, Tensor values, long step, double seconds, double learningRate)
    {
        double mse = objective.ValueMse(model, coordinates, values);
        return new FitEvaluation(step, seconds, Psnr(mse), mse, learningRate);
    }

    /// <summary>Whole-image MSE and PSNR of <paramref name="model"/>, in chunks, without a graph.</summary>
    public static FitEvaluation Evaluate(CoordinateMlp model, Tensor coordinates, Tensor targets, long step, double seconds, double learningRate)
    {
        double mse = MeanSquaredError(model, coordinates, targets);
        return new FitEvaluation(step, seconds, Psnr(mse), mse, learningRate);
    }

    public static double MeanSquaredError(CoordinateMlp model, Tensor coordinates, Tensor targets)
    {
        using var noGrad = no_grad();
        long n = coordinates.shape[0];
        int chunk = FieldChunks.PixelsPerChunk(model.Architecture, FieldPass.Forward);
        double sum = 0;
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            sum += (model.call(coordinates.narrow(0, start, length)) - targets.narrow(0, start, length)).square().sum().item<float>();
        }
        return sum / (n * targets.shape[1]);
    }

    /// <summary>
    /// The field's values (H·W, C) on an H×W pixel grid. Each chunk's coordinates and activations live in
    /// their own dispose scope and are freed before the next chunk, so peak memory is the output plus one
    /// chunk (<see cref="FieldChunks"/>), at any resolution.
    /// </summary>
    public static Tensor Render(CoordinateMlp model, int height, int width) =>
        Render(model, (long)height * width, (start, length) => CoordinateGrid.Slice(height, width, start, length));

    /// <summary>The field's values (N, C) at <paramref name="n"/> points, whose coordinates (b, D) <paramref name="coordinates"/>
    /// makes chunk by chunk (start, length), as <see cref="Render(CoordinateMlp, int, int)"/> does on a pixel grid.</summary>
    internal static Tensor Render(CoordinateMlp model, long n, Func<long, long, Tensor> coordinates)
    {
        using var noGrad = no_grad();
        int chunk = FieldChunks.PixelsPerChunk(model.Architecture, FieldPass.Forward);
        var values = empty(n, model.Architecture.Channels);                          // (N, C)
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            values.narrow(0, start, length).copy_(model.call(coordinates(start, length)));
        }
        return values;
    }
}
