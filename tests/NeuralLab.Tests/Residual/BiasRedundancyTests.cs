using NeuralLab.Residual;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Residual;

public class BiasRedundancyTests
{
    // BatchNorm in training mode maps z and z + b (b constant per channel) to the same output, and so the
    // gradient reaching b, the sum over (N, H, W) of the gradient reaching z, is zero. Checked on libtorch's
    // BatchNorm2d alone, independently of the ResNet and of BiasCheck.
    [Theory]
    [InlineData(1e-3)]
    [InlineData(1.0)]
    [InlineData(1e3)]
    public void BatchNormCancelsAPerChannelConstantAndItsGradientIsZero(double scale)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(11);
        using var norm = nn.BatchNorm2d(6);
        norm.to(float64);
        using (no_grad())
        {
            norm.weight!.copy_(randn(6, dtype: float64));
            norm.bias!.copy_(randn(6, dtype: float64));
        }
        var z = randn(10, 6, 3, 3, dtype: float64, requires_grad: true);
        var b = (randn(1, 6, 1, 1, dtype: float64) * scale).requires_grad_(true);
        var probe = randn(10, 6, 3, 3, dtype: float64);
        var without = norm.call(z);
        var with = norm.call(z + b);
        double tolerance = 1e-13 * Math.Max(1, scale);
        Assert.True((with - without).abs().max().item<double>() < tolerance);
        var grads = autograd.grad([(with * probe).sum()], [z, b]);
        Assert.True(grads[1].abs().max().item<double>() < tolerance, $"bias gradient {grads[1].abs().max().item<double>()}");
        Assert.True(grads[0].abs().max().item<double>() > 1e-3, "the input's gradient is not zero, only its per-channel sum");
    }

    static (DigitsData Train, DigitsData Test) SmallSplit() => DigitsSplits.Small(seed: 0, trainImages: 300, testImages: 200);

    [Fact]
    public void BiasesBeforeBatchNormAreRedundantInAllThreeSenses()
    {
        var (train, test) = SmallSplit();
        var r = BiasCheck.Run(train, test, new BiasCheckOptions { Channels = 4, Steps = 15, BatchSize = 32 });
        Assert.True(r.Holds, $"{r}");
        Assert.True(r.MaxOutputDifference < BiasCheckOptions.Tolerance);
        Assert.True(r.MaxBiasGradient < BiasCheckOptions.Tolerance);
        Assert.True(r.MaxLossDifference < BiasCheckOptions.Tolerance);
        Assert.True(r.MaxWeightDifference < BiasCheckOptions.Tolerance);
        Assert.Equal(15, r.LossesWithBias.Count);
        Assert.True(r.LossesWithoutBias[^1] < r.LossesWithoutBias[0], "the networks did train");
        // Eval mode: the running mean carries b·(1 − 0.9^t); folding it out is exact, while the unfolded networks
        // still differ by the running mean's memory of its zero start (0.9^15 ≈ 0.21).
        Assert.Equal(Math.Pow(0.9, 15), r.RunningMeanMemory, 12);
        Assert.True(r.RunningMeanOffsetError < BiasCheckOptions.Tolerance);
        Assert.True(r.FoldedEvalDifference < BiasCheckOptions.Tolerance);
        Assert.True(r.EvalOutputDifference > 1e-6, $"unfolded eval difference {r.EvalOutputDifference}");
        // BatchNorm centres on the mean; the "median" of the written solution does not reproduce it.
        Assert.True(r.SubtractsMeanNotMedian);
        Assert.True(r.MeanResidual < 1e-12);
        Assert.True(r.MedianResidual > 1e-3);
    }

    [Fact]
    public void TheControlWithShiftsAfterBatchNormFailsEveryCheck()
    {
        var (train, test) = SmallSplit();
        var r = BiasCheck.Run(train, test, new BiasCheckOptions { Channels = 4, Steps = 5, BatchSize = 32, Placement = ConvBias.AfterNorm });
        Assert.False(r.Holds);
        Assert.True(r.MaxOutputDifference > 1e-3);
        Assert.True(r.MaxBiasGradient > 1e-6);
        Assert.True(r.MaxLossDifference > 1e-6);
    }
}
