using TorchSharp;

namespace NeuralLab.Common;

/// <summary>Seeding of both random sources a run uses: libtorch's global generator and a System.Random.</summary>
public static class Seeding
{
    /// <summary>Seeds libtorch's generator and returns a System.Random seeded the same way; use both.</summary>
    public static Random SeedEverything(int seed)
    {
        torch.random.manual_seed(seed);
        return new Random(seed);
    }
}
