namespace NeuralLab.Residual;

/// <summary>
/// Labelled grayscale digit images, row-major, intensities in [0, 1] (ink high, as in both the UCI
/// digits and MNIST). Plain managed arrays: the trainer turns them into tensors where it needs them.
/// </summary>
/// <param name="Pixels">(count · height · width) intensities, image after image.</param>
/// <param name="Labels">(count) classes 0..9.</param>
/// <param name="Height">Image height in pixels (8 for the digits).</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Source">Where the images came from, for captions and messages.</param>
public sealed record DigitsData(float[] Pixels, int[] Labels, int Height, int Width, string Source)
{
    internal const int Classes = 10;

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Pixels of one image, height·width.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public DigitsData Subset(IReadOnlyList<int> indices)
    {
        int d = PixelsPerImage;
        var pixels = new float[indices.Count * d];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Array.Copy(Pixels, (long)indices[i] * d, pixels, (long)i * d, d);
            labels[i] = Labels[indices[i]];
        }
        return this with { Pixels = pixels, Labels = labels };
    }

    /// <summary>
    /// The homework's split: the images shuffled with <paramref name="seed"/>, the first half
    /// (rounded down) for training and the rest for testing.
    /// </summary>
    public (DigitsData Train, DigitsData Test) SplitInHalf(int seed)
    {
        if (Count < 2) throw new InvalidOperationException("a split needs at least two images");
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        int half = Count / 2;
        return (Subset(order[..half]), Subset(order[half..]));
    }

    /// <summary>The first <paramref name="count"/> images (tests and quick runs train on a subset).</summary>
    public DigitsData Take(int count) => Subset(Enumerable.Range(0, Math.Min(count, Count)).ToArray());
}
