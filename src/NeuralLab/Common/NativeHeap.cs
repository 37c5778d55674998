using System.Runtime.InteropServices;

namespace NeuralLab.Common;

/// <summary>
/// glibc malloc settings for libtorch's activation buffers. By default glibc maps every buffer above its mmap threshold
/// afresh (the threshold adapts, up to 32 MB, to the largest buffer freed so far) and returns free memory at the top
/// of the heap to the kernel once it exceeds twice that threshold. A training step allocates and frees tens of
/// megabytes of activations, so the next step touches fresh pages again: measured on the 3×256 SIREN at batch 4096,
/// 1,000–2,000 page faults a step and 1.7–4 ms of kernel time (zeroing pages) against about 0.3 ms with the settings
/// here, which keep buffers up to 32 MB on the heap and up to 64 MB of freed memory mapped for the next step
/// (docs/engine.md, "Native memory"). Larger buffers are still mapped and unmapped each time.
/// Process-wide; applied once, by the first <see cref="Trainer"/>; a no-op off glibc.
/// </summary>
internal static class NativeHeap
{
    /// <summary>Buffers up to this size come from the heap (glibc's largest mmap threshold on 64-bit).</summary>
    public const int MmapThreshold = 32 << 20;

    /// <summary>Free memory kept at the top of the heap: more than one SIREN step's activations at batch 4096.</summary>
    public const int TrimThreshold = 64 << 20;

    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3; // <malloc.h>

    static int _applied;

    /// <summary>Whether the settings are in force (false off Linux, or where libc has no mallopt).</summary>
    public static bool Applied { get; private set; }

    /// <summary>Applies the settings once per process.</summary>
    public static void KeepActivationPages()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1 || !OperatingSystem.IsLinux()) return;
        try
        {
            // Setting either value turns glibc's adaptive thresholds off, so both are set.
            Applied = mallopt(M_MMAP_THRESHOLD, MmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, TrimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Applied = false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int parameter, int value);
}
