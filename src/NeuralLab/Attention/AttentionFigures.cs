using NeuralLab.Common;

namespace NeuralLab.Attention;

/// <summary>The figures of section 3, written as PNG files; each returns its caption.</summary>
public static class AttentionFigures
{
    internal const string CopyFile = "attention_copy_error.png";
    internal const string AverageFile = "attention_average_error.png";
    internal const string LowRankFile = "attention_lowrank_error.png";
    internal const string TimeFile = "attention_time_vs_n.png";

    /// <summary>Writes all four figures of a check run through <paramref name="pathFor"/> (file name → path).</summary>
    public static IReadOnlyList<Figure> WriteAll(AttentionCheckResult result, Func<string, string> pathFor)
    {
        var lowRank = result.LowRank;
        var timing = lowRank.Settings;
        return
        [
            Copying(result.Copying, pathFor(CopyFile), result.Seed),
            Averaging(result.Averaging, pathFor(AverageFile), result.Seed),
            LowRankError(lowRank, pathFor(LowRankFile), result.Seed),
            TimeVsN(pathFor(TimeFile), timing.TimingSizes, lowRank.FullSeconds, lowRank.LowRankSeconds,
                $"d = {timing.Dimension}, k = {timing.TimingRank}, float32, one libtorch thread, minimum of {timing.TimingRepeats} runs, seed {result.Seed}"),
        ];
    }

    internal static Figure Copying(CopyingResult r, string path, int seed)
    {
        LogPlot.Save(path, "3.2 copying: |c - v_i| against s", "query scale s", "|c - v_i|",
        [
            new("measured", r.Scales, r.Error),
            new("closed form e^-s |sum(v_j - v_i)| / (1+(n-1)e^-s)", r.Scales, r.ClosedForm, Dashed: true),
            new("bound (1 - alpha_i) max|v_j - v_i|", r.Scales, r.Bound, Dashed: true),
        ], logX: false, logY: true);
        return new Figure(Path.GetFileName(path),
            $"Claim 3.2: error of copying v_i with q = s k_i, n = {r.Keys} orthonormal keys in d = {r.Dimension}, float64, seed {seed}. " +
            "The error falls like e^-s, on its closed form and under the bound, until float64 rounding (about 1e-16 |v|) takes over.");
    }

    internal static Figure Averaging(AveragingResult r, string path, int seed)
    {
        LogPlot.Save(path, "3.3 averaging: |c - (v_1+v_2)/2| against s", "query scale s", "|c - (v_1 + v_2)/2|",
            r.Curves.SelectMany(c => new LogPlot.Series[]
            {
                new($"d = n = {c.Dimension}", r.Scales, c.Error),
                new($"closed form, d = {c.Dimension}", r.Scales, c.ClosedForm, Dashed: true),
            }), logX: false, logY: true);
        return new Figure(Path.GetFileName(path),
            $"Claim 3.3: error of averaging v_1 and v_2 with q = s(k_1 + k_2), n = d orthonormal keys, d in {{{string.Join(", ", r.Curves.Select(c => c.Dimension))}}}, " +
            $"|v_j| about 1, float64, seed {seed}. Weights are 1/(2 + (n-2)e^-s): larger d needs larger s (about ln d more) for the same error.");
    }

    internal static Figure LowRankError(LowRankResult r, string path, int seed)
    {
        var ks = r.Settings.Ranks.Select(k => (double)k).ToArray();
        LogPlot.Save(path, "3.5 low-rank attention: relative error against k", "rank / landmarks k", "|approx - PV| / |PV|",
            r.Curves.Select(c => new LogPlot.Series(c.Method switch
            {
                "svd" => "truncated SVD of P (optimal, forms P)",
                "nystrom" => "Nystrom landmarks (never forms P)",
                _ => "Linformer, mean-pooling projections (never forms P)",
            }, ks, c.Error)), logX: true, logY: true);
        return new Figure(Path.GetFileName(path),
            $"Claim 3.5: relative error of rank-k attention against k, n = {r.Settings.N}, d = {r.Settings.Dimension}, tau = sqrt(d), smooth token sequence, " +
            $"float64, seed {seed}. softmax(QK^T) has numerical rank {r.SoftmaxRank} of {r.Settings.N}, so every rank-k form is an approximation.");
    }

    /// <summary>Log-log time against n for full and low-rank attention, with fitted slopes in the legend.</summary>
    public static Figure TimeVsN(string path, IReadOnlyList<int> sizes, IReadOnlyList<double> fullSeconds,
        IReadOnlyList<double> lowRankSeconds, string setup, IReadOnlyList<double>? sdpaSeconds = null)
    {
        double fullSlope = LowRankResult.LogLogSlope(sizes, fullSeconds);
        double lowSlope = LowRankResult.LogLogSlope(sizes, lowRankSeconds);
        var ns = sizes.Select(n => (double)n).ToArray();
        var series = new List<LogPlot.Series>
        {
            new($"full softmax attention, slope {fullSlope:F2}", ns, fullSeconds),
            new($"Nystrom low-rank, slope {lowSlope:F2}", ns, lowRankSeconds),
        };
        if (sdpaSeconds != null)
            series.Add(new($"libtorch scaled_dot_product_attention, slope {LowRankResult.LogLogSlope(sizes, sdpaSeconds):F2}", ns, sdpaSeconds));
        LogPlot.Save(path, "attention time against n (log-log)", "sequence length n", "seconds", series, logX: true, logY: true);
        return new Figure(Path.GetFileName(path),
            $"Time of full attention (O(n^2 d)) and Nystrom attention (O(nkd)) against n in {{{string.Join(", ", sizes)}}}: {setup}. " +
            $"Fitted log-log slopes {fullSlope:F2} and {lowSlope:F2} (2 and 1 in the limit of large n).");
    }
}
