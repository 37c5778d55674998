using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Expressivity;

/// <summary>Least-squares fitting of a scalar function by full-batch Adam (NeuralLab.Common.Adam), in float64.</summary>
internal static class CurveFitting
{
    /// <summary>
    /// Minimises the mean squared error over (xs, ys) for <paramref name="steps"/> Adam steps, the learning rate decaying
    /// geometrically from <paramref name="learningRate"/> to <paramref name="finalLearningRate"/>. Returns the loss at each step.
    /// </summary>
    public static double[] Train(nn.Module<Tensor, Tensor> network, double[] xs, double[] ys, int steps, double learningRate = 1e-2,
        double finalLearningRate = 1e-4, IProgress<NeuralLab.Common.ProgressReport>? progress = null, string task = "train")
    {
        if (steps == 0) return [];
        double decay = Math.Pow(finalLearningRate / learningRate, 1.0 / Math.Max(1, steps - 1));
        using var trainer = new Trainer(new TrainingPlan
        {
            Task = task,
            Steps = steps,
            LearningRate = step => learningRate * Math.Pow(decay, step),
            EvaluateEvery = 100,
            Threads = 1,
            OnDivergence = Divergence.Ignore,
            CollectEvery = 1, // autograd steps (docs/engine.md, "Native memory")
        });
        network.train();
        using var x = tensor(xs, float64).reshape(-1, 1);  // (n, 1)
        using var y = tensor(ys, float64).reshape(-1, 1);  // (n, 1)
        using var adam = new NeuralLab.Common.Adam(network.parameters(), learningRate);
        var outcome = trainer.Run(
            step: _ =>
            {
                using var scope = NewDisposeScope();
                adam.ZeroGrad();
                var loss = (network.call(x) - y).pow(2).mean();
                loss.backward();
                adam.Step();
                return loss.item<double>();
            },
            evaluate: step => [("mse", step.Loss)],
            progress: progress,
            optimizers: adam);
        network.eval();
        return [.. outcome.Losses];
    }

    /// <summary>Mean squared error of <paramref name="predicted"/> against <paramref name="ys"/>.</summary>
    public static double Mse(IReadOnlyList<double> predicted, IReadOnlyList<double> ys)
    {
        double sum = 0;
        for (int i = 0; i < ys.Count; i++) sum += (predicted[i] - ys[i]) * (predicted[i] - ys[i]);
        return sum / ys.Count;
    }

    /// <summary>n equally spaced points from a to b, both included.</summary>
    public static double[] Linspace(double a, double b, int n) =>
        Enumerable.Range(0, n).Select(i => i == n - 1 ? b : a + (b - a) * i / (n - 1)).ToArray();
}
