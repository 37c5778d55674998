using NeuralLab.NeuralFields;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields;

/// <summary>
/// SIREN's layer as one autograd node (<see cref="SineLayerNode"/>) against the same layer composed of libtorch ops.
/// The forward is the same ops, so the same bits. The backward is the same formulas with ω0 applied elsewhere: by
/// the GEMMs (alpha) instead of a multiply after them, and to the bias gradient after the batch sum instead of before;
/// each moves one rounding, so float32 gradients agree to a few ulps of their scale (bound 1e-6 relative to the
/// largest entry; measured 1.8e-7 on the 3×256 network) and float64 ones to 1e-13.
/// </summary>
public class SineLayerTests
{
    const double Omega0 = 30;

    static (Tensor X, Tensor Weight, Tensor Bias, Tensor Upstream) Layer(ScalarType dtype, int inputs, int seed)
    {
        torch.random.manual_seed(seed);
        double bound = Math.Sqrt(6.0 / inputs) / Omega0; // SIREN's hidden-layer initialisation: ω0·z ~ unit scale
        var x = (rand(300, inputs, dtype: dtype) * 2 - 1).requires_grad_(true);
        var weight = ((rand(64, inputs, dtype: dtype) * 2 - 1) * bound).requires_grad_(true);
        var bias = (rand(64, dtype: dtype) * 0.1).requires_grad_(true);
        return (x, weight, bias, randn(300, 64, dtype: dtype));
    }

    static (Tensor Y, Tensor[] Gradients) ValueAndGradients(Tensor x, Tensor weight, Tensor bias, Tensor upstream, bool composed)
    {
        var y = SineLayer.Forward(x, weight, bias, Omega0, composed);
        var inputs = x.requires_grad ? new[] { x, weight, bias } : new[] { weight, bias };
        var gradients = autograd.grad([(y * upstream).sum()], inputs);
        return (y.detach(), gradients.ToArray());
    }

    static double RelativeDifference(Tensor a, Tensor b) => ((a - b).abs().max() / b.abs().max()).to_type(float64).item<double>();

    [Theory]
    [InlineData(true)]  // a hidden layer: the input's gradient flows on
    [InlineData(false)] // the first layer: the coordinates take no gradient
    public void FusedNodeMatchesTheComposedLayer(bool inputGradient)
    {
        var (x, weight, bias, upstream) = Layer(float32, 256, 1);
        if (!inputGradient) x = x.detach();
        var (expected, expectedGradients) = ValueAndGradients(x, weight, bias, upstream, composed: true);
        var (y, gradients) = ValueAndGradients(x, weight, bias, upstream, composed: false);
        Assert.True(y.eq(expected).all().item<bool>(), "the forward is the same ops");
        Assert.Equal(expectedGradients.Length, gradients.Length);
        for (int i = 0; i < gradients.Length; i++)
        {
            Assert.Equal(expectedGradients[i].shape, gradients[i].shape);
            Assert.True(expectedGradients[i].abs().max().item<float>() > 0.1, "a gradient of scale one");
            double difference = RelativeDifference(gradients[i], expectedGradients[i]);
            Assert.True(difference < 1e-6, $"gradient {i}: {difference:G3} relative");
        }
    }

    [Fact]
    public void FloatSixtyFourGradientsAgreeToRounding()
    {
        var (x, weight, bias, upstream) = Layer(float64, 256, 2);
        var (_, expected) = ValueAndGradients(x, weight, bias, upstream, composed: true);
        var (_, gradients) = ValueAndGradients(x, weight, bias, upstream, composed: false);
        for (int i = 0; i < gradients.Length; i++) Assert.True(RelativeDifference(gradients[i], expected[i]) < 1e-13);
    }

    /// <summary>A derivative of the backward (create_graph) goes through the node's differentiable path: here the gradient
    /// with respect to the weights of the squared input gradient, the shape of a gradient-supervised loss.</summary>
    [Fact]
    public void SecondDerivativesThroughTheNodeMatchTheComposedLayer()
    {
        var (x, weight, bias, upstream) = Layer(float64, 2, 3);
        Tensor[] SecondDerivatives(bool composed)
        {
            var y = SineLayer.Forward(x, weight, bias, Omega0, composed);
            var inputGradient = autograd.grad([(y * upstream).sum()], [x], create_graph: true, retain_graph: true)[0]; // (300, 2)
            return autograd.grad([inputGradient.square().sum()], [weight, bias]).ToArray();
        }
        var expected = SecondDerivatives(composed: true);
        var actual = SecondDerivatives(composed: false);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].abs().max().item<double>() > 1e-3);
            Assert.True(RelativeDifference(actual[i], expected[i]) < 1e-12, $"second derivative {i}");
        }
    }

    [Fact]
    public void WithoutAGraphTheLayerIsComputedInPlaceWithTheSameBits()
    {
        var (x, weight, bias, _) = Layer(float32, 256, 4);
        var expected = SineLayer.Forward(x, weight, bias, Omega0, composed: true).detach();
        using (no_grad()) Assert.True(SineLayer.Forward(x, weight, bias, Omega0, composed: false).eq(expected).all().item<bool>());
    }

    /// <summary>The network picks the node for training steps and the composed layer when the coordinates take a gradient.</summary>
    [Fact]
    public void NetworkGradientsAreTheSameEitherWay()
    {
        torch.random.manual_seed(5);
        using var model = new CoordinateMlp(new FieldArchitecture(FieldActivation.Sine, Hidden: 64, Layers: 2));
        var coordinates = rand(200, 2) * 2 - 1;
        var target = randn(200, 1);
        Tensor Gradients(Tensor input)
        {
            model.zero_grad();
            nn.functional.mse_loss(model.call(input), target).backward();
            return cat(model.parameters().Select(p => p.grad!.flatten()).ToList()).clone();
        }
        var viaNode = Gradients(coordinates);
        var composed = Gradients(coordinates.detach().requires_grad_(true));
        Assert.True(RelativeDifference(viaNode, composed) < 1e-6);
    }
}
