using System.Diagnostics;
using NeuralLab.Common;
using NeuralLab.NeuralFields.Supervision;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>What a fit reports (metrics.json, and fit --json).</summary>
public sealed record FitMetrics
{
    public required double Psnr { get; init; }
    public required long Steps { get; init; }
    public required double Seconds { get; init; }
    public required string Activation { get; init; }
    public required string Init { get; init; }
    /// <summary>Mean |Δf| of the fitted field over the pixel grid (zero for ReLU fields: Q6).</summary>
    public required double LaplacianAbsMean { get; init; }
    /// <summary>Fraction of pixels where |Δf| ≤ 1e-6 · (ground truth's mean |Δ|).</summary>
    public required double LaplacianZeroFraction { get; init; }
    public required double GradientAbsMean { get; init; }
    public required double GroundTruthLaplacianAbsMean { get; init; }
    public required double GroundTruthGradientAbsMean { get; init; }
    /// <summary>Pearson correlation between the field's gradient and the Sobel gradient (both components).</summary>
    public required double GradientCorrelation { get; init; }
    public required double DerivativeSeconds { get; init; }
    public required string StoppedBecause { get; init; }
    public required string Image { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required int Channels { get; init; }
    public required double LearningRate { get; init; }
    public required string Batch { get; init; }
    public required string Schedule { get; init; }
    public required int Seed { get; init; }
    /// <summary>Seconds to first reach 30, 35 and 40 dB (null if never).</summary>
    public required IReadOnlyDictionary<string, double?> SecondsTo { get; init; }
    /// <summary>Derivative supervision only (--supervise gradient|laplacian): PSNR after the alignment, the loss's error.</summary>
    public SupervisionMetrics? Supervision { get; init; }
}

/// <summary>
/// The whole main job: fit an image, differentiate the field, compare with the ground truth's
/// discrete operators, and write the pictures, curves, metrics and checkpoint.
/// </summary>
public static class FieldExperiment
{
    public static readonly string[] OutputFiles =
    [
        "reconstruction.png", "gradient.png", "laplacian.png", "ground_truth.png", "ground_truth_gradient.png",
        "ground_truth_laplacian.png", "panel.png", "curves.png", "metrics.json", FieldCheckpoint.ConfigFile, FieldCheckpoint.WeightsFile,
    ];

    /// <summary>Fits and measures; writes into <paramref name="output"/> when given (the caller commits).</summary>
    public static (FitMetrics Metrics, FitResult Fit) Run(FieldImage image, string imageName, FitConfig config,
        OutputDirectory? output, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        var fit = FieldTrainer.Fit(image, config, progress, cancel);
        try
        {
            var supervision = SupervisedFit.Finish(image, fit, output); // null unless fitted from derivatives
            var metrics = Measure(image, imageName, fit, output, supervision);
            return (metrics, fit);
        }
        catch
        {
            fit.Dispose();
            throw;
        }
    }

    static FitMetrics Measure(FieldImage image, string imageName, FitResult fit, OutputDirectory? output, SupervisionMetrics? supervision = null)
    {
        using var scope = NewDisposeScope();
        int h = image.Height, w = image.Width;
        var coordinates = CoordinateGrid.Create(h, w);                         // (N, 2)
        var clock = Stopwatch.StartNew();
        var (gradient, laplacian) = FieldDerivatives.Evaluate(x => fit.Model.call(x), coordinates); // (N, 2), (N)
        double derivativeSeconds = clock.Elapsed.TotalSeconds;
        var sobel = GroundTruthOperators.SobelGradient(image);                 // (N, 2)
        var discreteLaplacian = GroundTruthOperators.DiscreteLaplacian(image); // (N)
        double truthLaplacianMean = discreteLaplacian.abs().mean().item<float>();
        double laplacianMean = laplacian.abs().mean().item<float>();
        double zeroFraction = (laplacian.abs() <= 1e-6 * truthLaplacianMean).to_type(ScalarType.Float32).mean().item<float>();
        double correlation = Correlation(gradient.reshape(-1), sobel.reshape(-1));

        if (output != null)
        {
            var reconstruction = FieldTrainer.Render(fit.Model, h, w);
            FieldFigures.SaveImage(reconstruction, h, w, output.PathFor("reconstruction.png"));
            FieldFigures.SaveImage(image.ToTensor(), h, w, output.PathFor("ground_truth.png"));
            // One scale per pair (the ground truth's), so the field's maps read against the truth's.
            double gradientScale = FieldFigures.RobustScale(sobel.norm(1, keepdim: false, p: 2));
            double laplacianScale = FieldFigures.RobustScale(discreteLaplacian);
            FieldFigures.SaveMagnitude(gradient.norm(1, keepdim: false, p: 2), h, w, gradientScale, output.PathFor("gradient.png"));
            FieldFigures.SaveMagnitude(sobel.norm(1, keepdim: false, p: 2), h, w, gradientScale, output.PathFor("ground_truth_gradient.png"));
            FieldFigures.SaveDiverging(laplacian, h, w, laplacianScale, output.PathFor("laplacian.png"));
            FieldFigures.SaveDiverging(discreteLaplacian, h, w, laplacianScale, output.PathFor("ground_truth_laplacian.png"));
            string activation = fit.Config.Architecture.Activation.ToString().ToLowerInvariant();
            FieldPanels.Compose(
                [
                    ("ground truth", [output.PathFor("ground_truth.png"), output.PathFor("ground_truth_gradient.png"), output.PathFor("ground_truth_laplacian.png")]),
                    ($"{activation} field\n{fit.Psnr:F1} dB\n{fit.Steps} steps\n{fit.Seconds:F0} s",
                        [output.PathFor("reconstruction.png"), output.PathFor("gradient.png"), output.PathFor("laplacian.png")]),
                ],
                $"{imageName}, {w}×{h}: fit, gradient and Laplacian by autograd; the image's by Sobel and 5-point stencil",
                output.PathFor("panel.png"), cell: Math.Clamp(Math.Max(w, h), 160, 320));
            FieldFigures.SaveCurves(fit, output.PathFor("curves.png"),
                $"{fit.Config.Architecture.Activation} field, {w}×{h}, {fit.Steps} steps, {fit.Seconds:F0} s, final {fit.Psnr:F2} dB");
        }

        var config = fit.Config;
        var metrics = new FitMetrics
        {
            Psnr = fit.Psnr,
            Steps = fit.Steps,
            Seconds = fit.Seconds,
            Activation = config.Architecture.Activation.ToString().ToLowerInvariant(),
            Init = config.Architecture.Init.ToString().ToLowerInvariant(),
            LaplacianAbsMean = laplacianMean,
            LaplacianZeroFraction = zeroFraction,
            GradientAbsMean = gradient.abs().mean().item<float>(),
            GroundTruthLaplacianAbsMean = truthLaplacianMean,
            GroundTruthGradientAbsMean = sobel.abs().mean().item<float>(),
            GradientCorrelation = correlation,
            DerivativeSeconds = derivativeSeconds,
            StoppedBecause = fit.StoppedBecause,
            Image = imageName,
            Height = h,
            Width = w,
            Channels = image.Channels,
            LearningRate = config.LearningRate,
            Batch = config.Batch?.ToString() ?? "full",
            Schedule = config.Schedule.ToString().ToLowerInvariant(),
            Seed = config.Seed,
            SecondsTo = new[] { 30, 35, 40 }.ToDictionary(db => $"{db}db", db => fit.FirstReaching(db)?.Seconds),
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
        return metrics;
    }

    static double Correlation(Tensor a, Tensor b)
    {
        var x = a.to_type(ScalarType.Float64) - a.to_type(ScalarType.Float64).mean();
        var y = b.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64).mean();
        double denominator = Math.Sqrt(x.square().sum().item<double>() * y.square().sum().item<double>());
        return denominator > 0 ? (x * y).sum().item<double>() / denominator : 0;
    }
}
