namespace NeuralLab.Residual;

/// <summary>
/// Area-weighted box filter: each output pixel is the mean of the input over the exact rectangle it
/// covers, fractional pixels weighted by their covered fraction (as PIL's BOX resampling). 28 → 8
/// is a factor 3.5, so an integer block mean (or libtorch's adaptive_avg_pool2d, which rounds the
/// blocks outward to whole pixels) would not do.
/// </summary>
internal static class BoxFilter
{
    /// <summary>Resizes a (height, width) image to (outHeight, outWidth).</summary>
    public static float[] Resize(ReadOnlySpan<float> image, int height, int width, int outHeight, int outWidth)
    {
        if (image.Length != height * width) throw new ArgumentException("image size does not match height × width");
        var rows = Weights(height, outHeight); // (outHeight, height)
        var cols = Weights(width, outWidth);   // (outWidth, width)
        // Separable: first along rows (height → outHeight), then along columns.
        var tall = new double[outHeight * width];
        for (int o = 0; o < outHeight; o++)
            foreach (var (i, w) in rows[o])
                for (int x = 0; x < width; x++)
                    tall[o * width + x] += w * image[i * width + x];
        var result = new float[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
            for (int o = 0; o < outWidth; o++)
            {
                double sum = 0;
                foreach (var (i, w) in cols[o]) sum += w * tall[y * width + i];
                result[y * outWidth + o] = (float)sum;
            }
        return result;
    }

    /// <summary>For each output cell, the input cells it overlaps and their weights (summing to 1).</summary>
    static List<(int Index, double Weight)>[] Weights(int size, int outSize)
    {
        double scale = (double)size / outSize;
        var weights = new List<(int, double)>[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double start = o * scale, end = (o + 1) * scale;
            weights[o] = [];
            for (int i = (int)Math.Floor(start); i < Math.Min(size, (int)Math.Ceiling(end)); i++)
            {
                double overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                if (overlap > 0) weights[o].Add((i, overlap / scale));
            }
        }
        return weights;
    }
}
