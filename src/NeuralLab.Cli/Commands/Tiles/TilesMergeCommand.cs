using System.Diagnostics;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;

namespace NeuralLab.Cli.Commands.Tiles;

/// <summary><c>neurallab tiles merge DIR --out FILE.png</c>: the tiles blended into one field, rendered.</summary>
public sealed class TilesMergeCommand() : NeuralLabCommand("merge", """
    Blend a tiles fit's tiles with a smooth (C²) partition of unity into one field and render it, its gradient
    magnitude or its Laplacian, whole or a region, at any resolution; reports the whole-image PSNR against the image,
    and beside it the PSNR of the tiles' own MSEs weighted by the pixels each tile owns after blending (the mean
    of the tiles' PSNRs is reported too, but by Jensen's inequality it overstates the image's PSNR).

    Example:
      neurallab tiles merge runs/scan --what laplacian --region 0,0,512,512 --size 1024 --out lap.png --json
    """)
{
    readonly Argument<string> _directory = new("DIR") { Description = "The --out directory of tiles fit, with every tile finished." };
    readonly Option<int?> _size = new("--size") { Description = "Longer side of the output in pixels (default: the image's, or the region's, own; --quick 64)." };
    readonly Option<string> _what = new("--what") { Description = "field | gradient | laplacian (of the blended field, by autograd).", DefaultValueFactory = _ => "field" };
    readonly Option<string?> _region = new("--region") { Description = "LEFT,TOP,WIDTH,HEIGHT: render only this rectangle of the image (its own pixels)." };

    protected override IEnumerable<Symbol> Symbols => [_directory, _size, _what, _region];

    protected override void DescribeCommon(CommonOptions common) => common.Out.Description = "The PNG file to write (default merged.png).";

    protected override Outcome Execute(CommandContext c)
    {
        string kind = c.Get(_what)!.ToLowerInvariant();
        var asked = c.Get(_region) is string r ? ParseRegion(r) : null;
        var clock = Stopwatch.StartNew();
        using var field = TiledField.Load(c.Get(_directory)!);
        var area = asked ?? new PixelRegion(0, 0, field.Width, field.Height);
        field.CheckRegion(area);
        var (h, w) = field.Shape(area, c.Get(_size) ?? (c.Quick ? 64 : null));
        // --out is a file here, written atomically by the library, not a directory to stage.
        string outPath = c.Out ?? "merged.png";
        field.Save(area, h, w, kind, outPath, c.Budget);
        double? psnr = null;
        var source = field.Run.Source;
        if (source?.Path is string p && !File.Exists(p))
            c.Note($"note: the image '{p}' is not there any more; no PSNR");
        else if (source is not null)
            psnr = field.Psnr(FieldImage.Load(source.Path, source.Channels, source.Size, source.MaxPixels, source.Upsample));
        var summary = TileErrorSummary.Of(field.Run.Layout, field.Checkpoints.Select(k => k.Psnr).ToList());
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
            // The tiles' PSNRs summed up (TileErrorSummary): compare psnr with the pixel- and blend-weighted ones, never with the mean.
            tile_psnr_mean = summary.MeanPsnr,
            tile_psnr_min = summary.MinPsnr,
            tile_psnr_pixel_weighted = summary.PixelWeightedPsnr,
            tile_psnr_blend_weighted = summary.BlendWeightedPsnr,
            seconds = clock.Elapsed.TotalSeconds,
        };
        return new Outcome(result, o =>
            o.WriteLine($"merged {result.tiles} tiles ({result.parameters:N0} parameters) of {field.Width}×{field.Height}: PSNR {(psnr is double v ? $"{v:F2} dB" : "n/a")} " +
                        $"against {summary.BlendWeightedPsnr:F2} dB from the tiles' own MSEs weighted by the pixels each owns after blending " +
                        $"({summary.PixelWeightedPsnr:F2} dB weighted by their own pixels; the mean of their PSNRs, {summary.MeanPsnr:F2} dB, is no PSNR of the image); " +
                        $"wrote {kind} at {w}×{h} to {outPath}"));
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
