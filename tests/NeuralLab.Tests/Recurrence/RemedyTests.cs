using NeuralLab.Recurrence;

namespace NeuralLab.Tests.Recurrence;

public class RemedyTests
{
    // Oracle: libtorch autograd (with detach() for truncation) against the hand-written recursion
    // with its cut-off carry, step for step through SGD, clipping included.
    [Theory]
    [InlineData(Remedy.None)]
    [InlineData(Remedy.Clipping)]
    [InlineData(Remedy.Truncation)]
    public void AutogradTrainingAndHandWrittenTrainingFollowTheSameTrajectory(Remedy remedy)
    {
        var task = new RemedyTask(Length: 40, Steps: 12, TruncationLength: 7, Activation: Activation.Tanh, InitialW: 1.3, LearningRate: 0.05, ClipNorm: 0.2);
        var (x, target) = GradientRemedies.Data(task, seed: 3);
        var torch = GradientRemedies.Train(task, x, target, remedy);
        var manual = GradientRemedies.TrainManually(task, x, target, remedy);
        Assert.Equal(torch.Loss.Length, manual.Loss.Length);
        for (int s = 0; s < torch.Loss.Length; s++)
        {
            Assert.True(GradientCheck.RelativeError(torch.Loss[s], manual.Loss[s]) < 1e-10, $"loss at step {s}: {torch.Loss[s]} vs {manual.Loss[s]}");
            Assert.True(GradientCheck.RelativeError(torch.GradientNorm[s], manual.GradientNorm[s]) < 1e-10, $"gradient at step {s}");
            Assert.True(GradientCheck.RelativeError(torch.W[s], manual.W[s]) < 1e-10, $"w after step {s}");
        }
    }

    [Fact]
    public void TruncationShortensEveryGradientPathAndClippingBoundsTheStep()
    {
        var task = new RemedyTask(Length: 60, Steps: 1, TruncationLength: 5);
        var (x, target) = GradientRemedies.Data(task, seed: 1);
        var rnn = new ScalarRnn(task.InitialW);
        var full = BackpropThroughTime.OfMeanSquaredError(rnn, x, target).Gradients;
        var truncated = BackpropThroughTime.OfMeanSquaredError(rnn, x, target, truncation: 5).Gradients;
        // With the carry cut at t = 1, 6, 11, ..., dL/dh_t only sees the rest of its own chunk:
        // at the last step of a chunk (t = 5, 10, ...) it is the direct term 2(h_t − h*_t)/T alone.
        var h = rnn.States(x);
        for (int t = 5; t <= 60; t += 5)
            Assert.Equal(2 * (h[t - 1] - target[t - 1]) / 60, truncated.DLossDh[t - 1], 15);
        Assert.NotEqual(full.DLossDw, truncated.DLossDw);
        var clipped = GradientRemedies.TrainManually(task, x, target, Remedy.Clipping);
        Assert.True(clipped.GradientNorm[0] > task.ClipNorm);
        Assert.Equal(task.InitialW - task.LearningRate * task.ClipNorm * Math.Sign(full.DLossDw), clipped.W[0], 14);
    }
}

public class RemedyMemoryTests
{
    // Each autograd step runs in its own dispose scope: no tensor may outlive it (NOTES-torchsharp.md §2).
    [Fact]
    public void AutogradTrainingLeavesNoLiveTensorsBehind()
    {
        var task = new RemedyTask(Length: 30, Steps: 5, TruncationLength: 4);
        var (x, target) = GradientRemedies.Data(task, seed: 0);
        GradientRemedies.Train(task, x, target, Remedy.Truncation);
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        GradientRemedies.Train(task with { Steps = 40 }, x, target, Remedy.Truncation);
        GradientRemedies.Train(task with { Steps = 40 }, x, target, Remedy.Clipping);
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    // The checks bptt's --w, --w0 and --clip leave to the library (issue 11), by the names the CLI maps to those flags.
    [Fact]
    public void NonFiniteWeightsAndClipNormsAreRefusedByName()
    {
        var task = new RemedyTask(Length: 30, Steps: 5, TruncationLength: 4);
        task.Validate();
        Assert.Equal("w", Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarRnn(double.NaN)).ParamName);
        Assert.Equal("InitialW", Assert.Throws<ArgumentOutOfRangeException>(() => (task with { InitialW = double.PositiveInfinity }).Validate()).ParamName);
        Assert.Equal("ClipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => (task with { ClipNorm = double.NaN }).Validate()).ParamName);
    }
}
