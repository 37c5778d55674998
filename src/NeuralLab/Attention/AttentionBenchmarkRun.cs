using System.Diagnostics;
using NeuralLab.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>What the attention benchmark runs.</summary>
/// <param name="Sizes">Sequence lengths n.</param>
/// <param name="Dimension">d, of queries, keys and values.</param>
/// <param name="Rank">k, the number of Nyström landmarks.</param>
/// <param name="Repeats">Timed runs per method and n; the median is reported.</param>
/// <param name="ChunkBytes">Largest block of float32 weights full attention forms at once; up to n = 4096 that is the whole
/// (n, n) matrix, at n = 16384 blocks of 1024 queries. Blocks above glibc's 32 MiB mmap ceiling go back to the system when
/// freed; measured at n = 16384, 4 MiB blocks (64 queries) instead left the resident size 0.8–1.0 GiB higher after
/// one pass (the freed heap was not reused), while 64 MiB blocks peaked 128 MiB above the baseline and returned it all.</param>
public sealed record AttentionBenchSettings(
    IReadOnlyList<int> Sizes,
    int Dimension = 64,
    int Rank = 64,
    int Repeats = 3,
    long ChunkBytes = 64L << 20)
{
    /// <summary>Queries per block for sequence length n: ChunkBytes / (4 n), at least 1 and at most n.</summary>
    public int ChunkRows(int n) => (int)Math.Clamp(ChunkBytes / (4L * n), 1, n);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first unusable setting by its property (the CLI names its flag).</summary>
    public void Validate()
    {
        if (Sizes.Count == 0) throw new ArgumentException("needs at least one sequence length", nameof(Sizes));
        foreach (int n in Sizes)
            if (n <= 0) throw new ArgumentOutOfRangeException(nameof(Sizes), n, "sequence lengths must be positive");
        if (Dimension <= 0) throw new ArgumentOutOfRangeException(nameof(Dimension), Dimension, "must be positive");
        if (Rank <= 0) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "must be positive");
        foreach (int n in Sizes)
            if (Rank > n) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, $"exceeds the sequence length n = {n}: a rank-k factorisation of an n x n matrix needs k <= n");
        if (Repeats <= 0) throw new ArgumentOutOfRangeException(nameof(Repeats), Repeats, "must be positive");
        if (ChunkBytes <= 0) throw new ArgumentOutOfRangeException(nameof(ChunkBytes), ChunkBytes, "chunk size must be positive");
    }

    /// <summary>
    /// Peak memory (the largest n's) and time (every n) of the benchmark, counted from what <see cref="AttentionBenchmarkRun"/>
    /// allocates: q, k, v and the three methods' outputs, (n, d) float32 each; the float64 copies of the error; full
    /// attention's block of weights with the scores and exponentials beside it; Nyström's (n, k) kernels. Time: 4·n²·d
    /// flops per exact run (QKᵀ and the weighted sum), for full attention and libtorch's, each run once untimed and
    /// <see cref="Repeats"/> times timed.
    /// </summary>
    public ResourceEstimate Estimate()
    {
        double bytes = 0, flops = 0;
        foreach (int size in Sizes)
        {
            double n = size, d = Dimension, k = Math.Min(Rank, size);
            double block = Math.Min(ChunkBytes, 4 * n * n);
            bytes = Math.Max(bytes, 6 * 4 * n * d + 4 * 8 * n * d + 3 * block + 4 * 4 * n * k + 4 * 4 * k * k);
            flops += (Repeats + 1) * (2 * 4 * n * n * d + 4 * n * k * d);
        }
        string sizes = string.Join(", ", Sizes.Select(n => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
        return new ResourceEstimate($"attention bench at n = {sizes}, d = {Dimension}", bytes, ResourceEstimate.SecondsAtLeast(flops, 0));
    }
}

/// <summary>One row of the benchmark: full softmax attention against Nyström attention at one n.</summary>
/// <param name="N">Sequence length.</param>
/// <param name="D">Dimension.</param>
/// <param name="K">Landmarks.</param>
/// <param name="FullSeconds">Median time of our exact attention softmax(QKᵀ/√d)V (<see cref="FullMethod"/>).</param>
/// <param name="LowrankSeconds">Median time of Nyström attention with k landmarks.</param>
/// <param name="RelativeError">‖Nyström − full‖_F / ‖full‖_F.</param>
/// <param name="SdpaSeconds">Median time of libtorch's scaled_dot_product_attention, its fused flash-attention kernel (exact, no n × n matrix).</param>
/// <param name="FullMethod">"dense" (the whole (n, n) matrix at once) or "chunked(rows)".</param>
/// <param name="DenseMatrixBytes">What the (n, n) float32 attention matrix alone would take.</param>
/// <param name="FullPeakBytes">Peak resident memory above the baseline during one full run, when measured.</param>
/// <param name="SdpaPeakBytes">The same for libtorch's scaled_dot_product_attention.</param>
/// <param name="LowrankPeakBytes">The same for Nyström.</param>
public sealed record AttentionBenchRow(
    int N, int D, int K,
    double FullSeconds, double LowrankSeconds, double RelativeError,
    double SdpaSeconds, string FullMethod, long DenseMatrixBytes,
    long? FullPeakBytes, long? SdpaPeakBytes, long? LowrankPeakBytes)
{
    /// <summary>Full attention time over Nyström time.</summary>
    public double Speedup => FullSeconds / LowrankSeconds;

    /// <summary>libtorch's fused exact attention time over Nyström time: the stronger baseline.</summary>
    public double SpeedupOverSdpa => SdpaSeconds / LowrankSeconds;
}

/// <summary>Resident-memory high-water mark of the process (Linux /proc), supplied by the caller.</summary>
public interface IPeakMemoryProbe
{
    /// <summary>Resets the high-water mark to the current resident size.</summary>
    void Reset();

    /// <summary>Resident set size of the process now, in bytes.</summary>
    long CurrentBytes();

    /// <summary>Highest resident set size since the last <see cref="Reset"/>, in bytes.</summary>
    long PeakBytes();
}

/// <summary>The process's own resident memory (/proc/self/status) as a probe; null where /proc is missing.</summary>
public sealed class ProcessMemoryProbe : IPeakMemoryProbe
{
    /// <summary>The probe, or null on a system without /proc/self/status (not Linux), where the benchmark reports no
    /// memory.</summary>
    public static ProcessMemoryProbe? TryCreate() => File.Exists("/proc/self/status") ? new ProcessMemoryProbe() : null;

    /// <inheritdoc/>
    public void Reset() => ProcessMemory.ResetPeak();

    /// <inheritdoc/>
    public long CurrentBytes() => ProcessMemory.CurrentRssBytes();

    /// <inheritdoc/>
    public long PeakBytes() => ProcessMemory.PeakRssBytes();
}

/// <summary>Times full softmax attention against Nyström attention (float32, τ = √d) on a smooth token sequence.</summary>
public static class AttentionBenchmarkRun
{
    /// <summary>Times softmax and Nyström attention at each sequence length of <paramref name="settings"/>, one row per
    /// length and method. Settings outside their ranges throw <see cref="ArgumentException"/>; a run whose estimate
    /// exceeds <paramref name="budget"/> is refused up front with a <see cref="BadInputException"/>.</summary>
    /// <param name="settings">Sequence lengths, head dimension, landmarks and repeats.</param>
    /// <param name="seed">Seed of the token sequence and the projections.</param>
    /// <param name="memory">Peak-memory probe; null leaves the memory columns empty.</param>
    /// <param name="progress">Progress sink, may be null.</param>
    /// <param name="budget">Memory and time budget; null: <see cref="ResourceBudget.Default"/>.</param>
    public static IReadOnlyList<AttentionBenchRow> Run(AttentionBenchSettings settings, int seed,
        IPeakMemoryProbe? memory = null, IProgress<ProgressReport>? progress = null, ResourceBudget? budget = null)
    {
        settings.Validate();
        (budget ?? ResourceBudget.Default).Check(settings.Estimate());
        var rows = new List<AttentionBenchRow>();
        foreach (int n in settings.Sizes)
        {
            progress?.Report(new ProgressReport("attention bench", rows.Count, settings.Sizes.Count, [("n", n)]));
            rows.Add(Measure(n, settings, seed, memory));
        }
        progress?.Report(new ProgressReport("attention bench", rows.Count, settings.Sizes.Count, []));
        return rows;
    }

    /// <summary>
    /// <see cref="Run"/> on <paramref name="threads"/> libtorch threads (0: libtorch's default, the number of cores),
    /// with the count it ran on, for the figure's caption.
    /// </summary>
    public static (IReadOnlyList<AttentionBenchRow> Rows, int Threads) RunOnThreads(AttentionBenchSettings settings, int seed, int threads,
        IPeakMemoryProbe? memory = null, IProgress<ProgressReport>? progress = null, ResourceBudget? budget = null)
    {
        using var scope = threads > 0 ? LibtorchThreads.Use(threads) : null;
        return (Run(settings, seed, memory, progress, budget), get_num_threads());
    }

    /// <summary>The smallest n from which on low-rank attention was faster at every measured size, or null.</summary>
    public static int? Crossover(IReadOnlyList<AttentionBenchRow> rows)
    {
        int? crossover = null;
        foreach (var row in rows.OrderByDescending(r => r.N))
        {
            if (row.LowrankSeconds >= row.FullSeconds) break;
            crossover = row.N;
        }
        return crossover;
    }

    static AttentionBenchRow Measure(int n, AttentionBenchSettings s, int seed, IPeakMemoryProbe? memory)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(seed);
        var (q, k, v) = AttentionInputs.SmoothSequence(n, s.Dimension, ScalarType.Float32); // (n, d) each
        double tau = Math.Sqrt(s.Dimension);
        int rows = s.ChunkRows(n);
        Tensor Full() => rows == n ? SoftmaxAttention.Batched(q, k, v, tau) : SoftmaxAttention.Chunked(q, k, v, tau, rows);
        Tensor LowRank() => NystromAttention.Forward(q, k, v, s.Rank, tau);
        Tensor Sdpa() => SoftmaxAttention.Libtorch(q, k, v, tau);

        // Low-rank first: freed heap pages stay resident, so whatever runs later may reuse earlier memory.
        // Each RunOnce is also the warm-up of its method's timed runs.
        var (approx, lowPeak) = RunOnce(LowRank, memory); // (n, d)
        var (full, fullPeak) = RunOnce(Full, memory); // (n, d)
        long? sdpaPeak = RunOnce(Sdpa, memory).PeakBytes;
        double error = full.to_type(ScalarType.Float64).sub(approx.to_type(ScalarType.Float64)).norm().item<double>()
                       / full.to_type(ScalarType.Float64).norm().item<double>();
        return new AttentionBenchRow(n, s.Dimension, s.Rank,
            Seconds(Full, s.Repeats, warmUp: false).Median, Seconds(LowRank, s.Repeats, warmUp: false).Median, error,
            Seconds(Sdpa, s.Repeats, warmUp: false).Median, rows == n ? "dense" : $"chunked({rows})", 4L * n * n,
            fullPeak, sdpaPeak, lowPeak);
    }

    static (Tensor Output, long? PeakBytes) RunOnce(Func<Tensor> method, IPeakMemoryProbe? memory)
    {
        memory?.Reset();
        long? baseline = memory?.CurrentBytes();
        var output = method();
        long? peak = memory == null ? null : Math.Max(0, memory.PeakBytes() - baseline!.Value);
        return (output, peak);
    }

    /// <summary>
    /// Wall times of <paramref name="repeats"/> runs after an untimed warm-up (unless the caller already ran it); each run's tensors are freed
    /// before the next. libtorch on CPU is synchronous: the result is complete when the call returns.
    /// </summary>
    public static (double Median, double Min) Seconds(Func<Tensor> method, int repeats, bool warmUp = true)
    {
        if (warmUp)
            using (NewDisposeScope()) method();
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            method();
            times[r] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return (times[repeats / 2], times[0]);
    }
}
