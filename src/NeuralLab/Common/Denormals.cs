using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralLab.Common;

/// <summary>
/// Flush-to-zero and denormals-are-zero (the FTZ and DAZ bits of x86's MXCSR) on the calling thread until disposed, then
/// the thread's previous setting. Why: an x86 core takes a microcode assist, tens to hundreds of cycles, for every
/// float operation with a denormal operand or result, and Adam's moments of units that stop receiving gradient (dead
/// ReLUs) decay geometrically into the denormals (m by β1 = 0.9 a step: from 1e-5 to below FLT_MIN in about 750 steps);
/// measured on the homework's ReLU recipe, its Adam step took several times the time of the network's forward and
/// backward (docs/engine.md, "Small steps"). libtorch's <c>set_flush_denormal</c> sets the same bits, but TorchSharp
/// does not expose it; glibc's <c>fesetenv</c> loads MXCSR. The bits are per thread: they cover libtorch's work on the
/// calling thread (all of it on one intra-op thread), not its OpenMP workers. A no-op off x86-64 Linux.
/// </summary>
internal readonly struct Denormals : IDisposable
{
    const uint FlushToZero = 1u << 15, DenormalsAreZero = 1u << 6;
    const int MxcsrIndex = 7; // glibc's x86-64 fenv_t: 32 bytes, __mxcsr at byte 28

    static readonly bool s_supported = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 && Probe();

    // The thread's environment before the flush, held in the struct itself: a step makes no managed allocation
    // (docs/engine.md, "Small steps").
    readonly Environment _previous;
    readonly bool _restores;

    Denormals(Environment previous) => (_previous, _restores) = (previous, true);

    /// <summary>Treats denormal operands and results as zero on this thread until the scope is disposed.</summary>
    public static unsafe Denormals Flush()
    {
        if (!s_supported) return default;
        Environment environment = default;
        if (fegetenv(&environment) != 0) return default;
        var previous = environment;
        environment[MxcsrIndex] |= FlushToZero | DenormalsAreZero;
        return fesetenv(&environment) == 0 ? new Denormals(previous) : default;
    }

    /// <summary>Whether the calling thread flushes denormals now.</summary>
    public static bool Flushing => s_supported && Mxcsr() is uint csr && (csr & (FlushToZero | DenormalsAreZero)) == (FlushToZero | DenormalsAreZero);

    public unsafe void Dispose()
    {
        if (!_restores) return;
        var previous = _previous;
        _ = fesetenv(&previous);
    }

    static unsafe uint? Mxcsr()
    {
        Environment environment = default;
        return fegetenv(&environment) == 0 ? environment[MxcsrIndex] : null;
    }

    /// <summary>The fenv_t layout is glibc's for x86-64 if MXCSR reads back with its reserved upper bits clear and its
    /// exception masks set (every thread .NET starts runs with the masks set).</summary>
    static bool Probe()
    {
        try
        {
            return Mxcsr() is uint csr && (csr & 0xFFFF0000u) == 0 && (csr & 0x1F80u) == 0x1F80u;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>glibc's x86-64 fenv_t: eight 32-bit words.</summary>
    [InlineArray(8)]
    struct Environment
    {
        uint _word;
    }

    [DllImport("libm.so.6", EntryPoint = "fegetenv")]
    static extern unsafe int fegetenv(Environment* environment);

    [DllImport("libm.so.6", EntryPoint = "fesetenv")]
    static extern unsafe int fesetenv(Environment* environment);
}
