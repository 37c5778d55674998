using NeuralLab.Common;
using NeuralLab.Attention;
using TorchSharp;

namespace NeuralLab.Bench;

/// <summary>
/// Full softmax attention against Nyström low-rank attention, n ∈ {256, 1024, 4096, 16384}, d = k = 64, float32:
/// time, peak resident memory, relative error, crossover n and log-log slopes, as Markdown rows for docs/benchmarks.md.
/// Usage: attention [--n 256,1024,4096,16384] [--repeats 3] [--threads T] [--seed 0] [--out DIR]
/// </summary>
public sealed class AttentionBenchmark() : Benchmark("attention", "full vs Nystrom attention: time, peak memory, error for n up to 16384 (d = k = 64)")
{
    protected override IReadOnlyList<string> Keys => ["n", "repeats", "seed", "out"];

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        int[] sizes = options.TryGetValue("n", out var n) ? n.Split(',').Select(int.Parse).ToArray() : [256, 1024, 4096, 16384];
        int repeats = WholeNumber(options, "repeats", 3), seed = WholeNumber(options, "seed", 0);
        string? outDir = options.GetValueOrDefault("out");
        var settings = new AttentionBenchSettings(sizes, Repeats: repeats);
        var rows = AttentionBenchmarkRun.Run(settings, seed, new ProcessMemoryProbe(),
            new Progress<NeuralLab.Common.ProgressReport>(p => Console.Error.WriteLine($"  {p.Task} {p.Done}/{p.Total}")));

        Console.WriteLine("| n | full (s) | libtorch SDPA (s) | Nyström k = 64 (s) | speed-up vs full / vs SDPA | relative error | peak RSS full / SDPA / Nyström (MiB) | n×n float32 (MiB) | full method |");
        Console.WriteLine("|---:|---:|---:|---:|---|---:|---|---:|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.N} | {r.FullSeconds:G3} | {r.SdpaSeconds:G3} | {r.LowrankSeconds:G3} | {r.Speedup:F1}× / {r.SpeedupOverSdpa:F1}× | " +
                              $"{r.RelativeError:F3} | {Mib(r.FullPeakBytes)} / {Mib(r.SdpaPeakBytes)} / {Mib(r.LowrankPeakBytes)} | " +
                              $"{r.DenseMatrixBytes / 1048576.0:G4} | {r.FullMethod} |");
        var ns = rows.Select(r => r.N).ToArray();
        if (ns.Length >= 2)
            Console.WriteLine($"\nlog-log slopes: full {LowRankResult.LogLogSlope(ns, rows.Select(r => r.FullSeconds).ToArray()):F2}, " +
                              $"Nyström {LowRankResult.LogLogSlope(ns, rows.Select(r => r.LowrankSeconds).ToArray()):F2}, " +
                              $"SDPA {LowRankResult.LogLogSlope(ns, rows.Select(r => r.SdpaSeconds).ToArray()):F2}");
        int? crossover = AttentionBenchmarkRun.Crossover(rows);
        Console.WriteLine(crossover is null ? "crossover: none among the sizes measured" : $"crossover: Nyström faster at every measured n >= {crossover}");
        if (outDir != null)
        {
            Directory.CreateDirectory(outDir);
            var figure = AttentionFigures.TimeVsN(Path.Combine(outDir, "attention_bench_time.png"), ns,
                rows.Select(r => r.FullSeconds).ToArray(), rows.Select(r => r.LowrankSeconds).ToArray(),
                $"d = 64, k = 64, float32, {torch.get_num_threads()} libtorch thread(s), median of {repeats} runs, seed {seed}",
                rows.Select(r => r.SdpaSeconds).ToArray());
            Console.WriteLine($"figure: {figure.FileName}: {figure.Caption}");
        }
        Console.WriteLine($"peak RSS of the whole run: {ProcessMemory.PeakRssBytes() / 1048576.0:F0} MiB (since the last reset)");
        return 0;
    }

    static string Mib(long? bytes) => bytes is null ? "-" : (bytes.Value / 1048576.0).ToString("F1");

}
