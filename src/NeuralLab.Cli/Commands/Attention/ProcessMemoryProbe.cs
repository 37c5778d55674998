using NeuralLab.Attention;

namespace NeuralLab.Cli.Commands.Attention;

/// <summary>
/// Resident memory of this process from /proc/self/status (native libtorch allocations included): VmHWM is the
/// high-water mark, and writing 5 to /proc/self/clear_refs resets it to the current VmRSS (Linux ≥ 4.0).
/// </summary>
internal sealed class ProcessMemoryProbe : IPeakMemoryProbe
{
    public static ProcessMemoryProbe? TryCreate() => File.Exists("/proc/self/status") ? new ProcessMemoryProbe() : null;

    public void Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public long CurrentBytes() => Read("VmRSS:");

    public long PeakBytes() => Read("VmHWM:");

    static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
        return -1;
    }
}
