namespace NeuralLab.Bench;

/// <summary>Resident set size of this process from /proc (native libtorch memory included).</summary>
public static class PeakMemory
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
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
        return -1;
    }
}
