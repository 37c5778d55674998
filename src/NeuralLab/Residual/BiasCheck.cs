using NeuralLab.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Residual;

/// <summary>
/// The bias experiment: the homework's network against the same network with biases before every BatchNorm,
/// from the same initial weights, in float64.
/// </summary>
internal static class BiasCheck
{
    public static BiasCheckResult Run(DigitsData train, DigitsData test, BiasCheckOptions options, IProgress<ProgressReport>? progress = null,
        ResourceBudget? budget = null)
    {
        options.Validate();
        (budget ?? ResourceBudget.Default).Check(options.Estimate(test.Count));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var trainer = new Trainer(new TrainingPlan
        {
            Task = "bias check",
            Steps = options.Steps,
            EvaluateEvery = 10,
            Seed = options.Seed,
            Threads = options.Threads,
            OnDivergence = Divergence.Ignore,
            CollectEvery = 1, // autograd steps (docs/engine.md, "Native memory")
        });
        using var trainSet = LabelledTensors.From(train, ScalarType.Float64);
        using var testSet = LabelledTensors.From(test, ScalarType.Float64);
        var initial = InitialState(options.Channels);
        try
        {
            var (maxOutput, meanResidual, medianResidual) = TrainingModeIdentity(options, initial, trainSet, trainer.Random);
            return TrainSideBySide(trainer, options, initial, trainSet, testSet, progress) with
            {
                MaxOutputDifference = maxOutput,
                MeanResidual = meanResidual,
                MedianResidual = medianResidual,
                Seconds = clock.Elapsed.TotalSeconds,
            };
        }
        finally
        {
            foreach (var t in initial.Values) t.Dispose();
        }
    }

    /// <summary>The shared starting weights: one bias-free network's state, in float64.</summary>
    static Dictionary<string, Tensor> InitialState(int channels)
    {
        using var net = new ResNet(channels);
        net.to(ScalarType.Float64);
        return net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>A float64 network with <paramref name="placement"/> biases drawn N(0, scale²), all else from <paramref name="initial"/>.</summary>
    static ResNet Network(ConvBias placement, Dictionary<string, Tensor> initial, double biasScale)
    {
        int channels = (int)initial["head.weight"].shape[1];
        var net = new ResNet(channels, bias: placement);
        net.to(ScalarType.Float64);
        var (missing, unexpected) = net.load_state_dict(initial, strict: false);
        if (unexpected.Count > 0 || missing.Any(name => !IsBiasName(name)))
            throw new InvalidOperationException($"state mismatch: missing {string.Join(",", missing)}, unexpected {string.Join(",", unexpected)}");
        using (no_grad())
            foreach (var b in net.NormBiases) b.copy_(randn_like(b) * biasScale);
        return net;
    }

    static bool IsBiasName(string name) => name.EndsWith("conv.bias") || name.EndsWith("shift");

    static (double MaxOutput, double MeanResidual, double MedianResidual) TrainingModeIdentity(
        BiasCheckOptions options, Dictionary<string, Tensor> initial, LabelledTensors data, Random batches)
    {
        using var scope = NewDisposeScope();
        var (x, _) = data.Batch(batches, options.BatchSize); // (B, 1, 8, 8)
        double maxOutput = 0;
        foreach (double scale in options.BiasScales)
        {
            using var plain = Network(ConvBias.None, initial, 0);
            using var biased = Network(options.Placement, initial, scale);
            var plainOutputs = new List<Tensor>();
            var biasedOutputs = new List<Tensor>();
            plainOutputs.Add(plain.Forward(x, plainOutputs));
            biasedOutputs.Add(biased.Forward(x, biasedOutputs));
            foreach (var (p, b) in plainOutputs.Zip(biasedOutputs))
                maxOutput = Math.Max(maxOutput, (p - b).abs().max().item<double>());
        }
        using var net = Network(ConvBias.None, initial, 0);
        var (mean, median) = CentringResiduals(net.Units[0], x);
        return (maxOutput, mean, median);
    }

    /// <summary>How well BatchNorm's training output is explained by centring on the mean, and on the median.</summary>
    static (double Mean, double Median) CentringResiduals(ConvNorm unit, Tensor x)
    {
        var z = unit.Conv.call(x);                                   // (B, C, h, w): the BatchNorm's input
        var y = unit.Norm.call(z);
        long c = z.shape[1];
        var perChannel = z.transpose(0, 1).reshape(c, -1);           // (C, B·h·w)
        var mean = perChannel.mean([1]).view(1, c, 1, 1);
        var sorted = perChannel.sort(1).Values;
        long n = sorted.shape[1];
        var median = ((sorted[.., (n - 1) / 2] + sorted[.., n / 2]) / 2).view(1, c, 1, 1);
        // BatchNorm normalises by the biased batch variance (divide by n), plus eps.
        var std = (perChannel.var(1, unbiased: false) + unit.Norm.eps).sqrt().view(1, c, 1, 1);
        var gamma = unit.Norm.weight!.view(1, c, 1, 1);
        var beta = unit.Norm.bias!.view(1, c, 1, 1);
        double Residual(Tensor centre) => (y - (gamma * (z - centre) / std + beta)).abs().max().item<double>();
        return (Residual(mean), Residual(median));
    }

    static BiasCheckResult TrainSideBySide(Trainer trainer, BiasCheckOptions options, Dictionary<string, Tensor> initial,
        LabelledTensors trainSet, LabelledTensors testSet, IProgress<ProgressReport>? progress)
    {
        using var plain = Network(ConvBias.None, initial, 0);
        using var biased = Network(options.Placement, initial, 1);
        using var plainSgd = new Sgd(plain.parameters(), options.LearningRate);
        using var biasedSgd = new Sgd(biased.parameters(), options.LearningRate);
        var biasedLosses = new List<double>();
        double maxBiasGradient = 0, maxLossDifference = 0;
        plain.train();
        biased.train();
        var outcome = trainer.Run(
            step: step =>
            {
                using var scope = NewDisposeScope();
                var (x, y) = trainSet.Batch(step.Random, options.BatchSize);
                var plainLoss = nn.functional.cross_entropy(plain.call(x), y);
                plainSgd.ZeroGrad();
                plainLoss.backward();
                plainSgd.Step();
                var biasedLoss = nn.functional.cross_entropy(biased.call(x), y);
                biasedSgd.ZeroGrad();
                biasedLoss.backward();
                foreach (var b in biased.NormBiases) maxBiasGradient = Math.Max(maxBiasGradient, b.grad!.abs().max().item<double>());
                biasedSgd.Step();
                double loss = plainLoss.item<double>();
                biasedLosses.Add(biasedLoss.item<double>());
                maxLossDifference = Math.Max(maxLossDifference, Math.Abs(loss - biasedLosses[^1]));
                return loss;
            },
            evaluate: step => [("loss", step.Loss), ("|Δloss|", maxLossDifference)],
            progress: progress,
            optimizers: [plainSgd, biasedSgd]);
        var plainLosses = outcome.Losses;
        double weightDifference = SharedParameterDifference(plain, biased);
        var (offsetError, memory) = RunningMeanOffset(plain, biased, options.Steps);
        double folded, raw;
        using (var scope = NewDisposeScope())
        {
            using var fold = Folded(biased, initial);
            var biasedLogits = EvalLogits(biased, testSet.Images);
            folded = (EvalLogits(fold, testSet.Images) - biasedLogits).abs().max().item<double>();
            raw = (EvalLogits(plain, testSet.Images) - biasedLogits).abs().max().item<double>();
        }
        return new BiasCheckResult(options.Channels, options.Steps, options.Placement, 0, maxBiasGradient, maxLossDifference,
            weightDifference, offsetError, folded, raw, memory, 0, 0, plainLosses, biasedLosses, 0);
    }

    static double SharedParameterDifference(ResNet plain, ResNet biased)
    {
        var theirs = biased.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double max = 0;
        using var noGrad = no_grad();
        foreach (var (name, p) in plain.named_parameters())
            max = Math.Max(max, (p - theirs[name]).abs().max().item<double>());
        return max;
    }

    /// <summary>
    /// With identical weights the biased unit's batch mean is the plain one's plus b at every step, so the running
    /// mean μ ← (1 − m)μ + m·mean, started at 0, differs by b·(1 − (1 − m)^t).
    /// </summary>
    static (double Error, double Memory) RunningMeanOffset(ResNet plain, ResNet biased, int steps)
    {
        using var scope = NewDisposeScope();
        double error = 0, memory = 1;
        foreach (var (p, b) in plain.Units.Zip(biased.Units))
        {
            double m = b.Norm.momentum ?? 0.1;
            long t = b.Norm.num_batches_tracked!.item<long>();
            if (t != steps) throw new InvalidOperationException($"BatchNorm tracked {t} batches, expected {steps}");
            memory = Math.Pow(1 - m, t);
            var expected = b.Bias!.detach().flatten() * (1 - memory);                     // (C)
            error = Math.Max(error, (b.Norm.running_mean! - p.Norm.running_mean! - expected).abs().max().item<double>());
        }
        return (error, memory);
    }

    /// <summary>The biased network rewritten without biases: same weights, running mean μ_run − b.</summary>
    static ResNet Folded(ResNet biased, Dictionary<string, Tensor> initial)
    {
        var fold = Network(ConvBias.None, initial, 0);
        var state = biased.state_dict().Where(kv => !IsBiasName(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        fold.load_state_dict(state, strict: false);
        using var noGrad = no_grad();
        foreach (var (f, b) in fold.Units.Zip(biased.Units))
            f.Norm.running_mean!.sub_(b.Bias!.detach().flatten());
        return fold;
    }

    static Tensor EvalLogits(ResNet net, Tensor images)
    {
        net.eval();
        using var noGrad = no_grad();
        return net.call(images);                                                          // (n, classes)
    }
}
