using System.Diagnostics;
using NeuralLab.Common;

namespace NeuralLab.Attention;

/// <summary>Section 3 of the report: softmax attention, its limits, its RBF form, and low-rank attention.</summary>
public sealed class AttentionReportSection : IReportSection
{
    /// <inheritdoc/>
    public int Number => 3;

    /// <inheritdoc/>
    public string Title => "Attention";

    /// <inheritdoc/>
    public SectionResult Run(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        var result = AttentionChecks.Run(context);
        var figures = AttentionFigures.WriteAll(result, name => Path.Combine(context.FigureDirectory, name));
        var s = result.Saturation;
        string markdown =
            $"Softmax attention checked in float64 against closed forms and libtorch. Weights never reach 0 or 1 in exact arithmetic, " +
            $"but the top weight rounds to exactly 1 from a score gap of {s.Float32GapAlphaIsOne:F2} in float32 and {s.Float64GapAlphaIsOne:F2} in float64 " +
            $"(n = {s.Keys}). Plain softmax(Kq) is the RBF form only for σ = 1 with unit-norm keys; softmax(Kq/σ) is the RBF form for every σ. " +
            $"softmax(QK^T) is full-rank (numerical rank {result.LowRank.SoftmaxRank} of {result.LowRank.Settings.N}), " +
            $"so low-rank attention is an approximation whose error falls with k; Nyström's time grows with slope {result.LowRank.LowRankSlope:F2} in n against {result.LowRank.FullSlope:F2}.";
        return new SectionResult(result.Claims, figures, markdown, clock.Elapsed.TotalSeconds);
    }
}
