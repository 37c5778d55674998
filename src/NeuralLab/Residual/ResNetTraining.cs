using System.Diagnostics;
using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Residual;

/// <summary>
/// What every ResNet run on the digits is given (training, the bias check): its width, SGD's batch and step, the seed and
/// libtorch's threads, and the checks every such run makes of them. Each run sets its own defaults.
/// </summary>
public abstract record ResNetRunOptions
{
    /// <summary>C, the channels of every convolution.</summary>
    public int Channels { get; init; }
    /// <summary>Images per SGD minibatch (drawn at random).</summary>
    public int BatchSize { get; init; }
    /// <summary>SGD's step.</summary>
    public double LearningRate { get; init; } = 0.1;
    /// <summary>Seeds libtorch and the minibatch draws.</summary>
    public int Seed { get; init; }
    /// <summary>libtorch intra-op threads while the run computes (see <see cref="LibtorchThreads"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the property when the batch, step or threads cannot be used.</summary>
    protected void ValidateRun()
    {
        if (BatchSize < 2) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchNorm needs at least 2 images per batch");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive and finite");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be at least 1");
    }
}

/// <summary>The homework's recipe: SGD with step 0.1, random minibatches of 128, 4000 iterations, risks every 25.</summary>
public sealed record ResNetTrainingOptions : ResNetRunOptions
{
    /// <summary>The recipe's width (64) and batch (128).</summary>
    public ResNetTrainingOptions()
    {
        Channels = 64;
        BatchSize = 128;
    }

    /// <summary>SGD iterations (one minibatch each).</summary>
    public int Iterations { get; init; } = 4000;
    /// <summary>Every this many iterations the training-batch loss and the test loss are recorded.</summary>
    public int EvaluateEvery { get; init; } = 25;
    /// <summary>Checkpoint every this many iterations (0: only at the end).</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>Where the convolutions' biases sit (none in the homework).</summary>
    public ConvBias Bias { get; init; } = ConvBias.None;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option outside its range.</summary>
    public void Validate()
    {
        if (Channels < 1) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "a ResNet needs at least 1 channel");
        if (Channels > 4096) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "more than 4096 channels is not a small ResNet");
        if (Iterations < 1) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "must be at least 1");
        ValidateRun();
        // The network is float32: libtorch refuses a scalar it cannot convert (an internal error otherwise).
        if (LearningRate > float.MaxValue) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"must be at most {float.MaxValue:G3} (the network is float32)");
        if (EvaluateEvery < 1) throw new ArgumentOutOfRangeException(nameof(EvaluateEvery), EvaluateEvery, "must be at least 1");
        if (CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "must be 0 (end only) or positive");
    }

    /// <summary>What <see cref="ResNetTraining.Train"/> costs on <paramref name="trainImages"/> and <paramref name="testImages"/> digits.</summary>
    public ResourceEstimate Estimate(int trainImages, int testImages) =>
        ResNetCost.Estimate($"training a C = {Channels} ResNet for {Iterations:N0} iterations of batch {BatchSize:N0}", Channels, BatchSize, Iterations,
            (Iterations / (double)EvaluateEvery + 1) * testImages, testImages);
}

/// <summary>One point of the risk curves: the loss of the iteration's training batch and the loss on the whole test set.</summary>
public sealed record RiskPoint(int Iteration, double TrainLoss, double TestLoss);

/// <summary>What a training run reached; the confusion matrix counts [true class][predicted class] on the test set.</summary>
public sealed record ResNetTrainingResult(
    int Channels,
    int Iterations,
    double TestAccuracy,
    double TestLoss,
    double Seconds,
    IReadOnlyList<RiskPoint> Curve,
    int[][] ConfusionMatrix);

/// <summary>Test-set loss, accuracy and confusion of a model, in evaluation mode.</summary>
public sealed record Evaluation(double Loss, double Accuracy, int[][] ConfusionMatrix);

/// <summary>Trains the homework's ResNet on the digits and evaluates it.</summary>
public static class ResNetTraining
{
    /// <summary>
    /// Trains a fresh <see cref="ResNet"/> from <paramref name="options"/>' seed. <paramref name="checkpoint"/>
    /// is called with the model every <see cref="ResNetTrainingOptions.CheckpointEvery"/> iterations and at the end.
    /// </summary>
    public static ResNetTrainingResult Train(DigitsData train, DigitsData test, ResNetTrainingOptions options,
        IProgress<ProgressReport>? progress = null, Action<int, ResNet>? checkpoint = null, ResourceBudget? budget = null)
    {
        options.Validate();
        (budget ?? ResourceBudget.Default).Check(options.Estimate(train.Count, test.Count));
        var clock = Stopwatch.StartNew();
        using var trainer = new Trainer(new TrainingPlan
        {
            Task = $"resnet C={options.Channels}",
            Steps = options.Iterations,
            EvaluateEvery = options.EvaluateEvery,
            Seed = options.Seed,
            Threads = options.Threads,
            OnDivergence = Divergence.Ignore,
            CollectEvery = 1, // autograd steps (docs/engine.md, "Native memory")
        });
        using var model = new ResNet(options.Channels, DigitsData.Classes, options.Bias);
        using var trainSet = LabelledTensors.From(train);
        using var testSet = LabelledTensors.From(test);
        using var sgd = new Sgd(model.parameters(), options.LearningRate);
        var curve = new List<RiskPoint>();
        model.train();
        trainer.Run(
            step: step =>
            {
                using var scope = NewDisposeScope();
                var (x, y) = trainSet.Batch(step.Random, options.BatchSize); // (B, 1, 8, 8), (B)
                var loss = nn.functional.cross_entropy(model.call(x), y);
                sgd.ZeroGrad();
                loss.backward();
                sgd.Step();
                return loss.item<float>();
            },
            evaluate: step =>
            {
                double testLoss = Evaluate(model, testSet).Loss;
                curve.Add(new RiskPoint((int)step.Number, step.Loss, testLoss));
                return [("train loss", step.Loss), ("test loss", testLoss)];
            },
            progress: progress,
            afterStep: step =>
            {
                if (checkpoint != null && options.CheckpointEvery > 0 && step.Number % options.CheckpointEvery == 0 && step.Number != options.Iterations)
                    checkpoint((int)step.Number, model);
            },
            optimizers: sgd);
        var final = Evaluate(model, testSet);
        checkpoint?.Invoke(options.Iterations, model);
        return new ResNetTrainingResult(options.Channels, options.Iterations, final.Accuracy, final.Loss,
            clock.Elapsed.TotalSeconds, curve, final.ConfusionMatrix);
    }

    /// <summary>Mean cross-entropy, accuracy and confusion on <paramref name="data"/> with BatchNorm's running statistics (eval mode).</summary>
    public static Evaluation Evaluate(ResNet model, LabelledTensors data)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logits = model.call(data.Images);                          // (n, classes)
            double loss = nn.functional.cross_entropy(logits, data.Labels).item<float>();
            long[] predicted = logits.argmax(1).data<long>().ToArray();
            long[] truth = data.Labels.data<long>().ToArray();
            var confusion = Enumerable.Range(0, DigitsData.Classes).Select(_ => new int[DigitsData.Classes]).ToArray();
            int correct = 0;
            for (int i = 0; i < truth.Length; i++)
            {
                confusion[truth[i]][predicted[i]]++;
                if (truth[i] == predicted[i]) correct++;
            }
            return new Evaluation(loss, (double)correct / truth.Length, confusion);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
