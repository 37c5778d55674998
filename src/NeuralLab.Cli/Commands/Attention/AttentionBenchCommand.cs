using System.CommandLine;
using NeuralLab.Attention;
using NeuralLab.Common;
using TorchSharp;

namespace NeuralLab.Cli.Commands.Attention;

internal static class AttentionBenchCommand
{
    public const string PlotFile = "attention_bench_time.png";

    public static Command Create()
    {
        var command = new Command("bench",
            "Time and peak memory of full softmax attention softmax(QK^T/sqrt(d))V against Nystrom low-rank attention " +
            "with k landmarks (float32, a smooth token sequence), with the relative error of the low-rank result. Full " +
            "attention forms the n x n matrix while it takes at most 64 MiB (n <= 4096) and runs in blocks of queries above " +
            "that (same O(n^2 d) work; at n = 16384 the matrix alone would take 1 GiB). libtorch's scaled_dot_product_attention " +
            "(its fused flash-attention kernel, exact and without the n x n matrix) is timed as the stronger baseline. --out DIR writes a log-log plot of " +
            "time against n with fitted slopes.");
        var sizes = new Option<int[]>("--n")
        {
            Description = "Sequence lengths, e.g. --n 256 1024 4096 16384 (the default; --quick: 256 1024).",
            AllowMultipleArgumentsPerToken = true,
        };
        var dimension = new Option<int>("--d") { Description = "Dimension of queries, keys and values.", DefaultValueFactory = _ => 64 };
        var rank = new Option<int>("--k") { Description = "Nystrom landmarks (the rank k); at most the smallest n.", DefaultValueFactory = _ => 64 };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per method and n; the median is reported.", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads; 0 keeps libtorch's default (the number of cores).", DefaultValueFactory = _ => 0 };
        command.Options.Add(sizes);
        command.Options.Add(dimension);
        command.Options.Add(rank);
        command.Options.Add(repeats);
        command.Options.Add(threads);
        var common = new CommonOptions();
        common.AddTo(command);
        command.SetAction(parseResult =>
        {
            var c = common.Read(parseResult);
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            int[] ns = parseResult.GetValue(sizes) is { Length: > 0 } given ? given : c.Quick ? [256, 1024] : [256, 1024, 4096, 16384];
            var settings = new AttentionBenchSettings(ns, parseResult.GetValue(dimension), parseResult.GetValue(rank),
                c.Quick ? Math.Min(2, parseResult.GetValue(repeats)) : parseResult.GetValue(repeats));
            settings.Validate();
            c.Budget.Check(settings.Estimate()); // before --out is opened; the library checks again
            int threadCount = parseResult.GetValue(threads);
            if (threadCount < 0) throw new BadInputException($"--threads must be 0 (default) or positive, got {threadCount}");
            if (threadCount > ResourceBudget.MaxThreads) throw new BadInputException($"--threads must be at most {ResourceBudget.MaxThreads}, got {threadCount}");
            using var outDir = c.OpenOut();

            int previousThreads = torch.get_num_threads();
            IReadOnlyList<AttentionBenchRow> rows;
            using (threadCount > 0 ? LibtorchThreads.Use(threadCount) : null)
                rows = ConsoleProgress.Run(stderr, progress =>
                    AttentionBenchmarkRun.Run(settings, c.Seed, ProcessMemoryProbe.TryCreate(), progress, c.Budget));
            if (outDir != null)
            {
                AttentionFigures.TimeVsN(outDir.PathFor(PlotFile), ns, rows.Select(r => r.FullSeconds).ToArray(),
                    rows.Select(r => r.LowrankSeconds).ToArray(),
                    $"d = {settings.Dimension}, k = {settings.Rank}, float32, {(threadCount > 0 ? threadCount : previousThreads)} libtorch thread(s), median of {settings.Repeats} runs, seed {c.Seed}",
                    rows.Select(r => r.SdpaSeconds).ToArray());
                outDir.Commit();
            }
            if (c.Json) c.EmitJson(stdout, rows);
            else PrintTable(stdout, rows);
            return Cli.Success;
        });
        return command;
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
