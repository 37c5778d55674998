using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;

namespace NeuralLab.Cli.Commands.Tiles;

/// <summary><c>neurallab tiles fit IMAGE --out DIR</c>: one shard's tiles.</summary>
public sealed class TilesFitCommand() : NeuralLabCommand("fit", """
    Fit one field per overlapping tile of an image, any field fit supports with the same options; each tile's seed
    comes from --seed and the tile's index only, so any split into shards gives the same tiles bit for bit.
    Finished tiles are skipped: a killed shard, run again, resumes. Given a folder, fits every image in it
    (PNG, JPEG, WebP; each into DIR/images/<file>/ as if given alone), the shards splitting all the images' tiles;
    a file that cannot be read is reported and skipped. A tile at least as large as the images: one field each.

    Examples:
      neurallab tiles fit scan.png --tile 256 --overlap 16 --out runs/scan --shard 0/4
      neurallab tiles fit photos/ --tile 512 --out runs/photos --shard 1/8
      sbatch --array=0-15 (SLURM_ARRAY_TASK_ID picks the shard; see docs/scale.md)
    """)
{
    public const int DefaultTile = 256, DefaultOverlap = 16, QuickSize = 64, QuickTile = 32, QuickOverlap = 8;

    readonly Argument<string?> _image = new("IMAGE") { Description = "PNG, JPEG or WebP to fit in tiles, or a folder of them; default: the embedded cameraman.", Arity = ArgumentArity.ZeroOrOne };
    readonly Option<int?> _tile = new("--tile") { Description = $"Tile side in pixels (default {DefaultTile}; --quick {QuickTile}); edge tiles are cropped at the image's border." };
    readonly Option<int?> _overlap = new("--overlap") { Description = $"Pixels neighbouring tiles share, where the merge blends them (default {DefaultOverlap}; --quick {QuickOverlap}; at least {TileLayout.MinimumOverlap}, at most half a tile)." };
    readonly Option<string?> _shard = new("--shard") { Description = "I/N: fit only the tiles whose index is I modulo N (default: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shards; else every tile)." };
    readonly Option<int?> _shards = new("--shards") { Description = "N, the number of shards, for a Kubernetes Indexed Job (its index comes from JOB_COMPLETION_INDEX)." };
    readonly FitOptions _field = WithTileSizeText(new FitOptions());

    protected override IEnumerable<Symbol> Symbols => [_image, _tile, _overlap, _shard, _shards, .. _field.Symbols];

    /// <summary>tiles fit keeps the image's own size unless --size is given (fit's default is 256).</summary>
    static FitOptions WithTileSizeText(FitOptions options)
    {
        options.Size.Description = $"Shrink the image first so that its longer side has at most N pixels (default: its own size; --quick {QuickSize}).";
        return options;
    }

    protected override void DescribeCommon(CommonOptions common) =>
        common.Out.Description = "The run's directory (required): layout.json and tiles/<index>/ (model.json, model.bin, metrics.json); shared by every shard.";

    /// <summary>The tile in progress stops at its next step; finished tiles stay, and a re-run resumes.</summary>
    protected override bool StopsOnCancel => true;

    protected override Outcome Execute(CommandContext c)
    {
        // Each tile is written atomically by the library (TiledFit), so --out is handed to it rather than staged here.
        if (c.Out is null) throw new BadInputException("tiles fit needs --out DIR: the directory every shard writes its tiles to");
        var selected = TileShard.Select(c.Get(_shard), c.Get(_shards), Environment.GetEnvironmentVariable);
        string? path = c.Get(_image);
        var config = _field.Config(c, _field.Basis(c, _field.Kind(c)));
        int tile = c.Get(_tile) ?? (c.Quick ? QuickTile : DefaultTile), overlap = c.Get(_overlap) ?? (c.Quick ? QuickOverlap : DefaultOverlap);
        if (path is not null && Directory.Exists(path)) return FitFolder(c, path, config, tile, overlap, selected);
        // Read by rows where the format allows (FieldImageRows): a shard holds one band of the image, not all of it.
        using var target = _field.OpenImage(c, path, c.Quick ? QuickSize : null);
        var layout = new TileLayout(target.Height, target.Width, tile, overlap);
        layout.Validate();
        config = _field.ForImage(c, config, target.Channels, Math.Min(layout.TileSize, Math.Max(target.Width, target.Height)));
        var source = new TileSource(path is null ? null : Path.GetFullPath(path), c.Get(_field.Size) ?? (c.Quick ? QuickSize : null),
            c.Get(_field.Channels), c.Get(_field.MaxPixels), c.Get(_field.Upsample));
        var run = TiledFit.Describe(target, path ?? FieldImage.DefaultName, source, layout, config);
        var result = c.Progress(progress => TiledFit.Run(target, run, c.Out, selected, progress, c.Budget, cancel: c.Cancel));
        return new Outcome(result, o =>
        {
            o.WriteLine($"shard {result.Shard} ({result.ShardSource}) of {result.Tiles} tiles ({layout.Rows}×{layout.Columns} of {layout.TileSize} px, overlap {layout.Overlap}) " +
                        $"on {run.Image} ({target.Width}×{target.Height}, decoded {(target.Decoding == "rows" ? "by rows" : "whole")}): fitted {result.Fitted.Count}, skipped {result.Skipped.Count} already finished, in {result.Seconds:F1} s" +
                        (result.SecondsPerTile is double s ? $" ({s:F1} s per tile, {result.PixelWeightedTilePsnr:F2} dB from their pixel-weighted MSE)" : "") +
                        (result.Cancelled ? "; cancelled: run it again to resume" : ""));
            o.WriteLine($"wrote {TileRun.LayoutFile} and {TileRun.TilesFolder}/<index>/ to {result.Directory}");
        });
    }

    /// <summary>tiles fit FOLDER: <see cref="TiledFolder"/>, each image with the fit of fit's options for its channels and tile size.</summary>
    Outcome FitFolder(CommandContext c, string folder, FitConfig config, int tile, int overlap, TileShard selected)
    {
        var options = new TileFolderOptions(tile, overlap, c.Get(_field.Size) ?? (c.Quick ? QuickSize : null), c.Get(_field.Channels), c.Get(_field.MaxPixels), c.Get(_field.Upsample));
        var plan = TileFolder.Plan(folder, options);
        FitConfig ConfigFor(int channels, int longerSide) => _field.ForImage(c, config, channels, longerSide);
        var result = c.Progress(progress => TiledFolder.Run(plan, c.Out!, selected, ConfigFor, progress, c.Budget, c.Cancel));
        foreach (var skip in result.Unreadable.Concat(result.Failed)) c.Note($"skipped {skip.File}: {skip.Reason}");
        return new Outcome(result, o =>
        {
            o.WriteLine($"shard {result.Shard} ({result.ShardSource}) of {result.Tiles} tiles of {result.Images} image(s) in {folder}: fitted {result.FittedTiles} tiles, " +
                        $"skipped {result.SkippedTiles} already finished, in {result.Seconds:F1} s" +
                        (result.SecondsPerTile is double s ? $" ({s:F1} s per tile, {result.PixelWeightedTilePsnr:F2} dB from their pixel-weighted MSE)" : "") +
                        (result.Unreadable.Count + result.Failed.Count > 0 ? $"; {result.Unreadable.Count + result.Failed.Count} file(s) skipped as unreadable" : "") +
                        (result.Cancelled ? "; cancelled: run it again to resume" : ""));
            o.WriteLine($"wrote {TileFolder.ManifestFile} and {TileFolder.ImagesFolder}/<file>/ to {result.Directory}");
        });
    }
}
