using NeuralLab.NeuralFields;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields;

public class FieldDerivativesTests
{
    const double A = 2.5, B = 1.5;

    // f(x, y) = sin(a x)·cos(b y): ∇f = (a cos(ax)cos(by), −b sin(ax)sin(by)), Δf = −(a² + b²) f.
    static Tensor Field(Tensor xy) => (sin(A * xy[.., 0]) * cos(B * xy[.., 1])).unsqueeze(1);

    static Tensor Points(int n, int seed)
    {
        torch.random.manual_seed(seed);
        return rand(n, 2, dtype: float64) * 2 - 1; // (n, 2) in [-1, 1]²
    }

    [Fact]
    public void GradientAndLaplacianMatchClosedForms()
    {
        var xy = Points(500, 1);
        var (gradient, laplacian) = FieldDerivatives.Evaluate(Field, xy, chunk: 128); // chunks exercise the stitching
        var x = xy[.., 0];
        var y = xy[.., 1];
        var gx = A * cos(A * x) * cos(B * y);
        var gy = -B * sin(A * x) * sin(B * y);
        var lap = -(A * A + B * B) * sin(A * x) * cos(B * y);
        Assert.True((gradient[.., 0] - gx).abs().max().item<double>() < 1e-12);
        Assert.True((gradient[.., 1] - gy).abs().max().item<double>() < 1e-12);
        Assert.True((laplacian - lap).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void SirenDerivativesMatchFiniteDifferences()
    {
        torch.random.manual_seed(3);
        using var model = new CoordinateMlp(new FieldArchitecture(FieldActivation.Sine, Hidden: 32, Layers: 2));
        model.to(float64);
        Tensor F(Tensor p) { using var _ = no_grad(); return model.call(p); }
        var xy = Points(40, 2);
        var (gradient, laplacian) = FieldDerivatives.Evaluate(x => model.call(x), xy);
        // Truncation error is O(h²·ω0²) relative: a small step for the first derivative, a larger one
        // for the second, where rounding (ε/h²) would dominate.
        var (fdGradient, _) = FiniteDifferences.GradientAndLaplacian(F, xy, h: 1e-6);
        var (_, fdLaplacian) = FiniteDifferences.GradientAndLaplacian(F, xy, h: 1e-4);
        double gradientScale = fdGradient.abs().max().item<double>();
        double laplacianScale = fdLaplacian.abs().max().item<double>();
        Assert.True((gradient - fdGradient).abs().max().item<double>() < 1e-6 * gradientScale,
            $"max |autograd − FD| = {(gradient - fdGradient).abs().max().item<double>()}, scale {gradientScale}");
        Assert.True((laplacian - fdLaplacian).abs().max().item<double>() < 1e-4 * laplacianScale,
            $"max |autograd − FD| = {(laplacian - fdLaplacian).abs().max().item<double>()}, scale {laplacianScale}");
    }

    // Q6: a ReLU network is piecewise linear, so its Laplacian is zero wherever it is defined;
    // a tanh network is smooth and curved, and its Laplacian agrees with finite differences.
    [Fact]
    public void ReluFieldLaplacianIsZeroAlmostEverywhereTanhIsNot()
    {
        torch.random.manual_seed(4);
        var xy = Points(400, 5);
        using var relu = new CoordinateMlp(new FieldArchitecture(FieldActivation.Relu, Hidden: 64, Layers: 2));
        relu.to(float64);
        var (reluGradient, reluLaplacian) = FieldDerivatives.Evaluate(x => relu.call(x), xy);
        Assert.Equal(0.0, reluLaplacian.abs().max().item<double>());
        Assert.True(reluGradient.abs().max().item<double>() > 0); // the field is not constant

        using var tanh = new CoordinateMlp(new FieldArchitecture(FieldActivation.Tanh, Hidden: 64, Layers: 2));
        tanh.to(float64);
        Tensor F(Tensor p) { using var _ = no_grad(); return tanh.call(p); }
        var (_, tanhLaplacian) = FieldDerivatives.Evaluate(x => tanh.call(x), xy);
        var (_, fdLaplacian) = FiniteDifferences.GradientAndLaplacian(F, xy, h: 1e-4);
        double scale = fdLaplacian.abs().max().item<double>();
        Assert.True(scale > 1e-3, $"tanh field's Laplacian by finite differences is {scale}");
        Assert.True((tanhLaplacian - fdLaplacian).abs().max().item<double>() < 1e-4 * scale);
        // Nonzero at (almost) every point, not just somewhere.
        Assert.True((tanhLaplacian.abs() > 1e-6 * scale).to_type(float64).mean().item<double>() > 0.99);
    }
}

/// <summary>Central finite differences in float64: the oracle for autograd's derivatives (TorchSharp has no gradcheck).</summary>
public static class FiniteDifferences
{
    public static (Tensor Gradient, Tensor Laplacian) GradientAndLaplacian(Func<Tensor, Tensor> f, Tensor xy, double h)
    {
        var f0 = f(xy)[.., 0];
        var gradients = new List<Tensor>();
        Tensor laplacian = zeros_like(f0);
        for (int i = 0; i < 2; i++)
        {
            var e = zeros_like(xy);
            e[.., i] = tensor(h, dtype: float64);
            var fPlus = f(xy + e)[.., 0];
            var fMinus = f(xy - e)[.., 0];
            gradients.Add((fPlus - fMinus) / (2 * h));
            laplacian = laplacian + (fPlus - 2 * f0 + fMinus) / (h * h);
        }
        return (stack(gradients, 1), laplacian);
    }
}
