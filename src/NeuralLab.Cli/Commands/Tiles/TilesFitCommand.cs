using System.CommandLine;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;

namespace NeuralLab.Cli.Commands.Tiles;

/// <summary><c>neurallab tiles fit IMAGE --out DIR</c>: one shard's tiles.</summary>
static class TilesFitCommand
{
    public const int DefaultTile = 256, DefaultOverlap = 16, QuickSize = 64, QuickTile = 32, QuickOverlap = 8;

    public static Command Create()
    {
        var image = new Argument<string?>("IMAGE") { Description = "PNG, JPEG or WebP to fit in tiles; default: the embedded cameraman.", Arity = ArgumentArity.ZeroOrOne };
        var tile = new Option<int?>("--tile") { Description = $"Tile side in pixels (default {DefaultTile}; --quick {QuickTile}); edge tiles are cropped at the image's border." };
        var overlap = new Option<int?>("--overlap") { Description = $"Pixels neighbouring tiles share, where the merge blends them (default {DefaultOverlap}; --quick {QuickOverlap}; at least {TileLayout.MinimumOverlap}, at most half a tile)." };
        var shard = new Option<string?>("--shard") { Description = "I/N: fit only the tiles whose index is I modulo N (default: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shards; else every tile)." };
        var shards = new Option<int?>("--shards") { Description = "N, the number of shards, for a Kubernetes Indexed Job (its index comes from JOB_COMPLETION_INDEX)." };
        var field = new FitOptions();
        field.Size.Description = $"Shrink the image first so that its longer side has at most N pixels (default: its own size; --quick {QuickSize}).";
        var common = new CommonOptions();
        common.Out.Description = "The run's directory (required): layout.json and tiles/<index>/ (model.json, model.bin, metrics.json); shared by every shard.";
        var command = new Command("fit",
            "Fit one field per overlapping tile of an image, any field fit supports with the same options; each tile's seed comes from --seed and the " +
            "tile's index only, so any split into shards gives the same tiles bit for bit. Finished tiles are skipped: a killed shard, run again, resumes.\n" +
            "Examples:\n  neurallab tiles fit scan.png --tile 256 --overlap 16 --out runs/scan --shard 0/4\n" +
            "  sbatch --array=0-15 (SLURM_ARRAY_TASK_ID picks the shard; see docs/scale.md)")
        {
            image, tile, overlap, shard, shards,
        };
        field.AddTo(command);
        common.AddTo(command);
        command.SetAction(parsed =>
        {
            var c = common.Read(parsed);
            var stdout = parsed.InvocationConfiguration.Output;
            var stderr = parsed.InvocationConfiguration.Error;
            if (c.Out is null) throw new BadInputException("tiles fit needs --out DIR: the directory every shard writes its tiles to");
            var selected = TileShard.Select(parsed.GetValue(shard), parsed.GetValue(shards), Environment.GetEnvironmentVariable);
            string? path = parsed.GetValue(image);
            var basis = field.Basis(parsed, field.Kind(parsed));
            var config = field.Config(parsed, c, basis);
            var target = field.LoadImage(parsed, path, c.Quick ? QuickSize : null, stderr);
            var layout = new TileLayout(target.Height, target.Width, parsed.GetValue(tile) ?? (c.Quick ? QuickTile : DefaultTile),
                parsed.GetValue(overlap) ?? (c.Quick ? QuickOverlap : DefaultOverlap));
            layout.Validate();
            config = field.ForImage(parsed, config, target.Channels, Math.Min(layout.TileSize, Math.Max(target.Width, target.Height)));
            var source = new TileSource(path is null ? null : Path.GetFullPath(path), parsed.GetValue(field.Size) ?? (c.Quick ? QuickSize : null),
                parsed.GetValue(field.Channels), parsed.GetValue(field.MaxPixels), parsed.GetValue(field.Upsample));
            var run = TiledFit.Describe(target, path ?? FieldImage.DefaultName, source, layout, config);
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                var result = ConsoleProgress.Run(stderr, progress => TiledFit.Run(target, run, c.Out, selected, progress, cancel.Token, c.Budget));
                if (c.Json) c.EmitJson(stdout, result);
                else
                {
                    stdout.WriteLine($"shard {result.Shard} ({result.ShardSource}) of {result.Tiles} tiles ({layout.Rows}×{layout.Columns} of {layout.TileSize} px, overlap {layout.Overlap}) " +
                                     $"on {run.Image} ({target.Width}×{target.Height}): fitted {result.Fitted.Count}, skipped {result.Skipped.Count} already finished, in {result.Seconds:F1} s" +
                                     (result.SecondsPerTile is double s ? $" ({s:F1} s per tile, mean {result.MeanTilePsnr:F2} dB)" : "") +
                                     (result.Cancelled ? "; cancelled: run it again to resume" : ""));
                    stdout.WriteLine($"wrote {TileRun.LayoutFile} and {TileRun.TilesFolder}/<index>/ to {result.Directory}");
                }
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            return 0;
        });
        return command;
    }
}
