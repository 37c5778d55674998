using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Encodings;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Bench;

/// <summary>
/// Field encodings (issue 12). Modes:
///   speed   — the grid encoding's forward, forward+backward and a whole training step, at 1k and 64k points:
///             the small-N time is the per-call (dispatch) floor, the large-N slope the arithmetic.
///   kernels — A/B of the grid's kernels (composed libtorch ops, fused raw-memory autograd function), each with and
///             without cached plans (corners and weights kept for coordinates seen again): one 8192-pixel chunk's encoding forward and forward+backward, a decoder-shaped
///             MLP's forward+backward beside it (where a step's time goes), then whole full-batch training steps
///             through FieldTrainer, the kernels alternating for --rounds (default 3) of --kernel-steps (default 20).
///   peer    — our grid against bench/peers/peer_grid_torch.py on the 256² cameraman, same protocol:
///             8 levels 16→256, F 2, table --tables (default 8192,4096), 2×64 SiLU decoder, quintic weights,
///             full batch, Adam lr 1e-2 (β2 0.99, ε 1e-15) with a cosine decay, eval every 25 steps, --steps.
///   fields  — ReLU, Tanh, SIREN (fit's defaults) and Fourier and grid (defaults sized to --max-parameters,
///             default 65536) on the cameraman, each for --seconds: PSNR against seconds on one figure,
///             derivative fidelity beside PSNR. Writes --out DIR/fields.png and fields.md.
///   images  — the default-field choice: SIREN, Fourier and grid at fit's defaults on the cameraman, the
///             512² RGB astronaut, a zone plate and rendered text, each for --seconds.
/// Usage: encodings [speed|kernels|peer|fields|images|all] [--seconds S] [--steps N] [--tables 8192,4096] [--max-parameters N] [--out DIR]
///        [--image PATH] [--astronaut PATH] [--peer PATH] [--threads 2]
/// </summary>
public sealed class FieldEncodingsBenchmark() : Benchmark("encodings",
    "Fourier and grid fields: encoding speed, grid vs its PyTorch peer, time to PSNR vs ReLU/Tanh/SIREN, default-field choice over several images")
{
    protected override IReadOnlyList<string> Modes => ["all", "speed", "kernels", "peer", "fields", "images"];

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        string outDir = options.GetValueOrDefault("out", "bench-out/encodings");
        Directory.CreateDirectory(outDir);
        var (camera, image, cameraName) = Target256(options);
        if (mode is "all" or "speed") Speed(camera);
        if (mode is "all" or "kernels") Kernels(camera, options);
        if (mode is "all" or "peer") Peer(camera, image, options);
        if (mode is "all" or "fields") Fields(camera, cameraName, options, outDir);
        if (mode is "all" or "images") Images(camera, options);
        Console.WriteLine($"peak RSS {ProcessMemory.PeakRssBytes() / 1e6:F0} MB, load {LoadAverage()}");
        return 0;
    }


    static EncodingConfig PeerGrid(int table) => new() { Kind = EncodingKind.Grid, GridLevels = 8, GridFeatures = 2, GridMin = 16, GridMax = 256, GridTable = table };

    static void Speed(FieldImage camera)
    {
        Console.WriteLine("\n## grid encoding speed (8 levels 16→256, F 2, T 8192), median of 7 calls; CPU ms = process CPU time per call (less distorted by load than wall time)");
        Console.WriteLine("| points | forward ms | forward CPU ms | forward+backward ms | f+b CPU ms | µs per point (f+b) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        using var grid = new GridEncoding(PeerGrid(8192));
        foreach (int n in new[] { 1024, 65536 })
        {
            using var points = rand(n, 2) * 2 - 1;
            var (forward, forwardCpu) = Median(() => { using var scope = NewDisposeScope(); using var _ = no_grad(); grid.call(points); });
            var (both, bothCpu) = Median(() =>
            {
                using var scope = NewDisposeScope();
                grid.zero_grad();
                grid.call(points).square().sum().backward();
            });
            Console.WriteLine($"| {n} | {forward * 1e3:F2} | {forwardCpu * 1e3:F2} | {both * 1e3:F2} | {bothCpu * 1e3:F2} | {both * 1e6 / n:F3} |");
        }
        var config = FitDefaults.For(EncodingKind.Grid) with { Encoding = PeerGrid(8192), Steps = 30, EvalEvery = 1000 };
        using (FieldTrainer.Fit(camera, config with { Steps = 3 })) { }
        using var fit = FieldTrainer.Fit(camera, config);
        Console.WriteLine($"whole training step (65,536 pixels, Adam, full batch): {fit.Seconds / fit.Steps * 1e3:F1} ms/step");
    }

    static void Kernels(FieldImage camera, IReadOnlyDictionary<string, string> options)
    {
        int rounds = int.Parse(options.GetValueOrDefault("rounds", "3"));
        int steps = int.Parse(options.GetValueOrDefault("kernel-steps", "20"));
        var kernels = new[] { (GridKernel.Composed, false), (GridKernel.Composed, true), (GridKernel.Fused, false), (GridKernel.Fused, true) };
        static string Name((GridKernel Kernel, bool Cache) k) => $"{k.Kernel.ToString().ToLowerInvariant()}{(k.Cache ? " + cached plans" : "")}";
        var encoding = PeerGrid(8192);
        Console.WriteLine($"\n## grid kernels, 8 levels 16→256, F 2, T 8192 (77,199 parameters), one 8192-pixel chunk of the 256² pixel grid; median of 7 calls, load {LoadAverage()}");
        Console.WriteLine("| kernel | forward ms | forward CPU ms | forward+backward ms | f+b CPU ms |");
        Console.WriteLine("|---|---|---|---|---|");
        using var coordinates = CoordinateGrid.Create(camera.Height, camera.Width);
        using var chunk = coordinates.narrow(0, 0, FieldTrainer.ChunkPixels);  // (8192, 2)
        using var upstream = randn(FieldTrainer.ChunkPixels, encoding.OutputDimension); // (8192, L·F)
        foreach (var kernel in kernels)
        {
            using var grid = new GridEncoding(encoding) { Kernel = kernel.Item1, CachePlans = kernel.Item2 };
            var (forward, forwardCpu) = Median(() => { using var scope = NewDisposeScope(); using var _ = no_grad(); grid.call(chunk); });
            var (both, bothCpu) = Median(() =>
            {
                using var scope = NewDisposeScope();
                grid.zero_grad();
                (grid.call(chunk) * upstream).sum().backward();
            });
            Console.WriteLine($"| {Name(kernel)} | {forward * 1e3:F2} | {forwardCpu * 1e3:F2} | {both * 1e3:F2} | {bothCpu * 1e3:F2} |");
        }
        {
            // The grid default's decoder (2 × 64 SiLU, as CoordinateMlp builds it) on the chunk's features.
            using var decoder = nn.Sequential(nn.Linear(encoding.OutputDimension, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(), nn.Linear(64, 1));
            using var features = randn(FieldTrainer.ChunkPixels, encoding.OutputDimension);
            var (both, bothCpu) = Median(() => { using var scope = NewDisposeScope(); decoder.zero_grad(); decoder.call(features).square().sum().backward(); });
            Console.WriteLine($"| decoder 16→64→64→1 SiLU alone | — | — | {both * 1e3:F2} | {bothCpu * 1e3:F2} |");
        }
        Console.WriteLine($"\n## whole full-batch training steps (65,536 pixels, 8 chunks, Adam), {steps} steps a run, kernels alternating, {rounds} rounds");
        Console.WriteLine("| kernel | ms/step per round | median ms/step | CPU ms/step (median) | vs composed |");
        Console.WriteLine("|---|---|---|---|---|");
        var config = FitDefaults.For(EncodingKind.Grid) with { Encoding = encoding, Steps = steps, EvalEvery = steps };
        var wall = kernels.ToDictionary(k => k, _ => new List<double>());
        var cpu = kernels.ToDictionary(k => k, _ => new List<double>());
        var previous = (GridEncoding.DefaultKernel, GridEncoding.DefaultCachePlans);
        using var self = Process.GetCurrentProcess();
        try
        {
            foreach (var kernel in kernels)
            {
                (GridEncoding.DefaultKernel, GridEncoding.DefaultCachePlans) = kernel;
                using (FieldTrainer.Fit(camera, config with { Steps = 3, EvalEvery = 3 })) { } // warm-up
            }
            for (int round = 0; round < rounds; round++)
                foreach (var kernel in kernels)
                {
                    (GridEncoding.DefaultKernel, GridEncoding.DefaultCachePlans) = kernel;
                    self.Refresh();
                    var cpuBefore = self.TotalProcessorTime;
                    using var fit = FieldTrainer.Fit(camera, config);
                    self.Refresh();
                    wall[kernel].Add(fit.Seconds / fit.Steps);
                    cpu[kernel].Add((self.TotalProcessorTime - cpuBefore).TotalSeconds / fit.Steps);
                }
        }
        finally
        {
            (GridEncoding.DefaultKernel, GridEncoding.DefaultCachePlans) = previous;
        }
        static double MedianOf(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
        double baseline = MedianOf(wall[kernels[0]]);
        foreach (var kernel in kernels)
            Console.WriteLine($"| {Name(kernel)} | {string.Join(", ", wall[kernel].Select(w => (w * 1e3).ToString("F1")))} | {MedianOf(wall[kernel]) * 1e3:F1} | " +
                              $"{MedianOf(cpu[kernel]) * 1e3:F1} | {baseline / MedianOf(wall[kernel]):F2}× |");
        Console.WriteLine($"load {LoadAverage()}");
    }

    /// <summary>Median wall and process-CPU seconds of one call.</summary>
    static (double Wall, double Cpu) Median(Action action)
    {
        action();
        var wall = new List<double>();
        var cpu = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < 7; i++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            action();
            wall.Add(clock.Elapsed.TotalSeconds);
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpuBefore).TotalSeconds);
        }
        wall.Sort();
        cpu.Sort();
        return (wall[3], cpu[3]);
    }

    static void Peer(FieldImage camera, string imagePath, IReadOnlyDictionary<string, string> options)
    {
        string peer = options.GetValueOrDefault("peer", "bench/peers/peer_grid_torch.py");
        int steps = int.Parse(options.GetValueOrDefault("steps", "500"));
        Console.WriteLine($"\n## grid vs the PyTorch peer ({peer}), 256² cameraman, full batch, {steps} steps, same protocol");
        Console.WriteLine("| table | parameters (ours / peer) | s/step ours | s/step peer | throughput ratio | 40 dB ours (s) | 40 dB peer (s) | time-to-40 ratio | final PSNR ours / peer |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var table in options.GetValueOrDefault("tables", "8192,4096").Split(',').Select(int.Parse))
        {
            var config = FitDefaults.For(EncodingKind.Grid) with { Encoding = PeerGrid(table), Steps = steps, EvalEvery = 25 };
            using (FieldTrainer.Fit(camera, config with { Steps = 3 })) { }
            using var fit = FieldTrainer.Fit(camera, config);
            long parameters = FieldParameters.Count(config);
            double ours = fit.Seconds / fit.Steps;
            double? ours40 = fit.FirstReaching(40)?.Seconds;
            var theirs = RunPeer(peer, imagePath, table, steps, torch.get_num_threads());
            string Ratio(double? a, double? b) => a is double x && b is double y && x > 0 ? $"{y / x:F2}×" : "n/a";
            Console.WriteLine($"| {table} | {parameters:N0} / {theirs?.Parameters.ToString("N0") ?? "n/a"} | {ours:F4} | {theirs?.StepSeconds.ToString("F4") ?? "n/a"} | " +
                              $"{Ratio(ours, theirs?.StepSeconds)} | {ours40?.ToString("F1") ?? "—"} | {theirs?.Seconds40?.ToString("F1") ?? "—"} | {Ratio(ours40, theirs?.Seconds40)} | " +
                              $"{fit.Psnr:F2} / {theirs?.Psnr.ToString("F2") ?? "n/a"} |");
        }
    }

    sealed record PeerResult(double StepSeconds, double Psnr, long Parameters, double? Seconds40);

    static PeerResult? RunPeer(string script, string image, int table, int steps, int threads)
    {
        if (!File.Exists(image)) { Console.WriteLine($"# peer image {image} missing"); return null; }
        const string finalLine = @"final psnr ([0-9.]+) steps \d+ time [0-9.]+s step_s ([0-9.]+) parameters (\d+)";
        if (PeerScript.Run(script, finalLine, "--image", image, "--size", "256", "--levels", "8", "--features", "2", "--min-res", "16", "--max-res", "256",
            "--table", table.ToString(), "--hidden", "64", "--act", "silu", "--weights", "c2", "--batch", "0", "--steps", steps.ToString(), "--lr", "0.01",
            "--threads", threads.ToString(CultureInfo.InvariantCulture)) is not string output) return null;
        var final = Regex.Match(output, finalLine);
        var reached = Regex.Match(output, @"reached 40 dB at step \d+ after ([0-9.]+)s");
        return new PeerResult(double.Parse(final.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(final.Groups[3].Value), reached.Success ? double.Parse(reached.Groups[1].Value, CultureInfo.InvariantCulture) : null);
    }

    static void Fields(FieldImage camera, string cameraName, IReadOnlyDictionary<string, string> options, string outDir)
    {
        double seconds = double.Parse(options.GetValueOrDefault("seconds", "60"), CultureInfo.InvariantCulture);
        long budget = long.Parse(options.GetValueOrDefault("max-parameters", "65536"));
        Console.WriteLine($"\n## time to PSNR on the 256² cameraman, {seconds} s per field; Fourier and grid sized to {budget:N0} parameters");
        var runs = new List<FieldRun>();
        foreach (var (name, config) in FieldComparison.Contenders(camera, budget))
        {
            var run = FieldComparison.Run(camera, cameraName, name, WithSteps(config, options), seconds);
            runs.Add(run);
            Console.WriteLine($"# {name}: {run.Metrics.Psnr:F2} dB after {run.Metrics.Seconds:F1} s ({run.Metrics.StoppedBecause}), load {LoadAverage()}");
        }
        string table = FieldComparison.Table(runs);
        Console.WriteLine(table);
        FieldComparison.SavePsnrCurves(runs, $"256² cameraman, {seconds:F0} s per field, load {LoadAverage()}", Path.Combine(outDir, "fields.png"));
        File.WriteAllText(Path.Combine(outDir, "fields.md"), table + "\n");
        Console.WriteLine($"wrote {Path.Combine(outDir, "fields.png")} and fields.md");
    }

    static FitConfig WithSteps(FitConfig config, IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue("steps", out var s) ? config with { Steps = int.Parse(s), Epochs = null } : config;

    static void Images(FieldImage camera, IReadOnlyDictionary<string, string> options)
    {
        double seconds = double.Parse(options.GetValueOrDefault("seconds", "60"), CultureInfo.InvariantCulture);
        string astronautPath = options.GetValueOrDefault("astronaut", "bench/data/astronaut.png");
        var images = new List<(string Name, FieldImage Image)> { ("cameraman 256² gray", camera) };
        if (File.Exists(astronautPath)) images.Add(("astronaut 512² RGB", FieldImage.Load(astronautPath, channels: 3, size: 512)));
        else Console.WriteLine($"# {astronautPath} missing: astronaut skipped");
        images.Add(("zone plate 256²", ZonePlate(256)));
        images.Add(("rendered text 256²", RenderedText(256)));
        Console.WriteLine($"\n## default-field choice: fit's defaults per field, {seconds} s each");
        Console.WriteLine("| image | field | parameters | steps | PSNR (dB) | s to 30 / 35 / 40 dB | ∇ corr. | Δ corr. |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (name, image) in images)
        {
            foreach (var kind in new[] { EncodingKind.None, EncodingKind.Fourier, EncodingKind.Grid })
            {
                var basis = FitDefaults.For(kind);
                var config = basis with
                {
                    Architecture = basis.Architecture with { Channels = image.Channels },
                    Encoding = basis.Encoding with { GridMax = Math.Max(image.Width, image.Height) },
                };
                var m = FieldComparison.Run(image, name, kind == EncodingKind.None ? "siren" : kind.ToString().ToLowerInvariant(), WithSteps(config, options), seconds).Metrics;
                string To(string key) => m.SecondsTo[key] is double v ? $"{v:F0}" : "—";
                Console.WriteLine($"| {name} | {(kind == EncodingKind.None ? "siren" : kind.ToString().ToLowerInvariant())} | {m.Parameters:N0} | {m.Steps} | {m.Psnr:F2} | " +
                                  $"{To("30db")} / {To("35db")} / {To("40db")} | {m.GradientCorrelation:F3} | {m.LaplacianCorrelation:F3} |");
            }
        }
    }

    /// <summary>cos(a·r²) with the local frequency a·r/π rising to 0.45 cycles per pixel in the corners: every frequency up to near Nyquist, in every direction.</summary>
    static FieldImage ZonePlate(int size)
    {
        double c = (size - 1) / 2.0, rMax = c * Math.Sqrt(2), a = 0.45 * Math.PI / rMax;
        var pixels = new float[size * size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                pixels[i * size + j] = (float)Math.Cos(a * ((i - c) * (i - c) + (j - c) * (j - c)));
        return new FieldImage(size, size, 1, pixels);
    }

    /// <summary>Black text of several sizes on white: sharp edges and thin strokes, the opposite of a photo.</summary>
    static FieldImage RenderedText(int size)
    {
        using var bitmap = new SKBitmap(size, size, SKColorType.Gray8, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            float y = 0;
            foreach (float height in new[] { 40f, 28f, 20f, 14f, 10f, 8f })
            {
                using var font = new SKFont(SKTypeface.Default, height);
                y += height * 1.25f;
                canvas.DrawText("NeuralLab fields 0123", 4, y, font, paint);
                y += height * 0.3f;
                canvas.DrawText("Müller Tancik SIREN", 4, y + height, font, paint);
                y += height * 1.1f;
            }
        }
        var pixels = new float[size * size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                pixels[i * size + j] = bitmap.GetPixel(j, i).Red / 127.5f - 1;
        return new FieldImage(size, size, 1, pixels);
    }
}
