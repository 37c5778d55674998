using NeuralLab.Attention;

namespace NeuralLab.Cli.Commands.Attention;

internal sealed class AttentionBenchCommand() : NeuralLabCommand("bench", """
    Time and peak memory of full softmax attention softmax(QK^T/sqrt(d))V against Nystrom low-rank attention with
    k landmarks (float32, a smooth token sequence), with the relative error of the low-rank result. Full attention
    forms the n x n matrix while it takes at most 64 MiB (n <= 4096) and runs in blocks of queries above that
    (same O(n^2 d) work; at n = 16384 the matrix alone would take 1 GiB). libtorch's scaled_dot_product_attention
    (its fused flash-attention kernel, exact and without the n x n matrix) is timed as the stronger baseline.
    --out DIR writes a log-log plot of time against n with fitted slopes.
    """)
{
    public const string PlotFile = "attention_bench_time.png";

    readonly Option<int[]> _sizes = new("--n")
    {
        Description = "Sequence lengths, e.g. --n 256 1024 4096 16384 (the default; --quick: 256 1024).",
        AllowMultipleArgumentsPerToken = true,
    };
    readonly Option<int> _dimension = new("--d") { Description = "Dimension of queries, keys and values.", DefaultValueFactory = _ => 64 };
    readonly Option<int> _rank = new("--k") { Description = "Nystrom landmarks (the rank k); at most the smallest n.", DefaultValueFactory = _ => 64 };
    readonly Option<int> _repeats = new("--repeats") { Description = "Timed runs per method and n; the median is reported.", DefaultValueFactory = _ => 3 };

    protected override IEnumerable<Symbol> Symbols => [_sizes, _dimension, _rank, _repeats];

    protected override string ThreadsDefault => "libtorch's own, the number of cores";

    protected override Outcome Execute(CommandContext c)
    {
        int[] ns = c.Get(_sizes) is { Length: > 0 } given ? given : c.Quick ? [256, 1024] : [256, 1024, 4096, 16384];
        var settings = new AttentionBenchSettings(ns, c.Get(_dimension), c.Get(_rank), c.Quick ? Math.Min(2, c.Get(_repeats)) : c.Get(_repeats));
        settings.Validate();
        c.Budget.Check(settings.Estimate()); // before --out is opened; the library checks again
        var outDir = c.OpenOutput();
        var (rows, threadsUsed) = c.Progress(progress =>
            AttentionBenchmarkRun.RunOnThreads(settings, c.Seed, threads: 0, ProcessMemoryProbe.TryCreate(), progress, c.Budget));
        if (outDir != null)
            AttentionFigures.TimeVsN(outDir.PathFor(PlotFile), ns, rows.Select(r => r.FullSeconds).ToArray(),
                rows.Select(r => r.LowrankSeconds).ToArray(),
                $"d = {settings.Dimension}, k = {settings.Rank}, float32, {threadsUsed} libtorch thread(s), median of {settings.Repeats} runs, seed {c.Seed}",
                rows.Select(r => r.SdpaSeconds).ToArray());
        return new Outcome(rows, o => PrintTable(o, rows));
    }

    static void PrintTable(TextWriter stdout, IReadOnlyList<AttentionBenchRow> rows)
    {
        stdout.WriteLine($"{"n",6} {"d",4} {"k",4} {"full s",10} {"lowrank s",10} {"speedup",8} {"rel error",10} {"sdpa s",10} {"vs sdpa",8} " +
                         $"{"full MiB",9} {"sdpa MiB",9} {"lowrank MiB",12} full method");
        foreach (var r in rows)
            stdout.WriteLine($"{r.N,6} {r.D,4} {r.K,4} {TextFormat.Number(r.FullSeconds),10} {TextFormat.Number(r.LowrankSeconds),10} " +
                             $"{r.Speedup,8:F1} {TextFormat.Number(r.RelativeError),10} {TextFormat.Number(r.SdpaSeconds),10} {r.SpeedupOverSdpa,8:F1} " +
                             $"{TextFormat.Mebibytes(r.FullPeakBytes),9} {TextFormat.Mebibytes(r.SdpaPeakBytes),9} {TextFormat.Mebibytes(r.LowrankPeakBytes),12} {r.FullMethod}");
        int? crossover = AttentionBenchmarkRun.Crossover(rows);
        stdout.WriteLine(crossover is null
            ? "crossover: low-rank attention was not faster at the largest n measured"
            : $"crossover: low-rank attention is faster at every measured n >= {crossover}");
    }
}
