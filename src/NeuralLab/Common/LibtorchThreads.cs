using static TorchSharp.torch;

namespace NeuralLab.Common;

/// <summary>
/// Sets libtorch's intra-op thread count (process-wide) until disposed, then restores the previous count.
/// Why the systems' small networks run on one thread: their ops are microseconds of work, and on a shared
/// 2-core machine libtorch's two OpenMP threads spend the time waiting for each other whenever one is
/// descheduled. Measured here under load: 300 Adam steps of a 16-unit network, 9.8 s on two threads and
/// 0.25 s on one; a 64 × 64 pinv, 100 ms and 0.5 ms; the ResNet's C = 64 training step, 10–20× slower on two
/// (docs/residual.md).
/// </summary>
/// <remarks>
/// The library picks its own count where it knows better (<see cref="One"/>, a <see cref="TrainingPlan.Threads"/>);
/// a user's explicit choice (<see cref="Fix"/>, the CLI's <c>--threads</c>) overrides every such pick made inside it,
/// so that <c>--threads 2</c> means two threads for all of a run's work, not only for the parts the library leaves alone.
/// </remarks>
public sealed class LibtorchThreads : IDisposable
{
    /// <summary>The count a <see cref="Fix"/> scope imposes, 0 outside any.</summary>
    static int s_fixed;

    readonly int _previous;
    readonly int? _previousFixed;

    LibtorchThreads(int threads, bool fix)
    {
        _previous = get_num_threads();
        int imposed = Volatile.Read(ref s_fixed);
        if (fix)
        {
            _previousFixed = imposed;
            Volatile.Write(ref s_fixed, threads);
        }
        else if (imposed > 0) threads = imposed;
        if (threads != _previous) set_num_threads(threads);
    }

    /// <summary>Runs libtorch on <paramref name="threads"/> intra-op threads (checked here: at least 1, at most
    /// <see cref="ResourceBudget.MaxThreads"/>), unless a <see cref="Fix"/> scope imposes its own count.</summary>
    public static LibtorchThreads Use(int threads) => new(Checked(threads), fix: false);

    /// <summary>
    /// Runs libtorch on <paramref name="threads"/> intra-op threads for everything until disposed, including the work
    /// that would pick its own count (<see cref="Use"/>, <see cref="One"/>): a user's <c>--threads</c>.
    /// </summary>
    public static LibtorchThreads Fix(int threads) => new(Checked(threads), fix: true);

    /// <summary>Runs libtorch on one intra-op thread (unless a <see cref="Fix"/> scope imposes its own count).</summary>
    public static LibtorchThreads One() => new(1, fix: false);

    /// <summary>Runs <paramref name="work"/> on one intra-op thread (unless a <see cref="Fix"/> scope imposes its own count).</summary>
    public static T WithOne<T>(Func<T> work)
    {
        using var one = One();
        return work();
    }

    static int Checked(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be at least 1");
        // OpenMP reserves a stack per thread up front: 2³¹ threads asks for hundreds of GB and aborts the process.
        if (threads > ResourceBudget.MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"at most {ResourceBudget.MaxThreads} (this machine has {Environment.ProcessorCount} cores)");
        return threads;
    }

    /// <summary>Restores libtorch's thread count (and the process-wide fixed count) to what it was before this
    /// scope.</summary>
    public void Dispose()
    {
        if (_previousFixed is int fixedBefore) Volatile.Write(ref s_fixed, fixedBefore);
        if (get_num_threads() != _previous) set_num_threads(_previous);
    }
}
