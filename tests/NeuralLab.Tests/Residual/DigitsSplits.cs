using NeuralLab.Residual;

namespace NeuralLab.Tests.Residual;

/// <summary>The embedded digits split in half (<see cref="DigitsData.SplitInHalf"/>), then cut to a few hundred images so a test trains in seconds.</summary>
static class DigitsSplits
{
    public static (DigitsData Train, DigitsData Test) Small(int seed, int trainImages, int testImages)
    {
        var (train, test) = DigitsReader.LoadEmbedded().SplitInHalf(seed);
        return (train.Take(trainImages), test.Take(testImages));
    }
}
