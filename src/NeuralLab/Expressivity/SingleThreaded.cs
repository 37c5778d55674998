using static TorchSharp.torch;

namespace NeuralLab.Expressivity;

/// <summary>
/// Runs libtorch on one intra-op thread until disposed, then restores the previous count.
/// Why: this section's networks are tiny (≤ 128 units, ≤ 1024 points). Measured on the shared 2-core machine
/// (load ≈ 17): 300 Adam steps of a 16-unit network took 9.8 s of wall time with 2 threads and 0.25 s with 1 —
/// the threads spend their time waiting for each other, not computing.
/// </summary>
public sealed class SingleThreaded : IDisposable
{
    readonly int _previous = get_num_threads();

    public SingleThreaded() => set_num_threads(1);

    public void Dispose() => set_num_threads(_previous);
}
