using TorchSharp;

namespace NeuralLab.Residual;

/// <summary>
/// Sets libtorch's intra-op thread count for a block of work and restores it afterwards (it is process-wide).
/// The ResNet's tensors are tiny (batch 128 of 2×2 to 4×4 maps): each op is microseconds of work, and libtorch's
/// OpenMP threads spin-wait between ops. Measured here on 2 cores shared with other processes, two threads ran the
/// C = 64 training step 10–20× slower than one (docs/residual.md), so the ResNet trains on one by default.
/// </summary>
public sealed class IntraOpThreads : IDisposable
{
    readonly int _previous;

    IntraOpThreads(int threads)
    {
        _previous = torch.get_num_threads();
        if (threads != _previous) torch.set_num_threads(threads);
    }

    public static IntraOpThreads Use(int threads)
    {
        if (threads < 1) throw new Common.BadInputException($"--threads {threads}: must be at least 1");
        if (threads > Common.ResourceBudget.MaxThreads) throw new Common.BadInputException($"--threads {threads}: at most {Common.ResourceBudget.MaxThreads} (this machine has {Environment.ProcessorCount} cores)");
        return new IntraOpThreads(threads);
    }

    public void Dispose()
    {
        if (torch.get_num_threads() != _previous) torch.set_num_threads(_previous);
    }
}
