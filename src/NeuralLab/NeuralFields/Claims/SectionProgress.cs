using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Claims;

/// <summary>
/// Section 5's progress in one stream: every fit's steps converted to an estimate of the section's work, so the
/// report's extrapolation (seconds so far × work left / work done) is an honest ETA across fits whose steps
/// cost very different amounts (a ReLU step of 64 pixels against a sine step of 2048).
/// </summary>
/// <remarks>
/// Cost model: a step of B pixels costs B + <see cref="StepOverheadPixels"/> pixel-equivalents (the per-step
/// cost of launching ~40 small kernels and Adam's update, which dominates at batch 64); a fit's measurement
/// (render, double-backprop gradient and Laplacian) costs <see cref="MeasurePassesPerPixel"/> passes over the image.
/// </remarks>
internal sealed class SectionProgress(IProgress<ProgressReport>? sink, IReadOnlyList<(string Name, FitConfig Config)> runs, int pixels)
{
    public const double StepOverheadPixels = 128, MeasurePassesPerPixel = 6;

    readonly double[] _cost = [.. runs.Select(r => Cost(r.Config, pixels))];

    /// <summary>Planned pixel-equivalents of one fit, its measurement included.</summary>
    public static double Cost(FitConfig config, int pixels) =>
        config.PlannedSteps(pixels) * (config.BatchFor(pixels) + StepOverheadPixels) + MeasurePassesPerPixel * pixels;

    public double Total => _cost.Sum();

    /// <summary>The sink one fit reports to: its steps become section-wide work.</summary>
    public IProgress<ProgressReport>? For(int run)
    {
        if (sink == null) return null;
        double before = _cost.Take(run).Sum(), measure = MeasurePassesPerPixel * pixels;
        string name = runs[run].Name;
        return new Relay(report =>
        {
            double done = before + (_cost[run] - measure) * report.Done / Math.Max(1, report.Total);
            sink.Report(new ProgressReport($"{name} (fit {run + 1}/{runs.Count}, step {report.Done:N0}/{report.Total:N0})",
                (long)(done / 1000), (long)(Total / 1000), report.Figures));
        });
    }

    sealed class Relay(Action<ProgressReport> action) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => action(value);
    }
}
