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
public sealed class LibtorchThreads : IDisposable
{
    readonly int _previous;

    LibtorchThreads(int threads)
    {
        _previous = get_num_threads();
        if (threads != _previous) set_num_threads(threads);
    }

    /// <summary>Runs libtorch on <paramref name="threads"/> intra-op threads (a user's <c>--threads</c>, checked here).</summary>
    public static LibtorchThreads Use(int threads)
    {
        if (threads < 1) throw new BadInputException($"--threads {threads}: must be at least 1");
        // OpenMP reserves a stack per thread up front: 2³¹ threads asks for hundreds of GB and aborts the process.
        if (threads > ResourceBudget.MaxThreads) throw new BadInputException($"--threads {threads}: at most {ResourceBudget.MaxThreads} (this machine has {Environment.ProcessorCount} cores)");
        return new LibtorchThreads(threads);
    }

    /// <summary>Runs libtorch on one intra-op thread.</summary>
    public static LibtorchThreads One() => new(1);

    /// <summary>Runs <paramref name="work"/> on one intra-op thread.</summary>
    public static T WithOne<T>(Func<T> work)
    {
        using var one = One();
        return work();
    }

    public void Dispose()
    {
        if (get_num_threads() != _previous) set_num_threads(_previous);
    }
}
