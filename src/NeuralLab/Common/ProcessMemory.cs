namespace NeuralLab.Common;

/// <summary>Resident set size of this process from /proc (native libtorch memory included): for benchmarks,
/// the attention benchmark's peak probe and the leak tests. -1 where /proc is missing.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak RSS so far (VmHWM), in bytes.</summary>
    public static long PeakRssBytes() => ReadStatus("VmHWM:");

    /// <summary>Current RSS (VmRSS), in bytes.</summary>
    public static long CurrentRssBytes() => ReadStatus("VmRSS:");

    /// <summary>Resets VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs).</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static long ReadStatus(string key)
    {
        if (!File.Exists("/proc/self/status")) return -1;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
        return -1;
    }
}
