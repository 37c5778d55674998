using System.Runtime.InteropServices;
using NeuralLab.Common;

namespace NeuralLab.Tests.Common;

/// <summary>
/// <see cref="NativeHeap"/>'s settings keep freed activation pages for the next step. A step-like cycle (sixteen 1 MB
/// buffers, allocated, written and freed, as a SIREN step does with its activations) is repeated: with glibc's defaults
/// the freed top of the heap beyond the trim threshold goes back to the kernel and every cycle faults fresh pages in
/// (3,866 of 4,096 pages a cycle, measured here with the settings left out); with them, after the first cycle,
/// almost none. Counted on one thread alone (/proc/thread-self/stat), so other tests running in parallel do not count.
/// The cycle runs on a thread of its own, which glibc gives a fresh arena while arenas are below their limit, and stays
/// far below a non-main arena's 64 MB heap: a cycle that overflows the heap its thread's arena is filling makes glibc
/// map a new heap and unmap it when freed, whatever the thresholds (seen once with 48 MB cycles on a shared arena in
/// the full suite).
/// </summary>
public class NativeHeapTests
{
    static long ThreadMinorFaults()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7]);
    }

    static readonly byte[] Ones = Enumerable.Repeat((byte)1, 1 << 20).ToArray();

    /// <summary>Allocates <paramref name="buffers"/> buffers of 1 MB with malloc (AllocHGlobal), writes them, frees them.</summary>
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
        const int buffers = 16;
        long perCycle = -1;
        var thread = new Thread(() =>
        {
            Cycle(buffers); // the first cycle maps the pages
            long before = ThreadMinorFaults();
            for (int round = 0; round < 5; round++) Cycle(buffers);
            perCycle = (ThreadMinorFaults() - before) / 5;
        });
        thread.Start();
        thread.Join();
        // 16 MB is 4,096 pages; a cycle that kept them faults on none (a few hundred at most for glibc's own bookkeeping).
        Assert.True(perCycle >= 0 && perCycle < 500, $"{perCycle} page faults a cycle (4,096 pages when the heap is returned each time)");
    }
}
