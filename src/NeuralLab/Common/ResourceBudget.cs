using System.Globalization;

namespace NeuralLab.Common;

/// <summary>
/// What a command's arguments will cost, estimated from the arguments before anything large is allocated:
/// <see cref="Bytes"/> of memory at the peak (the work's own, above the process's baseline) and, where the work
/// can be counted, a lower bound on <see cref="Seconds"/>. Both are doubles: hostile arguments make them overflow a long.
/// </summary>
/// <param name="Work">The work in the user's words, e.g. "attention bench at n = 100,000,000".</param>
/// <param name="Bytes">Peak memory of the work itself, above the process's baseline.</param>
/// <param name="Seconds">A lower bound on its time, or null where it cannot be counted.</param>
public sealed record ResourceEstimate(string Work, double Bytes, double? Seconds = null)
{
    /// <summary>Floating-point throughput no run here exceeds (the best measured: 244 GFLOP/s for a 4096×256×256 matmul,
    /// docs/engine.md), so that <see cref="Seconds"/> is a lower bound and no feasible run is refused for time.</summary>
    public const double OptimisticFlopsPerSecond = 250e9;

    /// <summary>libtorch's dispatch cost per operator call: at least a microsecond, whatever the tensor's size.</summary>
    public const double SecondsPerKernelCall = 1e-6;

    /// <summary>A lower bound on the time of <paramref name="flops"/> floating-point operations issued in <paramref name="kernelCalls"/> libtorch calls.</summary>
    public static double SecondsAtLeast(double flops, double kernelCalls) =>
        flops / OptimisticFlopsPerSecond + kernelCalls * SecondsPerKernelCall;

    /// <summary>The larger memory and the summed time of two parts of one run (they run one after the other).</summary>
    public ResourceEstimate Then(ResourceEstimate next) =>
        new(Work, Math.Max(Bytes, next.Bytes), Seconds is null && next.Seconds is null ? null : (Seconds ?? 0) + (next.Seconds ?? 0));
}

/// <summary>
/// How much memory and time a command may spend (issue 16). Every command's library entry point estimates its
/// <see cref="ResourceEstimate"/> from its arguments and calls <see cref="Check"/> before it allocates, so work it
/// cannot finish is refused up front — exit 2 with the numbers and the option that raises the budget — instead of
/// ending in the kernel's OOM killer or an ETA of days.
/// </summary>
public sealed record ResourceBudget(long MaxBytes, double MaxSeconds)
{
    /// <summary>The CLI options that raise the budget, named in the refusal messages.</summary>
    public const string MemoryOption = "--max-memory", TimeOption = "--max-hours";

    /// <summary>Share of the machine's memory a run may plan to use by default: the rest is the process's baseline
    /// (about 0.3 GB of .NET and libtorch), estimation error and everything else running.</summary>
    public const double DefaultMemoryShare = 0.75;

    /// <summary>Default time budget: 12 hours. No command's default takes more than an hour; a run estimated to take
    /// longer than half a day is almost always a typo (an extra zero or two).</summary>
    public const double DefaultHours = 12;

    /// <summary>Most libtorch threads a --threads option accepts: OpenMP starts every one of them (with its stack) at once.</summary>
    public const int MaxThreads = 1024;

    /// <summary>The default: 75 % of <see cref="MachineMemoryBytes"/> and 12 hours.</summary>
    public static ResourceBudget Default { get; } = new((long)(DefaultMemoryShare * MachineMemoryBytes()), DefaultHours * 3600);

    /// <summary>The budget from the command line: <paramref name="maxMemoryGiB"/> and <paramref name="maxHours"/> replace the defaults when given.</summary>
    public static ResourceBudget From(double? maxMemoryGiB, double? maxHours)
    {
        if (maxMemoryGiB is double m && !(m > 0 && double.IsFinite(m)))
            throw new ArgumentOutOfRangeException(nameof(maxMemoryGiB), m, "must be a positive number of GiB");
        if (maxHours is double h && !(h > 0 && double.IsFinite(h)))
            throw new ArgumentOutOfRangeException(nameof(maxHours), h, "must be a positive number of hours");
        return new(maxMemoryGiB is double gib ? (long)Math.Min(gib * (1L << 30), long.MaxValue / 2.0) : Default.MaxBytes,
            maxHours is double hours ? hours * 3600 : Default.MaxSeconds);
    }

    /// <summary>Memory this process may use: the GC's view (which honours a container's limit), else /proc/meminfo's MemTotal.</summary>
    public static long MachineMemoryBytes()
    {
        long gc = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (gc > 0) return gc;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    return long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 8L << 30;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the budget that <paramref name="estimate"/> exceeds (<see cref="MaxBytes"/> or
    /// <see cref="MaxSeconds"/>, the property the user raises).
    /// </summary>
    public void Check(ResourceEstimate estimate)
    {
        if (estimate.Bytes > MaxBytes)
            throw new ArgumentException(
                $"{estimate.Work} needs about {FormatBytes(estimate.Bytes)} of memory, over the budget of {FormatBytes(MaxBytes)}" +
                $"{(MaxBytes == Default.MaxBytes ? $" ({DefaultMemoryShare:P0} of this machine's {FormatBytes(MachineMemoryBytes())})" : "")}; " +
                "use smaller sizes, or raise the budget (GiB) if the machine has it", nameof(MaxBytes));
        if (estimate.Seconds is double s && s > MaxSeconds)
            throw new ArgumentException(
                $"{estimate.Work} would take at least {FormatSeconds(s)}, over the time budget of {FormatSeconds(MaxSeconds)}; " +
                "use smaller sizes or fewer steps, or raise the budget (hours)", nameof(MaxSeconds));
    }

    /// <paramref name="bytes"/> in binary units to three significant digits ("1.5 GiB").
    public static string FormatBytes(double bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 40):G3} TiB"),
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):G3} GiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):G3} MiB"),
    };

    internal static string FormatSeconds(double seconds) => seconds switch
    {
        >= 86400 * 365.0 => string.Create(CultureInfo.InvariantCulture, $"{seconds / (86400 * 365.0):G3} years"),
        >= 86400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400:G3} days"),
        >= 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:G3} hours"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:G3} minutes"),
    };
}
