using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;

namespace NeuralLab.Bench;

/// <summary>
/// Issue 14's benchmark: tiled fits of growing images with local processes standing in for a job array's tasks. For each
/// size a mosaic of bench/data/astronaut.png (512², RGB), mirrored at every seam so the mosaic itself has no edges, is
/// written as a PNG; <c>--processes</c> copies of the built CLI run <c>tiles fit … --shard i/P</c> at once, then
/// <c>tiles merge</c> measures the blend's PSNR. Reports wall time, per-tile seconds (flat if the total cost is linear
/// in pixels), PSNR, each process's peak RSS, and the predicted wall time on N machines:
///     T(N) ≈ start-up + ⌈tiles / N⌉ · per-tile seconds + merge,
/// each machine fitting its share one tile after another, as a job array's tasks do.
/// Usage: tiles [--sizes 1024,2048,4096] [--tile 256] [--overlap 16] [--steps 300] [--processes 2] [--threads 1]
///              [--cli PATH/NeuralLab.Cli.dll] [--keep DIR] [any of fit's field options: --encoding grid, --hidden 32, --layers 1, …]
/// Build first: dotnet build -c Release (the benchmark runs src/NeuralLab.Cli's build output).
/// </summary>
public sealed class TilesBenchmark() : Benchmark("tiles",
    "tiled fits of 1024²…4096² astronaut mosaics with 2 local processes as shards: wall time, per-tile time, PSNR, peak RSS, N-machine prediction")
{
    /// <summary>The benchmark's own options; every other one is fit's (--encoding grid, --hidden 64, --lr …) and goes to each shard's tiles fit.</summary>
    static readonly string[] Own = ["sizes", "tile", "overlap", "steps", "processes", "threads", "cli", "keep"];

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        if (mode != "all") { Console.Error.WriteLine($"tiles: unexpected argument '{mode}'"); return 2; }
        // A flag without a value (--upsample) reaches the CLI as "--upsample true", which its boolean options accept.
        var field = options.Where(o => !Own.Contains(o.Key)).SelectMany(o => new[] { $"--{o.Key}", o.Value }).ToList();
        var sizes = options.GetValueOrDefault("sizes", "1024,2048,4096").Split(',').Select(int.Parse).ToArray();
        int tile = int.Parse(options.GetValueOrDefault("tile", "256")), overlap = int.Parse(options.GetValueOrDefault("overlap", "16"));
        int steps = int.Parse(options.GetValueOrDefault("steps", "300")), processes = int.Parse(options.GetValueOrDefault("processes", "2"));
        string threads = options.GetValueOrDefault("threads", "1");
        string root = ResnetBenchmark.RepositoryRoot();
        string cli = options.GetValueOrDefault("cli", Path.Combine(root, "src/NeuralLab.Cli/bin/Release/net10.0/linux-x64/NeuralLab.Cli.dll"));
        if (!File.Exists(cli)) { Console.Error.WriteLine($"no CLI at {cli}: run dotnet build -c Release first"); return 2; }
        var astronaut = FieldImage.Load(Path.Combine(root, "bench/data/astronaut.png"), channels: 3);
        string work = options.GetValueOrDefault("keep", Path.Combine(Path.GetTempPath(), "neurallab-tiles-bench-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(work);
        Console.WriteLine($"# {processes} processes × {threads} libtorch thread(s), " +
                          $"field: {(field.Count > 0 ? string.Join(' ', field) : "fit's default (SIREN 3×256)")}, tile {tile}, overlap {overlap}, {steps} steps per tile");
        // PSNR columns: the merge's whole-image PSNR; the tiles' own MSEs weighted by the pixels each owns after the blend, and by
        // their own pixels (TileErrorSummary: the merged PSNR is comparable with these); the plain mean of the tiles' PSNRs,
        // which by Jensen's inequality overstates the image's PSNR and must not be compared with the merge.
        Console.WriteLine("| image | tiles | wall s (fit) | per-tile s | tile-seconds | merge s | merged PSNR dB | tiles' blend-weighted-MSE PSNR | tiles' pixel-weighted-MSE PSNR | tiles' mean PSNR (not comparable) | peak RSS per process MB | parameters |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var predictions = new List<(int Size, int Tiles, double PerTile, double Startup, double Merge)>();
        try
        {
            foreach (int size in sizes)
            {
                string image = Path.Combine(work, $"astronaut-{size}.png");
                var mosaic = Mosaic(astronaut, size);
                using (var values = mosaic.ToTensor()) FieldFigures.SaveImage(values, size, size, image);
                string output = Path.Combine(work, $"run-{size}");
                var clock = Stopwatch.StartNew();
                var shards = Enumerable.Range(0, processes).Select(i => Start(cli, threads, ["tiles", "fit", image, "--tile", $"{tile}", "--overlap", $"{overlap}",
                    "--steps", $"{steps}", .. field, "--shard", $"{i}/{processes}", "--out", output, "--json"])).ToList();
                var results = shards.Select(Finish).ToList();
                double wall = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var merge = Finish(Start(cli, threads, "tiles", "merge", output, "--out", Path.Combine(work, $"merged-{size}.png"), "--json"));
                double mergeSeconds = clock.Elapsed.TotalSeconds;
                int tiles = merge.GetProperty("tiles").GetInt32();
                double tileSeconds = results.Sum(FitSeconds);
                double perTile = tileSeconds / tiles;
                // What is not fitting: process start-up, decoding the image, writing tiles; per process, at the same time.
                double startup = Math.Max(0, wall - results.Max(FitSeconds));
                string peaks = string.Join(", ", results.Select(r => (r.GetProperty("peak_memory_bytes").GetInt64() / 1e6).ToString("F0", CultureInfo.InvariantCulture)));
                Console.WriteLine($"| {size}² | {tiles} | {wall:F1} | {perTile:F2} | {tileSeconds:F0} | {mergeSeconds:F1} | {merge.GetProperty("psnr").GetDouble():F2} | " +
                                  $"{merge.GetProperty("tile_psnr_blend_weighted").GetDouble():F2} | {merge.GetProperty("tile_psnr_pixel_weighted").GetDouble():F2} | " +
                                  $"{merge.GetProperty("tile_psnr_mean").GetDouble():F2} | {peaks} | {merge.GetProperty("parameters").GetInt64():N0} |");
                predictions.Add((size, tiles, perTile, startup, mergeSeconds));
            }
        }
        finally
        {
            if (!options.ContainsKey("keep")) Directory.Delete(work, recursive: true);
        }
        Console.WriteLine();
        Console.WriteLine("Predicted wall time on N machines, one shard each fitting ⌈tiles/N⌉ tiles in turn (start-up + ⌈tiles/N⌉ · per-tile s + merge):");
        Console.WriteLine("| image | N = 1 | N = 4 | N = 16 | N = 64 | N = tiles |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (size, tiles, perTile, startup, merge) in predictions)
        {
            string At(int n) => $"{startup + Math.Ceiling((double)tiles / n) * perTile + merge:F0} s";
            Console.WriteLine($"| {size}² | {At(1)} | {At(4)} | {At(16)} | {At(64)} | {At(tiles)} |");
        }
        return 0;
    }

    /// <summary>Seconds a shard spent fitting tiles (a shard may own none: a 256² image is one tile).</summary>
    static double FitSeconds(JsonElement shard) =>
        shard.GetProperty("seconds_per_tile") is { ValueKind: JsonValueKind.Number } perTile ? perTile.GetDouble() * shard.GetProperty("fitted").GetArrayLength() : 0;

    /// <summary>The image repeated over <paramref name="size"/>², every other copy mirrored, so neighbouring copies meet at equal pixels.</summary>
    static FieldImage Mosaic(FieldImage source, int size)
    {
        int c = source.Channels;
        var pixels = new float[size * size * c];
        static int Mirror(int i, int n) => (i / n) % 2 == 0 ? i % n : n - 1 - i % n;
        for (int r = 0; r < size; r++)
        {
            int sr = Mirror(r, source.Height);
            for (int col = 0; col < size; col++)
                Array.Copy(source.Pixels, (sr * source.Width + Mirror(col, source.Width)) * c, pixels, (r * size + col) * c, c);
        }
        return new FieldImage(size, size, c, pixels);
    }

    static Process Start(string cli, string threads, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(cli);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add(threads);
        foreach (string key in new[] { TileShard.SlurmTaskId, TileShard.SlurmTaskCount, TileShard.KubernetesIndex }) start.Environment.Remove(key);
        return Process.Start(start)!;
    }

    static JsonElement Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"neurallab exited {process.ExitCode}: {stderr.Result}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }
}

