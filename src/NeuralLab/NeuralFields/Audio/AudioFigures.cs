using ScottPlot;
using SkiaSharp;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Audio;

/// <summary>Pictures of an audio fit: the waveforms (signal, fit, error, a zoom) and a pair of spectrograms.</summary>
internal static class AudioFigures
{
    /// <summary>Four stacked panels of the first channel: signal, fit, error (same vertical scale), and 20 ms of signal and fit overlaid.</summary>
    public static void SaveWaveform(float[] signal, float[] fit, int channels, int sampleRate, string title, string path)
    {
        var s = FirstChannel(signal, channels);
        var f = FirstChannel(fit, channels);
        var e = s.Zip(f, (a, b) => b - a).ToArray();
        double limit = Math.Max(1e-6, s.Max(Math.Abs)) * 1.05;
        const int w = 1100, h = 230;
        var panels = new List<Plot>();
        foreach (var (label, ys) in new[] { ("signal", s), ("fit", f), ("error (fit − signal)", e) })
        {
            var plot = new Plot();
            var line = plot.Add.Signal(ys, 1.0 / sampleRate);
            plot.Axes.SetLimitsY(-limit, limit);
            plot.YLabel(label);
            plot.XLabel("seconds");
            panels.Add(plot);
        }
        // 20 ms from the middle: individual periods, where a fit's errors show.
        int window = Math.Min(s.Length, Math.Max(2, sampleRate / 50));
        int start = Math.Max(0, s.Length / 2 - window / 2);
        var zoom = new Plot();
        var sl = zoom.Add.Signal(s.Skip(start).Take(window).ToArray(), 1000.0 / sampleRate);
        sl.LegendText = "signal";
        var fl = zoom.Add.Signal(f.Skip(start).Take(window).ToArray(), 1000.0 / sampleRate);
        fl.LegendText = "fit";
        fl.LinePattern = LinePattern.Dashed;
        zoom.XLabel($"milliseconds after {start / (double)sampleRate:F3} s");
        zoom.ShowLegend();
        panels.Add(zoom);
        Stack(panels, w, h, title, path);
    }

    /// <summary>Magnitude spectrograms (dB, 512-point Hann STFT, hop 128) of the first channel of signal and fit, side by side on one scale.</summary>
    public static void SaveSpectrograms(float[] signal, float[] fit, int channels, int sampleRate, string title, string path)
    {
        var truth = Spectrogram(FirstChannel(signal, channels));
        var fitted = Spectrogram(FirstChannel(fit, channels));
        double top = Math.Max(truth.Cast<double>().Max(), fitted.Cast<double>().Max());
        const double range = 80; // dB shown below the loudest bin
        const int cellHeight = 300, gap = 12, header = 64, margin = 8;
        int frames = truth.GetLength(1), bins = truth.GetLength(0);
        int cellWidth = Math.Clamp(frames, 420, 560);
        using var figure = new FigureCanvas(2 * cellWidth + gap + 2 * margin, header + cellHeight + 28);
        var (canvas, ink) = (figure.Canvas, figure.Ink);
        using var font = new SKFont(SKTypeface.Default, 14);
        figure.Title(title, 16, margin, 20);
        var colormap = new ScottPlot.Colormaps.Magma();
        var lookup = Enumerable.Range(0, 256).Select(i => colormap.GetColor(i / 255.0)).ToArray();
        foreach (var (index, label, map) in new[] { (0, "signal", truth), (1, "fit", fitted) })
        {
            using var bitmap = new SKBitmap(new SKImageInfo(frames, bins, SKColorType.Rgba8888, SKAlphaType.Opaque));
            var pixels = bitmap.GetPixelSpan();
            for (int b = 0; b < bins; b++)
                for (int t = 0; t < frames; t++)
                {
                    double v = Math.Clamp((map[b, t] - (top - range)) / range, 0, 1);
                    var c = lookup[(int)Math.Round(v * 255)];
                    int p = 4 * ((bins - 1 - b) * frames + t); // low frequencies at the bottom
                    pixels[p] = c.R; pixels[p + 1] = c.G; pixels[p + 2] = c.B; pixels[p + 3] = 255;
                }
            using var image = SKImage.FromBitmap(bitmap);
            float x = margin + index * (cellWidth + gap);
            canvas.DrawText(label, x, header - 12, font, ink);
            canvas.DrawImage(image, SKRect.Create(x, header, cellWidth, cellHeight), new SKSamplingOptions(SKFilterMode.Linear));
        }
        canvas.DrawText($"frequency 0–{sampleRate / 2000.0:0.#} kHz upwards, time across; magma over {range:F0} dB below the loudest bin", margin, header + cellHeight + 20, font, ink);
        figure.SavePng(path);
    }

    /// <summary>20·log10 |STFT| (bins, frames), float64.</summary>
    public static double[,] Spectrogram(double[] samples, int fft = 512, int hop = 128)
    {
        using var scope = NewDisposeScope();
        var x = tensor(samples).to_type(ScalarType.Float32);                             // (N)
        if (x.shape[0] < fft) x = nn.functional.pad(x, [0, fft - x.shape[0]]);
        var window = hann_window(fft);
        var spectrum = stft(x, fft, hop, fft, window, center: true, return_complex: true); // (fft/2+1, T)
        var db = (spectrum.abs() + 1e-8).log10() * 20;
        var data = db.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        int bins = (int)db.shape[0], frames = (int)db.shape[1];
        var result = new double[bins, frames];
        Buffer.BlockCopy(data, 0, result, 0, data.Length * sizeof(double));
        return result;
    }

    static double[] FirstChannel(float[] interleaved, int channels) =>
        Enumerable.Range(0, interleaved.Length / channels).Select(i => (double)interleaved[i * channels]).ToArray();

    static void Stack(List<Plot> plots, int w, int h, string title, string path)
    {
        using var figure = new FigureCanvas(w, plots.Count * h + 36);
        figure.Title(title, 18, 10, 24);
        for (int i = 0; i < plots.Count; i++)
        {
            using var png = SKImage.FromEncodedData(plots[i].GetImageBytes(w, h, ImageFormat.Png));
            figure.Canvas.DrawImage(png, 0, 36 + i * h);
        }
        figure.SavePng(path);
    }
}
