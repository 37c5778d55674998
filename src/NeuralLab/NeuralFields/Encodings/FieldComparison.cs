using NeuralLab.Common;
using ScottPlot;

namespace NeuralLab.NeuralFields.Encodings;

/// <summary>One field's run in a comparison: quality against time, size, and derivative fidelity.</summary>
internal sealed record FieldRun(string Name, FitMetrics Metrics, IReadOnlyList<FitEvaluation> Curve);

/// <summary>
/// Fields side by side on one image, each for the same wall-clock budget: the issue's time-to-PSNR
/// comparison, with each field's gradient and Laplacian correlation beside its PSNR (a fast field whose
/// Laplacian is noise is not the winner). Used by the benchmark and by the report.
/// </summary>
internal static class FieldComparison
{
    /// <summary>
    /// The contenders as <c>fit</c> builds them: ReLU and Tanh (fit's defaults with that activation and the
    /// homework's lr 1e-3), SIREN (fit's defaults), and Fourier and grid at their defaults sized to
    /// <paramref name="maxParameters"/> (grid's finest level at one cell per pixel).
    /// </summary>
    public static IReadOnlyList<(string Name, FitConfig Config)> Contenders(FieldImage image, long maxParameters, int seed = 0)
    {
        var siren = FitDefaults.Config with { Architecture = FitDefaults.Config.Architecture with { Channels = image.Channels }, Seed = seed };
        FitConfig Encoded(EncodingKind kind)
        {
            var basis = FitDefaults.For(kind);
            var config = basis with
            {
                Architecture = basis.Architecture with { Channels = image.Channels },
                Encoding = basis.Encoding with { GridMax = Math.Max(basis.Encoding.GridMin, Math.Max(image.Width, image.Height)) },
                Seed = seed,
            };
            return FieldParameters.SizeToBudget(config, maxParameters);
        }
        return
        [
            ("relu", siren with { Architecture = siren.Architecture with { Activation = FieldActivation.Relu }, LearningRate = 1e-3 }),
            ("tanh", siren with { Architecture = siren.Architecture with { Activation = FieldActivation.Tanh }, LearningRate = 1e-3 }),
            ("siren", siren),
            ("fourier", Encoded(EncodingKind.Fourier)),
            ("grid", Encoded(EncodingKind.Grid)),
        ];
    }

    /// <summary>Fits for at most <paramref name="seconds"/> (or the config's steps, or its target PSNR), then measures.</summary>
    public static FieldRun Run(FieldImage image, string imageName, string name, FitConfig config, double seconds,
        IProgress<ProgressReport>? progress = null)
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var (metrics, fit) = FieldExperiment.Run(image, imageName, config, output: null, progress, cancel: budget.Token);
        using (fit) return new FieldRun(name, metrics, fit.Evaluations);
    }

    /// <summary>PSNR against seconds, one line per field, on one figure.</summary>
    public static void SavePsnrCurves(IReadOnlyList<FieldRun> runs, string title, string path, int width = 900, int height = 560)
    {
        var plot = new Plot();
        foreach (var run in runs)
        {
            var line = plot.Add.ScatterLine(run.Curve.Select(e => e.Seconds).ToArray(), run.Curve.Select(e => e.Psnr).ToArray());
            line.LegendText = $"{run.Name} ({run.Metrics.Parameters:N0} parameters)";
        }
        plot.Title(title);
        plot.XLabel("seconds");
        plot.YLabel("PSNR (dB), whole image");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// Section 5's comparison budget per profile: seconds per field, a step cap (Test only, so the suite's run does
    /// not depend on the machine's speed), and the parameter budget of Fourier and grid (one per pixel of the 256²
    /// image; the 32² test crop keeps it, since the smallest Fourier field at fit's defaults already has 33,537).
    /// </summary>
    public static (double Seconds, int? Steps, long MaxParameters) ReportBudget(ReportProfile profile) => profile switch
    {
        ReportProfile.Full => (60, null, 65_536),
        ReportProfile.Quick => (15, null, 65_536),
        _ => (30, 10, 65_536),
    };

    /// <summary>
    /// The comparison as section 5 shows it, a reproduction beyond the homework (not a claim): every contender on
    /// <paramref name="image"/> for the profile's budget, the PSNR-against-seconds figure written to
    /// <paramref name="figureDirectory"/>/<paramref name="figureFile"/>, the Markdown table and one reproduction per field.
    /// </summary>
    public static (IReadOnlyList<FieldRun> Runs, string Table, IReadOnlyList<Reproduction> Reproductions) Reproduce(
        FieldImage image, string imageName, ReportProfile profile, int seed, string figureDirectory, string figureFile, IProgress<ProgressReport>? progress)
    {
        var (seconds, steps, maxParameters) = ReportBudget(profile);
        var runs = new List<FieldRun>();
        foreach (var (name, config) in Contenders(image, maxParameters, seed))
            runs.Add(Run(image, imageName, name, steps is int s ? config with { Steps = s, Epochs = null, EvalEvery = Math.Max(1, s / 5) } : config, seconds, progress));
        SavePsnrCurves(runs, $"{image.Width}×{image.Height} {imageName}: PSNR against seconds, {seconds:F0} s per field", Path.Combine(figureDirectory, figureFile));
        var reproductions = runs.Select(r => new Reproduction(
            $"5.compare.{r.Name}",
            $"{r.Name} field ({r.Metrics.Encoding} encoding, {r.Metrics.Activation}), {r.Metrics.Parameters:N0} parameters, {seconds:F0} s budget",
            $"{r.Metrics.Psnr:F2} dB after {r.Metrics.Steps:N0} steps in {r.Metrics.Seconds:F1} s; gradient correlation with Sobel {r.Metrics.GradientCorrelation:F3}, " +
            $"Laplacian correlation with the 5-point stencil {r.Metrics.LaplacianCorrelation:F3}.",
            new Dictionary<string, object?>
            {
                ["psnr_db"] = r.Metrics.Psnr, ["seconds"] = r.Metrics.Seconds, ["steps"] = r.Metrics.Steps, ["parameters"] = r.Metrics.Parameters,
                ["gradient_correlation"] = r.Metrics.GradientCorrelation, ["laplacian_correlation"] = r.Metrics.LaplacianCorrelation,
                ["seconds_to_40db"] = r.Metrics.SecondsTo.TryGetValue("40db", out var s40) ? s40 : null,
            },
            figureFile)).ToList();
        return (runs, Table(runs), reproductions);
    }

    /// <summary>A Markdown table: PSNR, seconds, parameters and derivative fidelity per field.</summary>
    public static string Table(IReadOnlyList<FieldRun> runs)
    {
        static string At(FitMetrics m, string key) => m.SecondsTo.TryGetValue(key, out var s) && s is double v ? $"{v:F1}" : "—";
        var lines = new List<string>
        {
            "| field | parameters | steps | seconds | PSNR (dB) | s to 30 dB | s to 35 dB | s to 40 dB | ∇ corr. (Sobel) | Δ corr. (5-point) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        };
        foreach (var run in runs)
        {
            var m = run.Metrics;
            lines.Add($"| {run.Name} | {m.Parameters:N0} | {m.Steps} | {m.Seconds:F1} | {m.Psnr:F2} | {At(m, "30db")} | {At(m, "35db")} | {At(m, "40db")} | {m.GradientCorrelation:F3} | {m.LaplacianCorrelation:F3} |");
        }
        return string.Join('\n', lines);
    }
}
