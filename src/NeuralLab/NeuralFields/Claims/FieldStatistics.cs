using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Claims;

/// <summary>The image's own values and derivatives, in float64, for the section's checks.</summary>
internal sealed record ImageReference(int Height, int Width, double[] Values, double[] SobelX, double[] SobelY)
{
    /// <summary>The MSE of the best constant output (the image's variance on [−1, 1]).</summary>
    public double Variance => FieldStatistics.Variance(Values);

    public static ImageReference Of(FieldImage image)
    {
        using var scope = NewDisposeScope();
        var sobel = GroundTruthOperators.SobelGradient(image);              // (N, 2)
        var values = image.ToTensor().mean([1]);                            // (N)
        return new ImageReference(image.Height, image.Width, FieldStatistics.ToDoubles(values),
            FieldStatistics.ToDoubles(sobel[.., 0]), FieldStatistics.ToDoubles(sobel[.., 1]));
    }
}

/// <summary>Float64 statistics of maps on a pixel grid (row-major, H·W).</summary>
internal static class FieldStatistics
{
    public static double[] ToDoubles(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    public static double Mean(IReadOnlyList<double> a) => a.Average();

    public static double Variance(IReadOnlyList<double> a)
    {
        double m = Mean(a);
        return a.Sum(v => (v - m) * (v - m)) / a.Count;
    }

    public static double Mse(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Count; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return sum / a.Count;
    }

    /// <summary>PSNR on the [−1, 1] range: 10·log10(4/MSE).</summary>
    public static double Psnr(IReadOnlyList<double> a, IReadOnlyList<double> b) => FieldTrainer.Psnr(Mse(a, b));

    /// <summary>Pearson correlation; 0 when either side is constant.</summary>
    public static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ma = Mean(a), mb = Mean(b), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            double x = a[i] - ma, y = b[i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : 0;
    }

    /// <summary>Pearson correlation of two gradient fields, both components pooled.</summary>
    public static double GradientCorrelation(double[] gx, double[] gy, double[] sobelX, double[] sobelY) =>
        Correlation([.. gx, .. gy], [.. sobelX, .. sobelY]);

    /// <summary>
    /// Power spectrum of the mean-removed map split at half the Nyquist radius: (energy above, total).
    /// Frequencies are normalised per axis so that Nyquist is 1; white noise puts 1 − π/16 ≈ 0.80 of its
    /// energy above radius ½, a natural image about 1 % (its spectrum falls like 1/f²).
    /// </summary>
    public static (double High, double Total) SpectralEnergy(double[] values, int height, int width)
    {
        using var scope = NewDisposeScope();
        var map = tensor(values, [height, width], dtype: ScalarType.Float64);       // (H, W)
        var power = fft.fft2(map - map.mean()).abs().square();                       // (H, W)
        var fy = fft.fftfreq(height, dtype: ScalarType.Float64) * 2;                // (H), Nyquist = 1
        var fx = fft.fftfreq(width, dtype: ScalarType.Float64) * 2;                 // (W)
        var radius = (fy.unsqueeze(1).square() + fx.unsqueeze(0).square()).sqrt(); // (H, W)
        double high = power.masked_select(radius > 0.5).sum().item<double>();
        return (high, power.sum().item<double>());
    }

    /// <summary>Share of a map's own (mean-removed) energy above half the Nyquist radius; 0 for a constant map.</summary>
    public static double HighFrequencyFraction(double[] values, int height, int width)
    {
        var (high, total) = SpectralEnergy(values, height, width);
        return total > 0 ? high / total : 0;
    }

    /// <summary>A fit's energy above half the Nyquist radius over the image's: below 1 is blurred.</summary>
    public static double HighFrequencyRatio(double[] fit, double[] image, int height, int width) =>
        SpectralEnergy(fit, height, width).High / SpectralEnergy(image, height, width).High;

    /// <summary>Fraction of entries exactly 0.0.</summary>
    public static double ExactZeroFraction(IReadOnlyList<double> a) => (double)a.Count(v => v == 0.0) / a.Count;

    /// <summary>The map upside down (rows reversed).</summary>
    public static double[] FlipVertically(double[] values, int height, int width)
    {
        var flipped = new double[values.Length];
        for (int r = 0; r < height; r++) Array.Copy(values, (height - 1 - r) * width, flipped, r * width, width);
        return flipped;
    }

    /// <summary>The map with x and y exchanged (a square grid).</summary>
    public static double[] Transpose(double[] values, int size)
    {
        var t = new double[values.Length];
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++) t[c * size + r] = values[r * size + c];
        return t;
    }

    /// <summary>The 5-point Laplacian of a rendered map, by the same stencil as the image's (<see cref="GroundTruthOperators"/>).</summary>
    public static double[] StencilLaplacian(double[] values, int height, int width)
    {
        using var scope = NewDisposeScope();
        var image = new FieldImage(height, width, 1, [.. values.Select(v => (float)v)]);
        return ToDoubles(GroundTruthOperators.DiscreteLaplacian(image));
    }
}
