using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Supervision;

/// <summary>How a field fitted from derivatives compares with the image (metrics.json's "supervision").</summary>
public sealed record SupervisionMetrics
{
    /// <summary>What the loss compared: "value", "gradient" or "laplacian".</summary>
    public required string Supervision { get; init; }
    /// <summary>The ground-truth operator the loss compared the field's autograd derivative with.</summary>
    public required string Target { get; init; }
    /// <summary>What was removed before the headline PSNR (fit's "psnr") was measured.</summary>
    public required string PsnrAfter { get; init; }
    /// <summary>PSNR (dB) after removing the least-squares constant per channel, which derivatives cannot
    /// see.</summary>
    public required double PsnrAfterConstant { get; init; }
    /// <summary>Laplacian supervision only: after the least-squares constant + plane (the headline).</summary>
    public double? PsnrAfterPlane { get; init; }
    /// <summary>Laplacian supervision only: after the least-squares harmonic polynomial of degree ≤ 4.</summary>
    public double? PsnrAfterHarmonicDegree4 { get; init; }
    /// <summary>The loss's own measure over the whole image: mean squared difference of the supervised quantity.</summary>
    public required double SupervisedMse { get; init; }
    /// <summary>√(SupervisedMse / mean square of the target): the relative error of the gradient or Laplacian.</summary>
    public required double SupervisedRelativeError { get; init; }
    /// <summary>Gradient supervision only: whether the loss also fitted long-span differences (<see cref="GradientSpans"/>).
    /// <see cref="SupervisedMse"/> is the gradient's error either way.</summary>
    public bool? GradientSpans { get; init; }
    /// <summary>The least-squares constant per channel added to the field after training (folded into its output bias).</summary>
    public required double[] Constant { get; init; }
}

/// <summary>
/// After a derivative-supervised fit: fixes the free constant by least squares (folded into the field, so
/// the checkpoint and <c>render</c> give the image itself), measures PSNR after the constant (and, for the
/// Laplacian, after a plane and after degree-4 harmonic polynomials) and the loss's own error.
/// </summary>
internal static class SupervisedFit
{
    /// <summary>The extra output of a Laplacian-supervised fit: field + least-squares plane.</summary>
    public const string AlignedReconstruction = "reconstruction_aligned.png";

    /// <summary>Null for value supervision; otherwise the metrics, with the field shifted by its constant.</summary>
    public static SupervisionMetrics? Finish(FieldImage image, FitResult fit, OutputDirectory? output)
    {
        var supervision = fit.Config.Supervision;
        if (supervision == FieldSupervision.Value) return null;
        using var scope = NewDisposeScope();
        var signal = FieldSignal.FromImage(image);
        var coordinates = signal.CreateCoordinates(); // (N, 2)
        var values = signal.ToTensor();               // (N, C)
        using var loss = FieldLosses.Create(supervision, signal); // without spans: the error of the gradient itself
        double supervisedMse = FieldLosses.TargetMse(loss, fit.Model, coordinates);
        double meanSquare = FieldLosses.TargetMeanSquare(loss);
        var constant = HarmonicAlignment.Fit(fit.Model, coordinates, values, 0);
        fit.Model.ShiftOutput(constant.Constant);
        double? plane = null, degree4 = null;
        if (supervision == FieldSupervision.Laplacian)
        {
            var planeFit = HarmonicAlignment.Fit(fit.Model, coordinates, values, 1);
            plane = FieldTrainer.Psnr(planeFit.Mse);
            degree4 = FieldTrainer.Psnr(HarmonicAlignment.Fit(fit.Model, coordinates, values, 4).Mse);
            if (output != null)
            {
                var aligned = signal.Render(fit.Model) + HarmonicAlignment.Evaluate(planeFit, coordinates); // (N, C)
                FieldFigures.SaveImage(aligned, image.Height, image.Width, output.PathFor(AlignedReconstruction));
            }
        }
        return new SupervisionMetrics
        {
            Supervision = supervision.ToString().ToLowerInvariant(),
            Target = supervision == FieldSupervision.Gradient
                ? "Sobel gradient of each channel, per unit of field coordinate"
                : "5-point Laplacian of each channel, per unit² of field coordinate",
            PsnrAfter = HarmonicAlignment.Describe(loss.AlignmentDegree),
            PsnrAfterConstant = FieldTrainer.Psnr(constant.Mse),
            PsnrAfterPlane = plane,
            PsnrAfterHarmonicDegree4 = degree4,
            GradientSpans = supervision == FieldSupervision.Gradient ? fit.Config.GradientSpans : null,
            SupervisedMse = supervisedMse,
            SupervisedRelativeError = meanSquare > 0 ? Math.Sqrt(supervisedMse / meanSquare) : double.NaN,
            Constant = constant.Constant,
        };
    }
}
