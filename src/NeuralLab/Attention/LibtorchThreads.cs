using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>
/// Runs work on one libtorch thread and restores the process-wide thread count afterwards. The checks' matrices
/// are small (n ≤ 4096), and on a shared 2-core machine two OpenMP threads wait on each other whenever one is
/// descheduled — measured here under load, a 64 × 64 pinv took 100 ms on two threads and 0.5 ms on one.
/// </summary>
internal static class LibtorchThreads
{
    public static T WithOne<T>(Func<T> work)
    {
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            return work();
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}
