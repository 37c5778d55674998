using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Tiles;

/// <summary>One image of a folder: its file name, its shape as fitted (after --size), its tiles and the global index of its first tile.</summary>
public sealed record TileFolderImage(string File, int Height, int Width, int Tiles, int FirstTile);

/// <summary>A file of the folder that is not a readable image, and why (from its header: not an image, another format, empty, over the pixel budget).</summary>
public sealed record TileFolderSkip(string File, string Reason);

/// <summary>How every image of the folder is read (the options of <see cref="FieldImage.Load"/>) and tiled.</summary>
public sealed record TileFolderOptions(int Tile, int Overlap, int? Size, int? Channels, long MaxPixels, bool Upsample);

/// <summary>
/// DIR/folder.json: the images of a folder and their tiles, numbered one after another (image by image, row-major inside each),
/// so that the shards split the folder's tiles round robin however the images' sizes vary. Written once by the first shard
/// and compared byte for byte by every later one, as layout.json: a folder that changed between two shards' starts would
/// number its tiles differently.
/// </summary>
public sealed record TileFolder
{
    /// <summary>folder.json's format tag, its file name in DIR, and the folder of the images' own tile runs
    /// (DIR/images/&lt;file&gt;).</summary>
    public const string FormatTag = "neurallab-tiles-folder", ManifestFile = "folder.json", ImagesFolder = "images";
    internal const int CurrentVersion = 1;

    /// <summary>What a folder's image files end with (case-insensitively); other files are not images and are left alone.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp"];

    /// <summary>Format tag; a folder.json with another tag is refused.</summary>
    public string Format { get; init; } = FormatTag;
    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>The folder of images (absolute path).</summary>
    public required string Folder { get; init; }
    /// <summary>Tile, overlap and reading options, the same for every image.</summary>
    public required TileFolderOptions Options { get; init; }
    /// <summary>The readable images in ordinal order of file name, each with the number of its first tile.</summary>
    public required IReadOnlyList<TileFolderImage> Images { get; init; }
    /// <summary>Files with an image extension whose header cannot be read, and why.</summary>
    public required IReadOnlyList<TileFolderSkip> Unreadable { get; init; }
    /// <summary>Tiles of all the images together.</summary>
    public required int Tiles { get; init; }

    /// <summary>DIR/images/&lt;file name&gt;: the image's own tiles run (layout.json, tiles/), which <c>tiles merge</c> reads.</summary>
    public static string ImageDirectory(string root, string file) => Path.Combine(root, ImagesFolder, file);

    /// <summary>
    /// The images of <paramref name="folder"/> (its files with an image extension, not hidden, not in subfolders, in ordinal
    /// order of their names), each image's shape read from its header only. A file whose header cannot be read is listed
    /// in <see cref="Unreadable"/> with the reason, not fitted; every shard reaches the same verdict, so the numbering agrees.
    /// </summary>
    public static TileFolder Plan(string folder, TileFolderOptions options)
    {
        new TileLayout(1, 1, options.Tile, options.Overlap).Validate();
        FieldImage.CheckReading(options.Channels, options.Size, options.MaxPixels);
        List<string> files;
        try
        {
            files = Directory.EnumerateFiles(folder).Select(f => Path.GetFileName(f))
                .Where(f => !f.StartsWith('.') && Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"cannot list the folder '{folder}': {e.Message}", e);
        }
        if (files.Count == 0) throw new BadInputException($"the folder '{folder}' holds no image ({string.Join(", ", Extensions)})");
        var images = new List<TileFolderImage>();
        var unreadable = new List<TileFolderSkip>();
        int next = 0;
        foreach (string file in files)
        {
            int height, width;
            try
            {
                (height, width) = FieldImage.ReadShape(Path.Combine(folder, file), options.MaxPixels);
                // As FieldImage.Load: --size shrinks (and enlarges only with --upsample), within the pixel budget.
                if (FieldImage.Resizes(height, width, options.Size, options.MaxPixels, options.Upsample))
                    (height, width) = FieldImage.ScaledShape(height, width, options.Size!.Value);
            }
            catch (BadInputException e)
            {
                unreadable.Add(new TileFolderSkip(file, e.Message));
                continue;
            }
            int tiles = new TileLayout(height, width, options.Tile, options.Overlap).Count;
            images.Add(new TileFolderImage(file, height, width, tiles, next));
            next += tiles;
        }
        return new TileFolder { Folder = Path.GetFullPath(folder), Options = options, Images = images, Unreadable = unreadable, Tiles = next };
    }

    /// <summary>Writes this manifest as DIR/folder.json unless it is there; refuses a different one.</summary>
    public void WriteOnce(string root) =>
        TiledFit.WriteOnce(root, ManifestFile, Json.Serialize(this),
            $"'{root}' holds tiles of another folder run (its {ManifestFile} differs: the folder's images, tile, overlap or reading options); use the same arguments and folder, or a fresh --out");
}

/// <summary>One image of a folder as one shard saw it.</summary>
public sealed record TileFolderImageResult
{
    /// <summary>The image's file name in the folder.</summary>
    public required string File { get; init; }
    /// <summary>Tiles of this image.</summary>
    public required int Tiles { get; init; }
    /// <summary>Indices (within the image) of its tiles fitted in this run.</summary>
    public required IReadOnlyList<int> Fitted { get; init; }
    /// <summary>Indices (within the image) of owned tiles found finished from an earlier run.</summary>
    public required IReadOnlyList<int> Skipped { get; init; }
    /// <summary>"rows", "whole", or null when every owned tile was finished and the image was not opened.</summary>
    public string? Decoding { get; init; }
}

/// <summary>What one shard did over a folder.</summary>
public sealed record TileFolderResult : TileRunResult
{
    /// <summary>Readable images in the folder.</summary>
    public required int Images { get; init; }
    /// <summary>Tiles of all the images.</summary>
    public required int Tiles { get; init; }
    /// <summary>The images with tiles this shard owns.</summary>
    public required IReadOnlyList<TileFolderImageResult> Owned { get; init; }
    /// <summary>Tiles fitted in this run.</summary>
    public required int FittedTiles { get; init; }
    /// <summary>Owned tiles found finished from an earlier run.</summary>
    public required int SkippedTiles { get; init; }
    /// <summary>Files whose header cannot be read (the same list in every shard).</summary>
    public required IReadOnlyList<TileFolderSkip> Unreadable { get; init; }
    /// <summary>Images of this shard whose pixels could not be decoded; their tiles fitted before the fault stay.</summary>
    public required IReadOnlyList<TileFolderSkip> Failed { get; init; }
    /// <summary>Wall time of this shard in seconds.</summary>
    public required double Seconds { get; init; }
    /// <summary>Mean seconds of one tile's fit in this shard (null when it fitted none).</summary>
    public double? SecondsPerTile { get; init; }
    /// <summary>The PSNR of the fitted tiles' MSEs weighted by their pixels (null when none was fitted).</summary>
    public double? PixelWeightedTilePsnr { get; init; }
}

/// <summary>
/// <c>tiles fit FOLDER</c>: every image of a folder fitted in tiles, each image exactly as <c>tiles fit IMAGE</c> would fit it
/// (same layout, same seeds, into DIR/images/&lt;file&gt;), the shards splitting the tiles of all the images round robin by
/// their numbers in <see cref="TileFolder"/>. With --tile at least the images' longer side, each image is one tile: one
/// field per image.
/// </summary>
public static class TiledFolder
{
    /// <summary>
    /// Fits the tiles of <paramref name="folder"/> that <paramref name="shard"/> owns and that are not finished under
    /// <paramref name="root"/>; an image whose owned tiles are all finished is not opened. <paramref name="configFor"/> gives
    /// the fit of an image from its channels and the longer side of its tiles. A file whose pixels cannot be decoded is
    /// reported in <see cref="TileFolderResult.Failed"/> and the shard goes on with the next image.
    /// </summary>
    public static TileFolderResult Run(TileFolder folder, string root, TileShard shard, Func<int, int, FitConfig> configFor,
        IProgress<ProgressReport>? progress = null, ResourceBudget? budget = null, CancellationToken cancel = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        folder.WriteOnce(root);
        var options = folder.Options;
        var owned = new List<TileFolderImageResult>();
        var failed = new List<TileFolderSkip>();
        double fitSeconds = 0, pixels = 0, pixelErrors = 0;
        int fittedTiles = 0, skippedTiles = 0;
        bool cancelled = false;
        foreach (var entry in folder.Images)
        {
            var layout = new TileLayout(entry.Height, entry.Width, options.Tile, options.Overlap);
            string imageRoot = TileFolder.ImageDirectory(root, entry.File);
            var mine = layout.Tiles.Where(t => shard.Owns(entry.FirstTile + t.Index)).Select(t => t.Index).ToList();
            if (mine.Count == 0) continue;
            if (mine.All(i => TiledFit.IsFinished(imageRoot, i)))
            {
                owned.Add(new TileFolderImageResult { File = entry.File, Tiles = entry.Tiles, Fitted = [], Skipped = mine });
                skippedTiles += mine.Count;
                continue;
            }
            if (cancel.IsCancellationRequested) { cancelled = true; break; }
            string path = Path.Combine(folder.Folder, entry.File);
            try
            {
                using var image = FieldImageRows.Open(path, options.Channels, options.Size, options.MaxPixels, options.Upsample);
                if (image.Height != entry.Height || image.Width != entry.Width)
                    throw new BadInputException($"'{path}' is {image.Width}×{image.Height} now, {entry.Width}×{entry.Height} in {TileFolder.ManifestFile}: the folder changed during the run");
                var config = configFor(image.Channels, Math.Min(options.Tile, Math.Max(image.Height, image.Width)));
                var source = new TileSource(path, options.Size, options.Channels, options.MaxPixels, options.Upsample);
                var run = TiledFit.Describe(image, path, source, layout, config);
                var result = TiledFit.Run(image, run, imageRoot, shard, progress, budget, entry.FirstTile, cancel);
                owned.Add(new TileFolderImageResult { File = entry.File, Tiles = entry.Tiles, Fitted = result.Fitted, Skipped = result.Skipped, Decoding = result.Decoding });
                fittedTiles += result.Fitted.Count;
                skippedTiles += result.Skipped.Count;
                foreach (int i in result.Fitted)
                {
                    var t = layout.Tiles[i];
                    double n = (double)t.Height * t.Width;
                    pixels += n;
                    pixelErrors += n * TileErrorSummary.Mse(result.TilePsnrs[i]);
                }
                fitSeconds += (result.SecondsPerTile ?? 0) * result.Fitted.Count;
                if (result.Cancelled) { cancelled = true; break; }
            }
            catch (Exception e) when (FieldImage.IsCorrupt(e))
            {
                failed.Add(new TileFolderSkip(entry.File, e.Message));
            }
        }
        return new TileFolderResult
        {
            Directory = Path.GetFullPath(root),
            Shard = shard.ToString(),
            ShardSource = shard.Source,
            Images = folder.Images.Count,
            Tiles = folder.Tiles,
            Owned = owned,
            FittedTiles = fittedTiles,
            SkippedTiles = skippedTiles,
            Unreadable = folder.Unreadable,
            Failed = failed,
            Seconds = clock.Elapsed.TotalSeconds,
            SecondsPerTile = fittedTiles > 0 ? fitSeconds / fittedTiles : null,
            PixelWeightedTilePsnr = fittedTiles > 0 ? FieldTrainer.Psnr(pixelErrors / pixels) : null,
            PeakMemoryBytes = ProcessMemory.PeakRssBytes(),
            Cancelled = cancelled,
        };
    }
}
