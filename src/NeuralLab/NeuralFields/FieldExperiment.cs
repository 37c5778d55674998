using System.Diagnostics;
using NeuralLab.Common;
using NeuralLab.NeuralFields.Encodings;
using NeuralLab.NeuralFields.Supervision;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>What a fit reports (metrics.json, and fit --json).</summary>
public sealed record FitMetrics
{
    /// <summary>PSNR (dB) of the field on the image: 10·log10(4 / MSE) for pixels in [−1, 1].</summary>
    public required double Psnr { get; init; }
    /// <summary>Optimiser steps taken.</summary>
    public required long Steps { get; init; }
    /// <summary>Wall time of the fit in seconds, evaluations included.</summary>
    public required double Seconds { get; init; }
    /// <summary>The field's activation: "relu", "tanh", "sine" or "silu".</summary>
    public required string Activation { get; init; }
    /// <summary>The initialisation: "siren" or "default".</summary>
    public required string Init { get; init; }
    /// <summary>none, fourier or grid.</summary>
    public string Encoding { get; init; } = "none";
    /// <summary>Trainable parameters of the field (encoding + decoder).</summary>
    public long Parameters { get; init; }
    /// <summary>Mean |Δf| of the fitted field over the pixel grid (zero for ReLU fields: Q6).</summary>
    public required double LaplacianAbsMean { get; init; }
    /// <summary>Fraction of pixels where |Δf| ≤ 1e-6 · (ground truth's mean |Δ|).</summary>
    public required double LaplacianZeroFraction { get; init; }
    /// <summary>Fraction of pixels where the autograd Δf is exactly 0.0 (a ReLU field's: all of them, Q6).</summary>
    public required double LaplacianExactZeroFraction { get; init; }
    /// <summary>Mean |∂f/∂x|, |∂f/∂y| of the fitted field over the pixel grid (both components).</summary>
    public required double GradientAbsMean { get; init; }
    /// <summary>Mean |Δ| of the image by the 5-point stencil.</summary>
    public required double GroundTruthLaplacianAbsMean { get; init; }
    /// <summary>Mean |Sobel gradient| of the image (both components).</summary>
    public required double GroundTruthGradientAbsMean { get; init; }
    /// <summary>Pearson correlation between the field's gradient and the Sobel gradient (both components).</summary>
    public required double GradientCorrelation { get; init; }
    /// <summary>Pearson correlation between the field's Laplacian and the 5-point stencil's.</summary>
    public double LaplacianCorrelation { get; init; }
    /// <summary>Seconds spent computing the field's gradient and Laplacian by autograd.</summary>
    public required double DerivativeSeconds { get; init; }
    /// <summary>Why training ended: "budget", "target_psnr" or "cancelled".</summary>
    public required string StoppedBecause { get; init; }
    /// <summary>The image's name (its file name, or the cameraman's).</summary>
    public required string Image { get; init; }
    /// <summary>Rows of the image fitted.</summary>
    public required int Height { get; init; }
    /// <summary>Columns of the image fitted.</summary>
    public required int Width { get; init; }
    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public required int Channels { get; init; }
    /// <summary>Adam's (initial) learning rate.</summary>
    public required double LearningRate { get; init; }
    /// <summary>Pixels per step, or "full".</summary>
    public required string Batch { get; init; }
    /// <summary>The learning-rate schedule: "constant", "step" or "cosine".</summary>
    public required string Schedule { get; init; }
    /// <summary>Seed of the fit.</summary>
    public required int Seed { get; init; }
    /// <summary>Seconds to first reach 30, 35 and 40 dB (null if never).</summary>
    public required IReadOnlyDictionary<string, double?> SecondsTo { get; init; }
    /// <summary>Derivative supervision only (--supervise gradient|laplacian): PSNR after the alignment, the loss's error.</summary>
    public SupervisionMetrics? Supervision { get; init; }
}

/// <summary>
/// The fitted field on the image's pixel grid, in float64 for the report's checks (row-major, length H·W):
/// its values (channel mean), its autograd gradient (∂/∂x, ∂/∂y) and Laplacian.
/// </summary>
public sealed record FieldMaps(int Height, int Width, double[] Values, double[] GradientX, double[] GradientY, double[] Laplacian);

/// <summary>
/// The whole main job: fit an image, differentiate the field, compare with the ground truth's
/// discrete operators, and write the pictures, curves, metrics and checkpoint.
/// </summary>
public static class FieldExperiment
{
    /// <summary>PSNRs (dB) whose first-reaching time metrics.json records.</summary>
    static readonly int[] SecondsToDecibels = [30, 35, 40];

    /// <summary>Every file <see cref="Run"/> writes into its output directory.</summary>
    public static readonly string[] OutputFiles =
    [
        "reconstruction.png", "gradient.png", "laplacian.png", "ground_truth.png", "ground_truth_gradient.png",
        "ground_truth_laplacian.png", "panel.png", "curves.png", "metrics.json", FieldCheckpoint.ConfigFile, FieldCheckpoint.WeightsFile,
    ];

    /// <summary>Fits and measures; writes into <paramref name="output"/> when given (the caller commits). Refuses up front,
    /// with a <see cref="BadInputException"/>, a fit whose estimate (<see cref="FieldBudget.Fit"/>) exceeds <paramref name="budget"/>.</summary>
    public static (FitMetrics Metrics, FitResult Fit) Run(FieldImage image, string imageName, FitConfig config,
        OutputDirectory? output, IProgress<ProgressReport>? progress = null, ResourceBudget? budget = null, CancellationToken cancel = default)
    {
        var (metrics, fit, _) = RunWithMaps(image, imageName, config, output, progress, budget, cancel);
        return (metrics, fit);
    }

    /// <summary>As <see cref="Run"/>, and also hands back the field's maps (the report's checks read them).</summary>
    public static (FitMetrics Metrics, FitResult Fit, FieldMaps Maps) RunWithMaps(FieldImage image, string imageName, FitConfig config,
        OutputDirectory? output, IProgress<ProgressReport>? progress = null, ResourceBudget? budget = null, CancellationToken cancel = default)
    {
        config.Validate();
        (budget ?? ResourceBudget.Default).Check(FieldBudget.Fit(config, image.Height, image.Width));
        var fit = FieldTrainer.Fit(image, config, progress, cancel);
        try
        {
            var supervision = SupervisedFit.Finish(image, fit, output); // null unless fitted from derivatives
            var (metrics, maps) = Measure(image, imageName, fit, output, supervision);
            return (metrics, fit, maps);
        }
        catch
        {
            fit.Dispose();
            throw;
        }
    }

    static (FitMetrics, FieldMaps) Measure(FieldImage image, string imageName, FitResult fit, OutputDirectory? output, SupervisionMetrics? supervision = null)
    {
        using var scope = NewDisposeScope();
        int h = image.Height, w = image.Width;
        var clock = Stopwatch.StartNew();
        var (gradient, laplacian) = FieldDerivatives.Evaluate(x => fit.Model.call(x), fit.Model.Architecture, h, w); // (N, 2), (N)
        double derivativeSeconds = clock.Elapsed.TotalSeconds;
        var sobel = GroundTruthOperators.SobelGradient(image);                 // (N, 2)
        var discreteLaplacian = GroundTruthOperators.DiscreteLaplacian(image); // (N)
        double truthLaplacianMean = discreteLaplacian.abs().mean().item<float>();
        double laplacianMean = laplacian.abs().mean().item<float>();
        double zeroFraction = (laplacian.abs() <= 1e-6 * truthLaplacianMean).to_type(ScalarType.Float32).mean().item<float>();
        double exactZeroFraction = laplacian.eq(0).to_type(ScalarType.Float64).mean().item<double>();
        double correlation = Correlation(gradient.reshape(-1), sobel.reshape(-1));
        var rendered = FieldTrainer.Render(fit.Model, h, w); // (N, C)
        static double[] Doubles(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var maps = new FieldMaps(h, w, Doubles(rendered.mean([1])), Doubles(gradient[.., 0]), Doubles(gradient[.., 1]), Doubles(laplacian));

        if (output != null)
        {
            FieldFigures.SaveImage(rendered, h, w, output.PathFor("reconstruction.png"));
            FieldFigures.SaveImage(image.ToTensor(), h, w, output.PathFor("ground_truth.png"));
            // One scale per pair (the ground truth's), so the field's maps read against the truth's.
            double gradientScale = FieldFigures.RobustScale(sobel.norm(1, keepdim: false, p: 2));
            double laplacianScale = FieldFigures.RobustScale(discreteLaplacian);
            FieldFigures.SaveMagnitude(gradient.norm(1, keepdim: false, p: 2), h, w, gradientScale, output.PathFor("gradient.png"));
            FieldFigures.SaveMagnitude(sobel.norm(1, keepdim: false, p: 2), h, w, gradientScale, output.PathFor("ground_truth_gradient.png"));
            FieldFigures.SaveDiverging(laplacian, h, w, laplacianScale, output.PathFor("laplacian.png"));
            FieldFigures.SaveDiverging(discreteLaplacian, h, w, laplacianScale, output.PathFor("ground_truth_laplacian.png"));
            FieldPanels.Compose(
                [
                    ("ground truth", [output.PathFor("ground_truth.png"), output.PathFor("ground_truth_gradient.png"), output.PathFor("ground_truth_laplacian.png")]),
                    ($"{FieldLabel(fit.Config)}\n{fit.Psnr:F1} dB\n{fit.Steps} steps\n{fit.Seconds:F0} s",
                        [output.PathFor("reconstruction.png"), output.PathFor("gradient.png"), output.PathFor("laplacian.png")]),
                ],
                $"{imageName}, {w}×{h}: fit, gradient and Laplacian by autograd; the image's by Sobel and 5-point stencil",
                output.PathFor("panel.png"), cell: Math.Clamp(Math.Max(w, h), 160, 320));
            FieldFigures.SaveCurves(fit, output.PathFor("curves.png"),
                $"{FieldLabel(fit.Config)}, {w}×{h}, {fit.Steps} steps, {fit.Seconds:F0} s, final {fit.Psnr:F2} dB");
        }

        var config = fit.Config;
        var metrics = new FitMetrics
        {
            Psnr = fit.Psnr,
            Steps = fit.Steps,
            Seconds = fit.Seconds,
            Activation = config.Architecture.Activation.ToString().ToLowerInvariant(),
            Init = config.Architecture.Init.ToString().ToLowerInvariant(),
            Encoding = config.Encoding.Kind.ToString().ToLowerInvariant(),
            Parameters = fit.Model.parameters().Sum(p => p.numel()),
            LaplacianAbsMean = laplacianMean,
            LaplacianZeroFraction = zeroFraction,
            LaplacianExactZeroFraction = exactZeroFraction,
            GradientAbsMean = gradient.abs().mean().item<float>(),
            GroundTruthLaplacianAbsMean = truthLaplacianMean,
            GroundTruthGradientAbsMean = sobel.abs().mean().item<float>(),
            GradientCorrelation = correlation,
            LaplacianCorrelation = Correlation(laplacian, discreteLaplacian),
            DerivativeSeconds = derivativeSeconds,
            StoppedBecause = fit.StopName,
            Image = imageName,
            Height = h,
            Width = w,
            Channels = image.Channels,
            LearningRate = config.LearningRate,
            Batch = config.Batch?.ToString() ?? "full",
            Schedule = config.Schedule.ToString().ToLowerInvariant(),
            Seed = config.Seed,
            SecondsTo = SecondsToDecibels.ToDictionary(db => $"{db}db", db => fit.FirstReaching(db)?.Seconds),
            Supervision = supervision,
        };
        if (output != null)
        {
            output.WriteAllText("metrics.json", Json.Serialize(metrics));
            new FieldCheckpoint
            {
                Architecture = config.Architecture, Fit = config, ImageHeight = h, ImageWidth = w, Steps = fit.Steps, Psnr = fit.Psnr,
            }.Save(output, fit.Model);
        }
        return (metrics, maps);
    }

    /// <summary>"sine field", or "grid + silu field" behind an encoding.</summary>
    public static string FieldLabel(FitConfig config)
    {
        string activation = config.Architecture.Activation.ToString().ToLowerInvariant();
        return config.Encoding.Kind == EncodingKind.None ? $"{activation} field" : $"{config.Encoding.Kind.ToString().ToLowerInvariant()} + {activation} field";
    }

    static double Correlation(Tensor a, Tensor b)
    {
        var x = a.to_type(ScalarType.Float64) - a.to_type(ScalarType.Float64).mean();
        var y = b.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64).mean();
        double denominator = Math.Sqrt(x.square().sum().item<double>() * y.square().sum().item<double>());
        return denominator > 0 ? (x * y).sum().item<double>() / denominator : 0;
    }
}
