using System.Runtime.InteropServices;
using NeuralLab.Common;

namespace NeuralLab.Tests.Common;

/// <summary>
/// <see cref="NativeHeap"/>'s settings keep freed activation pages for the next step. A step-like cycle (twelve 4 MB
/// buffers, 48 MB, allocated, written and freed, as a SIREN step at batch 4096 does) is repeated: with glibc's defaults
/// the freed top of the heap beyond 8 MB goes back to the kernel and every cycle faults fresh pages in (11,443 a cycle
/// measured here with the settings left out); with them, after the first cycle, almost none. Counted on this thread alone (/proc/thread-self/stat), so other tests
/// running in parallel do not count.
/// </summary>
public class NativeHeapTests
{
    static long ThreadMinorFaults()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7]);
    }

    static readonly byte[] Ones = Enumerable.Repeat((byte)1, 4 << 20).ToArray();

    /// <summary>Allocates <paramref name="buffers"/> buffers of 4 MB with malloc (AllocHGlobal), writes them, frees them.</summary>
    static void Cycle(int buffers)
    {
        var pointers = new IntPtr[buffers];
        for (int i = 0; i < buffers; i++)
        {
            pointers[i] = Marshal.AllocHGlobal(Ones.Length);
            Marshal.Copy(Ones, 0, pointers[i], Ones.Length);
        }
        for (int i = buffers - 1; i >= 0; i--) Marshal.FreeHGlobal(pointers[i]);
    }

    [Fact]
    public void AStepsWorthOfBuffersComesBackWithoutPageFaults()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/thread-self/stat")) return; // glibc's heap only
        NativeHeap.KeepActivationPages();
        Assert.True(NativeHeap.Applied, "mallopt accepted the thresholds");
        const int buffers = 12;
        Cycle(buffers); // the first cycle maps the pages
        long before = ThreadMinorFaults();
        for (int round = 0; round < 5; round++) Cycle(buffers);
        long perCycle = (ThreadMinorFaults() - before) / 5;
        // 48 MB is 12,288 pages; a cycle that kept them faults on none (a few hundred at most for glibc's own bookkeeping).
        Assert.True(perCycle < 500, $"{perCycle} page faults a cycle (12,288 pages when the heap is returned each time)");
    }
}
