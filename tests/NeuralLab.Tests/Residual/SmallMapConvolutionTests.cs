using NeuralLab.Residual;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Residual;

public class SmallMapConvolutionTests
{
    // Oracle: libtorch's own conv2d, in float64, values and gradients with respect to input, weight and bias.
    [Theory]
    [InlineData(2, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    [InlineData(1, 1)]
    public void DenseFormEqualsConv2dWithGradients(int h, int w)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(3);
        var x = randn(4, 5, h, w, dtype: float64, requires_grad: true);
        var weight = randn(7, 5, 3, 3, dtype: float64, requires_grad: true);
        var bias = randn(7, dtype: float64, requires_grad: true);
        var probe = randn(4, 7, h, w, dtype: float64); // a random linear functional of the output
        var reference = nn.functional.conv2d(x, weight, bias, padding: [1, 1]);
        var referenceGrads = autograd.grad([(reference * probe).sum()], [x, weight, bias]);
        var dense = SmallMapConvolution.Apply(x, weight, bias);
        var denseGrads = autograd.grad([(dense * probe).sum()], [x, weight, bias]);
        Assert.Equal(reference.shape, dense.shape);
        Assert.True((reference - dense).abs().max().item<double>() < 1e-12);
        for (int i = 0; i < 3; i++)
            Assert.True((referenceGrads[i] - denseGrads[i]).abs().max().item<double>() < 1e-12, $"gradient {i}");
    }

    [Fact]
    public void NetworkGivesTheSameLogitsAndGradientsWithAndWithoutTheDenseForm()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(5);
        using var net = new ResNet(12);
        net.to(float64);
        var x = rand(16, 1, 8, 8, dtype: float64);
        Tensor[] Run(bool dense)
        {
            net.DenseSmallMaps = dense;
            var logits = net.call(x);
            return [logits, .. autograd.grad([logits.pow(2).sum()], net.parameters().ToArray())];
        }
        var withDense = Run(true);
        var withConv = Run(false);
        for (int i = 0; i < withDense.Length; i++)
            Assert.True((withDense[i] - withConv[i]).abs().max().item<double>() < 1e-10, $"tensor {i}");
    }

    [Fact]
    public void RefusesMapsLargerThanTwoByTwo()
    {
        using var scope = NewDisposeScope();
        Assert.False(SmallMapConvolution.Applies(zeros(1, 2, 3, 2)));
        Assert.Throws<ArgumentException>(() => SmallMapConvolution.Apply(zeros(1, 2, 3, 3), zeros(4, 2, 3, 3), null));
    }
}
