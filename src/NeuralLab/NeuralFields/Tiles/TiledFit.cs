using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Tiles;

/// <summary>How the image was read, so that <c>tiles merge</c> can read it again for the PSNR; a null <see cref="Path"/> is the embedded cameraman.</summary>
public sealed record TileSource(string? Path, int? Size, int? Channels, long MaxPixels, bool Upsample);

/// <summary>
/// DIR/layout.json: everything every shard must agree on — the image, the layout and the fit — written once by the
/// first shard and checked by every later one (a shard with other arguments would fit tiles that do not blend).
/// </summary>
public sealed record TileRun
{
    /// <summary>layout.json's format tag, its file name in DIR, and the folder of the tiles' checkpoints
    /// (DIR/tiles/&lt;index&gt;).</summary>
    public const string FormatTag = "neurallab-tiles", LayoutFile = "layout.json", TilesFolder = "tiles";
    internal const int CurrentVersion = 1;

    /// <summary>Format tag; a layout.json with another tag is refused.</summary>
    public string Format { get; init; } = FormatTag;
    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>The image's name (its file name, or the cameraman's).</summary>
    public required string Image { get; init; }
    /// <summary>How <c>tiles merge</c> reads the image again for its PSNR; null when the caller gave none (no PSNR then).</summary>
    public TileSource? Source { get; init; }
    /// <summary>Rows of the whole image.</summary>
    public required int Height { get; init; }
    /// <summary>Columns of the whole image.</summary>
    public required int Width { get; init; }
    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public required int Channels { get; init; }
    /// <summary>Side of a tile in pixels (edge tiles are cropped).</summary>
    public required int Tile { get; init; }
    /// <summary>Pixels shared by neighbouring tiles, where their fields are blended.</summary>
    public required int Overlap { get; init; }
    /// <summary>Tiles down the image.</summary>
    public required int Rows { get; init; }
    /// <summary>Tiles across the image.</summary>
    public required int Columns { get; init; }
    /// <summary>Rows · Columns.</summary>
    public required int Tiles { get; init; }
    /// <summary>The run's seed; tile i's fit uses <see cref="TileLayout.TileSeed"/>(seed, i).</summary>
    public required int Seed { get; init; }
    /// <summary>The fit of every tile, with the run's seed (each tile's checkpoint holds its own).</summary>
    public required FitConfig Fit { get; init; }

    /// <summary>The tile geometry of this run.</summary>
    public TileLayout Layout => new(Height, Width, Tile, Overlap);

    /// <summary>DIR/tiles/&lt;index&gt;: where tile <paramref name="index"/>'s checkpoint goes.</summary>
    public static string TileDirectory(string root, int index) => System.IO.Path.Combine(root, TilesFolder, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Reads DIR/layout.json; anything that is not one of ours is a <see cref="BadInputException"/>.</summary>
    public static TileRun Load(string root)
    {
        string path = System.IO.Path.Combine(root, LayoutFile);
        if (!Directory.Exists(root)) throw new BadInputException($"tiles directory '{root}' does not exist");
        if (!File.Exists(path)) throw new BadInputException($"'{root}' has no {LayoutFile}: not the output of neurallab tiles fit");
        TileRun? run;
        try
        {
            run = Json.Deserialize<TileRun>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new BadInputException($"'{path}' is not a NeuralLab tiles layout (unreadable JSON: {e.Message})", e);
        }
        if (run is null || run.Format != FormatTag) throw new BadInputException($"'{path}' is not a NeuralLab tiles layout (format tag missing)");
        if (run.Version != CurrentVersion) throw new BadInputException($"'{path}' has version {run.Version}; this NeuralLab reads version {CurrentVersion}");
        try
        {
            run.Layout.Validate();
        }
        catch (ArgumentException e)
        {
            throw BadInputException.InFile($"'{path}'", e);
        }
        if (run.Layout.Count != run.Tiles) throw new BadInputException($"'{path}' says {run.Tiles} tiles but its layout has {run.Layout.Count}");
        return run;
    }
}

/// <summary>
/// DIR/tiles/&lt;index&gt;/metrics.json: the tile's bounds, then how its fit went. The fit's keys are ordered after the
/// bounds' (System.Text.Json writes a base's properties last unless told), so the file reads as it always has.
/// </summary>
internal sealed record TileMetrics : TileBounds
{
    /// <summary>The metrics of <paramref name="tile"/>'s fit, its bounds copied.</summary>
    public TileMetrics(TileBounds tile) : base(tile) { }

    [JsonPropertyOrder(1)] public required int Seed { get; init; }
    [JsonPropertyOrder(1)] public required double Psnr { get; init; }
    [JsonPropertyOrder(1)] public required long Steps { get; init; }
    [JsonPropertyOrder(1)] public required double Seconds { get; init; }
    [JsonPropertyOrder(1)] public required string StoppedBecause { get; init; }
    [JsonPropertyOrder(1)] public required long Parameters { get; init; }
    /// <summary>The shard that fitted it ("1/4"): for the record only, the tile does not depend on it.</summary>
    [JsonPropertyOrder(1)] public required string Shard { get; init; }
}

/// <summary>
/// What one shard of a tiles run did, over one image (<see cref="TileShardResult"/>) or a folder (<see cref="TileFolderResult"/>):
/// where, which shard, its peak memory and whether it was cancelled. tiles fit --json is a format scripts read, so these
/// keys keep their places (System.Text.Json writes a base's properties after the derived ones unless ordered): the shard
/// first, memory and cancellation last.
/// </summary>
public abstract record TileRunResult
{
    /// <summary>The run's output directory, absolute.</summary>
    [JsonPropertyOrder(-1)] public required string Directory { get; init; }
    /// <summary>The shard, "I/N" (<see cref="TileShard.ToString"/>).</summary>
    [JsonPropertyOrder(-1)] public required string Shard { get; init; }
    /// <summary>Where the shard came from (<see cref="TileShard.Source"/>).</summary>
    [JsonPropertyOrder(-1)] public required string ShardSource { get; init; }
    /// <summary>The process's peak resident memory at the end of the shard, in bytes.</summary>
    [JsonPropertyOrder(1)] public required long PeakMemoryBytes { get; init; }
    /// <summary>Whether the shard stopped early on cancellation (the tiles it finished stay).</summary>
    [JsonPropertyOrder(1)] public required bool Cancelled { get; init; }
}

/// <summary>What one shard did over one image.</summary>
public sealed record TileShardResult : TileRunResult
{
    /// <summary>Tiles of the whole image.</summary>
    public required int Tiles { get; init; }
    /// <summary>Indices of the tiles this shard owns.</summary>
    public required IReadOnlyList<int> Owned { get; init; }
    /// <summary>Owned tiles fitted in this run.</summary>
    public required IReadOnlyList<int> Fitted { get; init; }
    /// <summary>Owned tiles found finished from an earlier run and not fitted again.</summary>
    public required IReadOnlyList<int> Skipped { get; init; }
    /// <summary>Wall time of this shard in seconds.</summary>
    public required double Seconds { get; init; }
    /// <summary>Mean seconds of one tile's fit in this shard (null when it fitted none).</summary>
    public double? SecondsPerTile { get; init; }
    /// <summary>Mean of the fitted tiles' PSNRs (dB); null when none was fitted.</summary>
    public double? MeanTilePsnr { get; init; }
    /// <summary>The PSNR of each tile fitted, by index.</summary>
    public required IReadOnlyDictionary<int, double> TilePsnrs { get; init; }
    /// <summary>The PSNR of the fitted tiles' MSEs weighted by their pixels (<see cref="TileErrorSummary"/>: the mean of PSNRs overstates it).</summary>
    public double? PixelWeightedTilePsnr { get; init; }
    /// <summary>How the image was read: "rows" (only the bands of the tiles fitted) or "whole" (<see cref="FieldImageRows"/>).</summary>
    public required string Decoding { get; init; }
}

/// <summary>
/// Fits one shard's tiles (<c>neurallab tiles fit</c>): one independent field per tile through
/// <see cref="FieldTrainer.Fit(FieldImage, FitConfig, IProgress{ProgressReport}?, CancellationToken)"/>, each seeded from
/// (seed, tile index) only. Each tile is written into a hidden folder and renamed to DIR/tiles/&lt;index&gt; when
/// complete — one rename, atomic on a POSIX file system — so a tile is finished exactly when its folder exists, a
/// killed shard leaves at most a hidden partial folder, and a re-run skips what is finished and fits the rest.
/// </summary>
public static class TiledFit
{
    internal static readonly string[] TileFiles = [FieldCheckpoint.ConfigFile, FieldCheckpoint.WeightsFile, "metrics.json"];

    /// <summary>The layout.json of fitting <paramref name="image"/> with <paramref name="config"/> in tiles of <paramref name="layout"/>.</summary>
    public static TileRun Describe(FieldImageRows image, string imageName, TileSource? source, TileLayout layout, FitConfig config) => new()
    {
        Image = imageName,
        Source = source,
        Height = image.Height,
        Width = image.Width,
        Channels = image.Channels,
        Tile = layout.TileSize,
        Overlap = layout.Overlap,
        Rows = layout.Rows,
        Columns = layout.Columns,
        Tiles = layout.Count,
        Seed = config.Seed,
        Fit = config,
    };

    internal static bool IsFinished(string root, int index) => File.Exists(Path.Combine(TileRun.TileDirectory(root, index), TileFiles[^1]));

    /// <summary>
    /// Fits the tiles of <paramref name="run"/> that <paramref name="shard"/> owns and that are not finished in
    /// <paramref name="root"/>. Writes layout.json if absent (atomically; every shard writes the same bytes) and refuses a
    /// directory whose layout.json differs from <paramref name="run"/>'s. The tiles are fitted in index order (row-major), so
    /// <paramref name="image"/> is read band after band, top to bottom (<see cref="FieldImageRows"/>). <paramref name="firstTile"/>
    /// is the number of this image's tile 0 among all the tiles the shards split (<see cref="TiledFolder"/>): the shard owns
    /// tile i when it owns number firstTile + i.
    /// </summary>
    public static TileShardResult Run(FieldImageRows image, TileRun run, string root, TileShard shard,
        IProgress<ProgressReport>? progress = null, ResourceBudget? budget = null, int firstTile = 0, CancellationToken cancel = default)
    {
        var layout = run.Layout;
        layout.Validate();
        run.Fit.Validate();
        if (image.Height != run.Height || image.Width != run.Width || image.Channels != run.Channels)
            throw new ArgumentException("the image does not match the run's layout");
        if (run.Fit.Supervision != Supervision.FieldSupervision.Value)
            throw new BadInputException("tiles fit supervises values only: a field fitted from derivatives is free up to a constant, a different one in every tile, and the tiles would not blend");
        (budget ?? ResourceBudget.Default).Check(FieldBudget.Fit(run.Fit, Math.Min(layout.TileSize, image.Height), Math.Min(layout.TileSize, image.Width)));
        bool created = !Directory.Exists(root) && !File.Exists(root);
        WriteLayout(root, run);
        try
        {
            return FitOwned(image, run, root, shard, firstTile, progress, cancel);
        }
        catch when (created)
        {
            // As OutputDirectory: a run that fails (a diverged fit, say) leaves nothing in a directory it created, unless
            // some shard has committed a tile there meanwhile.
            RemoveIfNoTiles(root);
            throw;
        }
    }

    static void RemoveIfNoTiles(string root)
    {
        try
        {
            string tiles = Path.Combine(root, TileRun.TilesFolder);
            if (Directory.Exists(tiles) && Directory.EnumerateFileSystemEntries(tiles).Any()) return;
            if (Directory.EnumerateFileSystemEntries(root).Any(e => Path.GetFileName(e) is not (TileRun.LayoutFile or TileRun.TilesFolder))) return;
            Directory.Delete(root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    static TileShardResult FitOwned(FieldImageRows image, TileRun run, string root, TileShard shard, int firstTile, IProgress<ProgressReport>? progress, CancellationToken cancel)
    {
        var layout = run.Layout;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var owned = layout.Tiles.Where(t => shard.Owns(firstTile + t.Index)).ToList();
        var fitted = new List<int>();
        var skipped = new List<int>();
        var psnrs = new SortedDictionary<int, double>();
        double pixels = 0, pixelErrors = 0;
        double fitSeconds = 0;
        bool cancelled = false;
        foreach (var tile in owned)
        {
            if (IsFinished(root, tile.Index)) { skipped.Add(tile.Index); continue; }
            if (cancel.IsCancellationRequested) { cancelled = true; break; }
            RemovePartials(root, tile.Index);
            int done = fitted.Count + skipped.Count;
            var tileProgress = progress is null ? null : new Progress(progress, $"tile {tile.Index} ({done + 1}/{owned.Count} of shard {shard})");
            var metrics = FitTile(image, run, root, tile, shard, tileProgress, cancel);
            if (metrics is null) { cancelled = true; break; }
            fitted.Add(tile.Index);
            psnrs[tile.Index] = metrics.Psnr;
            pixels += (double)tile.Height * tile.Width;
            pixelErrors += tile.Height * tile.Width * TileErrorSummary.Mse(metrics.Psnr);
            fitSeconds += metrics.Seconds;
        }
        return new TileShardResult
        {
            Directory = Path.GetFullPath(root),
            Shard = shard.ToString(),
            ShardSource = shard.Source,
            Tiles = layout.Count,
            Owned = owned.Select(t => t.Index).ToList(),
            Fitted = fitted,
            Skipped = skipped,
            Seconds = clock.Elapsed.TotalSeconds,
            SecondsPerTile = fitted.Count > 0 ? fitSeconds / fitted.Count : null,
            MeanTilePsnr = psnrs.Count > 0 ? psnrs.Values.Average() : null,
            TilePsnrs = psnrs,
            PixelWeightedTilePsnr = psnrs.Count > 0 ? FieldTrainer.Psnr(pixelErrors / pixels) : null,
            Decoding = image.Decoding,
            PeakMemoryBytes = ProcessMemory.PeakRssBytes(),
            Cancelled = cancelled,
        };
    }

    /// <summary>Fits one tile and commits its folder; null when the fit was cancelled (nothing is written).</summary>
    static TileMetrics? FitTile(FieldImageRows image, TileRun run, string root, TileBounds tile, TileShard shard,
        IProgress<ProgressReport>? progress, CancellationToken cancel)
    {
        var crop = image.Band(tile.Top, tile.Height).Crop(0, tile.Left, tile.Height, tile.Width);
        var config = run.Fit with { Seed = TileLayout.TileSeed(run.Seed, tile.Index) };
        using var fit = FieldTrainer.Fit(crop, config, progress, cancel);
        if (fit.StoppedBecause == StopReason.Cancelled) return null;
        var metrics = new TileMetrics(tile)
        {
            Seed = config.Seed, Psnr = fit.Psnr, Steps = fit.Steps, Seconds = fit.Seconds, StoppedBecause = fit.StopName,
            Parameters = fit.Model.parameters().Sum(p => p.numel()), Shard = shard.ToString(),
        };
        string final = TileRun.TileDirectory(root, tile.Index);
        string partial = Path.Combine(root, TileRun.TilesFolder, $".{tile.Index}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial");
        try
        {
            using (var output = OutputDirectory.Open(partial))
            {
                new FieldCheckpoint
                {
                    Architecture = config.Architecture, Fit = config, ImageHeight = tile.Height, ImageWidth = tile.Width, Steps = fit.Steps, Psnr = fit.Psnr,
                }.Save(output, fit.Model);
                output.WriteAllText("metrics.json", Json.Serialize(metrics)); // last: IsFinished reads it
                output.Commit();
            }
            try
            {
                Directory.Move(partial, final);
            }
            catch (IOException) when (IsFinished(root, tile.Index))
            {
                // Another run of the same shard finished this tile first; both are the same fit, keep theirs.
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BadInputException($"cannot write tile {tile.Index} under '{root}': {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        }
        return metrics;
    }

    /// <summary>Writes <paramref name="run"/> as DIR/layout.json unless it is there; refuses a different one.</summary>
    static void WriteLayout(string root, TileRun run) =>
        WriteOnce(root, TileRun.LayoutFile, Json.Serialize(run),
            $"'{root}' holds tiles of another run (its {TileRun.LayoutFile} differs: image, layout, seed or fit options); use the same arguments or a fresh --out",
            TileRun.TilesFolder);

    /// <summary>
    /// Writes <paramref name="text"/> as DIR/<paramref name="file"/> (atomically, with DIR/<paramref name="folder"/>/) unless the file is there;
    /// refuses (<paramref name="differs"/>) a file with other bytes. Every shard writes the same bytes, so a race between
    /// two first shards is harmless.
    /// </summary>
    internal static void WriteOnce(string root, string file, string text, string differs, string folder = "")
    {
        string path = Path.Combine(root, file);
        if (File.Exists(path))
        {
            if (File.ReadAllText(path) != text) throw new BadInputException(differs);
            return;
        }
        try
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BadInputException($"cannot write to output directory '{root}': {e.Message}", e);
        }
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>Hidden folders of <paramref name="index"/> left by a killed run of this shard (only this shard fits this tile).</summary>
    static void RemovePartials(string root, int index)
    {
        string folder = Path.Combine(root, TileRun.TilesFolder);
        if (!Directory.Exists(folder)) return;
        foreach (string partial in Directory.EnumerateDirectories(folder, $".{index}.*.partial"))
        {
            try { Directory.Delete(partial, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Names a tile's fit in its progress reports.</summary>
    sealed class Progress(IProgress<ProgressReport> inner, string task) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => inner.Report(value with { Task = $"{task} {value.Task}" });
    }
}
