using NeuralLab.Recurrence;

namespace NeuralLab.Tests.Recurrence;

public class SweepTests
{
    [Fact]
    public void LinearSlopesAreLnAbsWAndTanhStaysBelowTheLinearBound()
    {
        var sweep = GradientSweep.Run(200, seed: 2);
        Assert.Equal(10, sweep.Curves.Count);
        foreach (var c in sweep.Curves.Where(c => c.Activation == "identity"))
        {
            Assert.True(Math.Abs(c.Slope - Math.Log(Math.Abs(c.W))) < 1e-9, $"w = {c.W}: slope {c.Slope}");
            Assert.True(GradientCheck.RelativeError(c.AbsDhTDh1[^1], Math.Pow(Math.Abs(c.W), 199)) < 1e-12);
        }
        // |tanh'| ≤ 1, so with tanh |∂h_T/∂h_1| ≤ |w|^(T−1) at every T.
        foreach (var c in sweep.Curves.Where(c => c.Activation == "tanh"))
            for (int t = 1; t <= 200; t++)
                Assert.True(c.AbsDhTDh1[t - 1] <= Math.Pow(Math.Abs(c.W), t - 1) * (1 + 1e-12), $"w = {c.W}, T = {t}");
    }

    [Fact]
    public void SweepPointsAreTheGradientsLibtorchComputes()
    {
        var sweep = GradientSweep.Run(40, [1.1], [Activation.Tanh], RnnForm.Inner, seed: 4);
        var rnn = new ScalarRnn(1.1, Activation.Tanh, RnnForm.Inner);
        foreach (int t in new[] { 2, 17, 40 })
        {
            double autograd = AutogradGradients.OfOutput(rnn, sweep.X.Take(t).ToArray()).DLossDh[0];
            Assert.True(GradientCheck.RelativeError(sweep.Curves[0].AbsDhTDh1[t - 1], Math.Abs(autograd)) < 1e-10, $"T = {t}");
        }
    }
}
