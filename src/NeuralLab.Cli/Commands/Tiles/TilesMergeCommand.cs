using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;

namespace NeuralLab.Cli.Commands.Tiles;

/// <summary><c>neurallab tiles merge DIR --out FILE.png</c>: the tiles blended into one field, rendered.</summary>
static class TilesMergeCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "The --out directory of tiles fit, with every tile finished." };
        var size = new Option<int?>("--size") { Description = "Longer side of the output in pixels (default: the image's, or the region's, own; --quick 64)." };
        var what = new Option<string>("--what") { Description = "field | gradient | laplacian (of the blended field, by autograd).", DefaultValueFactory = _ => "field" };
        var region = new Option<string?>("--region") { Description = "LEFT,TOP,WIDTH,HEIGHT: render only this rectangle of the image (its own pixels)." };
        var common = new CommonOptions();
        common.Out.Description = "The PNG file to write (default merged.png).";
        var command = new Command("merge",
            "Blend a tiles fit's tiles with a smooth (C²) partition of unity into one field and render it, its gradient magnitude or its Laplacian, " +
            "whole or a region, at any resolution; reports the whole-image PSNR against the image.\n" +
            "Example:\n  neurallab tiles merge runs/scan --what laplacian --region 0,0,512,512 --size 1024 --out lap.png --json")
        {
            directory, size, what, region,
        };
        common.AddTo(command);
        command.SetAction(parsed =>
        {
            var c = common.Read(parsed);
            var stdout = parsed.InvocationConfiguration.Output;
            var stderr = parsed.InvocationConfiguration.Error;
            string kind = parsed.GetValue(what)!.ToLowerInvariant();
            if (!FieldRender.Kinds.Contains(kind)) throw new BadInputException($"unknown --what '{kind}' (expected field, gradient or laplacian)");
            int? askedSize = parsed.GetValue(size);
            if (askedSize is <= 0) throw new BadInputException($"--size must be positive, not {askedSize}");
            if (askedSize is int s && (long)s * s > FieldImage.DefaultMaxPixels)
                throw new BadInputException($"--size {s} is over the budget of {FieldImage.DefaultMaxPixels:N0} pixels (4096²)");
            var asked = parsed.GetValue(region) is string r ? ParseRegion(r) : null;
            var clock = Stopwatch.StartNew();
            using var field = TiledField.Load(parsed.GetValue(directory)!);
            var area = asked ?? new PixelRegion(0, 0, field.Width, field.Height);
            field.CheckRegion(area);
            var (h, w) = field.Shape(area, askedSize ?? (c.Quick ? 64 : null));
            string outPath = c.Out ?? "merged.png";
            field.Save(area, h, w, kind, outPath, c.Budget);
            double? psnr = null;
            var source = field.Run.Source;
            if (source?.Path is string p && !File.Exists(p))
                stderr.WriteLine($"neurallab: note: the image '{p}' is not there any more; no PSNR");
            else if (source is not null)
                psnr = field.Psnr(FieldImage.Load(source.Path, source.Channels, source.Size, source.MaxPixels, source.Upsample));
            var tilePsnrs = field.Checkpoints.Select(k => k.Psnr).ToList();
            var result = new
            {
                file = Path.GetFullPath(outPath),
                what = kind,
                psnr,
                tiles = field.Run.Tiles,
                height = field.Height,
                width = field.Width,
                parameters = field.Parameters,
                render_height = h,
                render_width = w,
                region = new[] { area.Left, area.Top, area.Width, area.Height },
                tile_psnr_mean = tilePsnrs.Average(),
                tile_psnr_min = tilePsnrs.Min(),
                seconds = clock.Elapsed.TotalSeconds,
            };
            if (c.Json) c.EmitJson(stdout, result);
            else
                stdout.WriteLine($"merged {result.tiles} tiles ({result.parameters:N0} parameters) of {field.Width}×{field.Height}: PSNR {(psnr is double v ? $"{v:F2} dB" : "n/a")} " +
                                 $"(tiles {result.tile_psnr_mean:F2} dB on average); wrote {kind} at {w}×{h} to {outPath}");
            return 0;
        });
        return command;
    }

    static PixelRegion ParseRegion(string text)
    {
        var parts = text.Split(',');
        var values = new int[4];
        if (parts.Length != 4 || parts.Select((p, i) => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
            throw new BadInputException($"--region must be LEFT,TOP,WIDTH,HEIGHT in pixels, not '{text}'");
        return new PixelRegion(values[0], values[1], values[2], values[3]);
    }
}
