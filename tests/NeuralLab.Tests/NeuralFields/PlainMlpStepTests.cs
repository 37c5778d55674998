using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Encodings;
using NeuralLab.NeuralFields.Supervision;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields;

/// <summary>
/// The hand-written forward and backward of plain ReLU and Tanh networks (<see cref="PlainMlpStep"/>) against autograd on
/// an identical network: the same loss and the same parameter gradients. The forward is the same ops (float32: the same
/// loss bits); the backward moves roundings (a GEMV sums the bias gradients, the activation's derivative is multiplied
/// separately), so the gradients agree to a few ulps of the largest entry: bound 1e-12 in float64, 1e-5 in float32.
/// </summary>
public class PlainMlpStepTests
{
    static ValueLoss Objective(int channels)
    {
        var pixels = Enumerable.Range(0, 6 * 5 * channels).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        return new ValueLoss(FieldSignal.FromImage(new FieldImage(6, 5, channels, pixels)));
    }

    static CoordinateMlp Network(FieldActivation activation, int channels, ScalarType dtype)
    {
        torch.random.manual_seed(11);
        var model = new CoordinateMlp(new FieldArchitecture(activation, Hidden: 24, Layers: 2, Channels: channels));
        model.to(dtype);
        return model;
    }

    static double RelativeDifference(Tensor a, Tensor b) => ((a - b).abs().max() / b.abs().max()).to_type(float64).item<double>();

    [Theory]
    [InlineData(FieldActivation.Relu, 1, ScalarType.Float64, 1e-12)]
    [InlineData(FieldActivation.Tanh, 1, ScalarType.Float64, 1e-12)]
    [InlineData(FieldActivation.Relu, 3, ScalarType.Float32, 1e-5)]
    [InlineData(FieldActivation.Tanh, 3, ScalarType.Float32, 1e-5)]
    public void LossAndGradientsMatchAutograd(FieldActivation activation, int channels, ScalarType dtype, double bound)
    {
        using var objective = Objective(channels);
        using var reference = Network(activation, channels, dtype);
        using var model = Network(activation, channels, dtype);
        using var step = PlainMlpStep.TryCreate(model, objective);
        Assert.NotNull(step);
        torch.random.manual_seed(12);
        // Batches of different sizes, each accumulated onto the ones before (as backward accumulates): sizes that come
        // back reuse the kept buffers (17, 9, 17, 9: an epoch's short last batch and the next epoch), a third size
        // replaces the older set (5, then 17 again).
        foreach (int batch in new[] { 17, 9, 17, 9, 5, 17 })
        {
            var x = (rand(batch, 2) * 2 - 1).to_type(dtype);
            var y = randn(batch, channels).to_type(dtype);
            var expected = nn.functional.mse_loss(reference.call(x), y);
            expected.backward();
            var loss = step!.LossAndGradients(x, y);
            if (dtype == ScalarType.Float32) Assert.Equal(expected.item<float>(), loss.item<float>());
            else Assert.True(Math.Abs(loss.item<double>() - expected.item<double>()) <= 1e-15 * expected.item<double>());
        }
        var (zero, total) = (0L, 0L);
        foreach (var (mine, theirs) in model.parameters().Zip(reference.parameters()))
        {
            Assert.True(RelativeDifference(mine.grad!, theirs.grad!) < bound, $"{mine.shape.Length}-d gradient differs by {RelativeDifference(mine.grad!, theirs.grad!):G3}");
            // Units that are off for the whole batch get exactly 0 both ways (the ReLU masks agree).
            Assert.Equal((theirs.grad! == 0).sum().item<long>(), (mine.grad! == 0).sum().item<long>());
            zero += (theirs.grad! == 0).sum().item<long>();
            total += theirs.numel();
        }
        Assert.True(zero < total * 3 / 4, $"{zero} of {total} gradient entries are 0: too few to compare");
    }

    [Fact]
    public void OnlyPlainValueFitsTakeTheStep()
    {
        using var values = Objective(1);
        using var relu = Network(FieldActivation.Relu, 1, ScalarType.Float32);
        using var sine = Network(FieldActivation.Sine, 1, ScalarType.Float32);
        using var fourier = new CoordinateMlp(new FieldArchitecture(FieldActivation.Relu), new EncodingConfig { Kind = EncodingKind.Fourier, FourierFeatures = 8 });
        using var gradients = new GradientLoss(zeros(30, 2));
        Assert.True(PlainMlpStep.Supports(relu, values));
        Assert.False(PlainMlpStep.Supports(sine, values));
        Assert.False(PlainMlpStep.Supports(fourier, values));
        Assert.False(PlainMlpStep.Supports(relu, gradients));
    }
}
