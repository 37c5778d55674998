using System.Diagnostics;
using NeuralLab.Common;

namespace NeuralLab.Attention;

/// <summary>Section 3 of the report: softmax attention, its limits, its RBF form, and low-rank attention.</summary>
public sealed class AttentionReportSection : IReportSection
{
    public int Number => 3;

    public string Title => "Attention";

    public SectionResult Run(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        var result = AttentionChecks.Run(context.Profile, context.Seed, context.IsBroken, context.Progress);
        var figures = AttentionFigures.WriteAll(result, name => Path.Combine(context.FigureDirectory, name));
        var claims = result.Claims.Select(c => c with
        {
            Figure = c.Id switch
            {
                "3.2" => AttentionFigures.CopyFile,
                "3.3" => AttentionFigures.AverageFile,
                "3.5" => AttentionFigures.LowRankFile,
                _ => null,
            },
        }).ToList();
        var s = result.Saturation;
        string markdown =
            $"Softmax attention checked in float64 against closed forms and libtorch. Weights never reach 0 or 1 in exact arithmetic, " +
            $"but the top weight rounds to exactly 1 from a score gap of {s.Float32GapAlphaIsOne:F2} in float32 and {s.Float64GapAlphaIsOne:F2} in float64 " +
            $"(n = {s.Keys}). The RBF form holds for every bandwidth when keys share one norm and fails otherwise. " +
            $"softmax(QK^T) is full-rank (numerical rank {result.LowRank.SoftmaxRank} of {result.LowRank.Settings.N}), " +
            $"so low-rank attention is an approximation whose error falls with k; its time grows with slope {result.LowRank.LowRankSlope:F2} in n against {result.LowRank.FullSlope:F2}.";
        return new SectionResult(claims, figures, markdown, clock.Elapsed.TotalSeconds);
    }
}
