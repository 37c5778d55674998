using NeuralLab.Residual;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Residual;

public class ResNetShapeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void LogitsAndEveryUnitHaveTheHomeworksShapes(int channels)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(0);
        using var net = new ResNet(channels);
        var units = new List<Tensor>();
        var logits = net.Forward(rand(5, 1, 8, 8), units);
        Assert.Equal(new long[] { 5, 10 }, logits.shape);
        // stem: stride 2 halves 8×8 to 4×4; the block sees the max-pooled 2×2 maps and keeps them.
        Assert.Equal(new long[] { 5, channels, 4, 4 }, units[0].shape);
        Assert.Equal(new long[] { 5, channels, 2, 2 }, units[1].shape);
        Assert.Equal(new long[] { 5, channels, 2, 2 }, units[2].shape);
    }

    [Fact]
    public void ResidualBlockPreservesItsInputShape()
    {
        using var scope = NewDisposeScope();
        using var block = new ResidualBlock(6);
        Assert.Equal(new long[] { 3, 6, 5, 7 }, block.call(randn(3, 6, 5, 7)).shape);
    }

    [Fact]
    public void TheHomeworksNetworkHasNoConvBiasAndTheExpectedParameterCount()
    {
        const int c = 16;
        using var plain = new ResNet(c);
        using var biased = new ResNet(c, bias: ConvBias.BeforeNorm);
        Assert.Empty(plain.NormBiases);
        Assert.DoesNotContain(plain.named_parameters(), p => p.name.EndsWith("conv.bias"));
        // Counted by hand from the definition: stem conv 1·C·9, three BatchNorms 2C each, two block convs C·C·9, linear C·10 + 10.
        long expected = 9 * c + 3 * 2 * c + 2 * 9 * c * c + 10 * c + 10;
        Assert.Equal(expected, plain.parameters().Sum(p => p.numel()));
        Assert.Equal(expected + 3 * c, biased.parameters().Sum(p => p.numel()));
        Assert.Equal(3, biased.NormBiases.Count);
    }

    [Fact]
    public void ActivationsAreChannelsLastSoBatchNormAndPoolingVectoriseOverChannels()
    {
        using var scope = NewDisposeScope();
        using var net = new ResNet(32);
        var units = new List<Tensor>();
        net.Forward(rand(8, 1, 8, 8), units);
        Assert.All(units, u => Assert.True(MemoryLayout.IsChannelsLast(u), $"strides {string.Join(",", u.stride())}"));
    }
}
