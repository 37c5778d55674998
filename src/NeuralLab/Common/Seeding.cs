using TorchSharp;

namespace NeuralLab.Common;

public static class Seeding
{
    /// <summary>Seeds libtorch's generator and returns a System.Random seeded the same way; use both.</summary>
    public static Random SeedEverything(int seed)
    {
        torch.random.manual_seed(seed);
        return new Random(seed);
    }
}
