using System.Diagnostics;
using NeuralLab.Common;
using NeuralLab.NeuralFields.Encodings;
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
    /// <summary>none, fourier or grid.</summary>
    public string Encoding { get; init; } = "none";
    /// <summary>Trainable parameters of the field (encoding + decoder).</summary>
    public long Parameters { get; init; }
    /// <summary>Mean |Δf| of the fitted field over the pixel grid (zero for ReLU fields: Q6).</summary>
    public required double LaplacianAbsMean { get; init; }
    /// <summary>Fraction of pixels where |Δf| ≤ 1e-6 · (ground truth's mean |Δ|).</summary>
    public required double LaplacianZeroFraction { get; init; }
    public required double GradientAbsMean { get; init; }
    public required double GroundTruthLaplacianAbsMean { get; init; }
    public required double GroundTruthGradientAbsMean { get; init; }
    /// <summary>Pearson correlation between the field's gradient and the Sobel gradient (both components).</summary>
    public required double GradientCorrelation { get; init; }
    /// <summary>Pearson correlation between the field's Laplacian and the 5-point stencil's.</summary>
    public double LaplacianCorrelation { get; init; }
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

    /// <summary>Fits and measures; writes into <paramref name="output"/> when given (the caller commits). Refuses up front,
    /// with a <see cref="BadInputException"/>, a fit whose estimate (<see cref="FieldBudget.Fit"/>) exceeds <paramref name="budget"/>.</summary>
    public static (FitMetrics Metrics, FitResult Fit) Run(FieldImage image, string imageName, FitConfig config,
        OutputDirectory? output, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default, ResourceBudget? budget = null)
    {
        config.Validate();
        (budget ?? ResourceBudget.Default).Check(FieldBudget.Fit(config, image.Height, image.Width));
        var fit = FieldTrainer.Fit(image, config, progress, cancel);
        try
        {
            var metrics = Measure(image, imageName, fit, output);
            return (metrics, fit);
        }
        catch
        {
            fit.Dispose();
            throw;
        }
    }

    static FitMetrics Measure(FieldImage image, string imageName, FitResult fit, OutputDirectory? output)
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
            GradientAbsMean = gradient.abs().mean().item<float>(),
            GroundTruthLaplacianAbsMean = truthLaplacianMean,
            GroundTruthGradientAbsMean = sobel.abs().mean().item<float>(),
            GradientCorrelation = correlation,
            LaplacianCorrelation = Correlation(laplacian, discreteLaplacian),
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
