using ScottPlot;
using SkiaSharp;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>PNG pictures of fields, their derivative maps and training curves.</summary>
internal static class FieldFigures
{
    /// <summary>Pixels converted per chunk when a map is written: the conversion's temporaries stay a few MB at any size.</summary>
    const long WriteChunkPixels = 1 << 20;

    /// <summary>Writes values in [-1, 1] shaped (H·W, C), C ∈ {1, 3}, as an 8-bit PNG.</summary>
    public static void SaveImage(Tensor values, int height, int width, string path)
    {
        long channels = values.shape[1];
        long n = (long)height * width;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (long start = 0; start < n; start += WriteChunkPixels)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(WriteChunkPixels, n - start);
            var bytes = values.narrow(0, start, length).detach().to_type(ScalarType.Float32).clamp(-1, 1)
                .add_(1).mul_(127.5f).round_().to_type(ScalarType.Byte);                      // (n, C)
            var data = bytes.data<byte>().ToArray();
            for (long i = 0; i < length; i++)
            {
                long p = start + i;
                byte r = data[i * channels], g = channels == 3 ? data[i * 3 + 1] : r, b = channels == 3 ? data[i * 3 + 2] : r;
                pixels[(int)(4 * p)] = r; pixels[(int)(4 * p + 1)] = g; pixels[(int)(4 * p + 2)] = b; pixels[(int)(4 * p + 3)] = 255;
            }
        }
        Encode(bitmap, path);
    }

    /// <summary>A non-negative map (H·W) with a sequential colour map (magma), 0 → black, <paramref name="scale"/> → bright.</summary>
    public static void SaveMagnitude(Tensor values, int height, int width, double scale, string path) =>
        SaveColormapped(values, height, width, v => Math.Clamp(v / scale, 0, 1), new ScottPlot.Colormaps.Magma(), path);

    /// <summary>A signed map (H·W) with a diverging colour map (balance): zero is the middle, ±<paramref name="scale"/> the ends.</summary>
    public static void SaveDiverging(Tensor values, int height, int width, double scale, string path) =>
        SaveColormapped(values, height, width, v => Math.Clamp(0.5 + 0.5 * v / scale, 0, 1), new ScottPlot.Colormaps.Balance(), path);

    /// <summary>A robust display scale: the 99th percentile of |values| (a few sharp pixels would otherwise wash the map out).
    /// Above 4 Mi values an evenly strided sample of 4 Mi stands in (libtorch's quantile sorts a float64 copy, and
    /// refuses more than 16 Mi values).</summary>
    public static double RobustScale(Tensor values)
    {
        using var scope = NewDisposeScope();
        var a = values.detach().reshape(-1);
        const long sample = 1 << 22;
        if (a.shape[0] > sample) a = a.slice(0, 0, a.shape[0], (a.shape[0] + sample - 1) / sample);
        a = a.abs().to_type(ScalarType.Float64);
        double q = a.quantile(0.99).item<double>();
        return q > 0 ? q : Math.Max(a.max().item<double>(), 1e-12);
    }

    static void SaveColormapped(Tensor values, int height, int width, Func<double, double> position, IColormap colormap, string path)
    {
        var flat = values.detach().reshape(-1);
        long n = (long)height * width;
        var lookup = Enumerable.Range(0, 256).Select(i => colormap.GetColor(i / 255.0)).ToArray();
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (long start = 0; start < n; start += WriteChunkPixels)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(WriteChunkPixels, n - start);
            var data = flat.narrow(0, start, length).to_type(ScalarType.Float64).data<double>().ToArray();
            for (long i = 0; i < length; i++)
            {
                long p = 4 * (start + i);
                double v = double.IsFinite(data[i]) ? position(data[i]) : 0.5;
                var c = lookup[(int)Math.Round(v * 255)];
                pixels[(int)p] = c.R; pixels[(int)p + 1] = c.G; pixels[(int)p + 2] = c.B; pixels[(int)p + 3] = 255;
            }
        }
        Encode(bitmap, path);
    }

    static void Encode(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    /// <summary>Loss and PSNR against step and against seconds, as a 2×2 grid in one PNG.</summary>
    public static void SaveCurves(FitResult fit, string path, string title)
    {
        var evaluations = fit.Evaluations;
        double secondsPerStep = fit.Steps > 0 ? fit.Seconds / fit.Steps : 0;
        // Thin the per-step losses to at most 2000 points (block means) so large runs plot quickly.
        int block = Math.Max(1, fit.StepLosses.Count / 2000);
        var lossSteps = new List<double>();
        var losses = new List<double>();
        for (int i = 0; i < fit.StepLosses.Count; i += block)
        {
            var span = fit.StepLosses.Skip(i).Take(block).ToList();
            lossSteps.Add(i + span.Count);
            losses.Add(Math.Log10(Math.Max(span.Average(v => (double)v), 1e-12)));
        }
        var evalSteps = evaluations.Select(e => (double)e.Step).ToArray();
        var evalSeconds = evaluations.Select(e => e.Seconds).ToArray();
        var psnr = evaluations.Select(e => e.Psnr).ToArray();
        var panels = new (string X, string Y, double[] Xs, double[] Ys)[]
        {
            ("step", "log10 training loss (MSE)", lossSteps.ToArray(), losses.ToArray()),
            ("step", "PSNR (dB), whole image", evalSteps, psnr),
            ("seconds", "log10 training loss (MSE)", lossSteps.Select(s => s * secondsPerStep).ToArray(), losses.ToArray()),
            ("seconds", "PSNR (dB), whole image", evalSeconds, psnr),
        };
        const int w = 560, h = 380;
        using var figure = new FigureCanvas(2 * w, 2 * h + 40);
        figure.Title(title, 20, 12, 28);
        for (int i = 0; i < panels.Length; i++)
        {
            var (xLabel, yLabel, xs, ys) = panels[i];
            var plot = new Plot();
            if (xs.Length > 0) plot.Add.ScatterLine(xs, ys);
            plot.XLabel(xLabel);
            plot.YLabel(yLabel);
            using var png = SKImage.FromEncodedData(plot.GetImageBytes(w, h, ImageFormat.Png));
            figure.Canvas.DrawImage(png, (i % 2) * w, 40 + (i / 2) * h);
        }
        figure.SavePng(path);
    }
}
