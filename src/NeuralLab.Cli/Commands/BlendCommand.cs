using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Supervision;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab blend BASE INSERT</c>: Poisson image editing with a field fitted to a composite gradient.</summary>
public sealed class BlendCommand() : NeuralLabCommand("blend", """
    Poisson image editing (Pérez et al. 2003) with a SIREN field: fit one field to INSERT's gradient inside the
    mask and BASE's outside,

    fix the constant from BASE outside the mask, and write composite.png beside naive.png (the plain paste),
    mask.png, curves.png and metrics.json to --out.

    Example:
      neurallab blend base.png insert.png --mask mask.png --at 40,60 --out runs/blend
    """), ICommandFactory
{
    public int Order => 12;

    readonly Argument<string> _base = new("BASE") { Description = "The background image (PNG, JPEG or WebP)." };
    readonly Argument<string> _insert = new("INSERT") { Description = "The image to blend in; placed at --at, at the same scale as BASE." };
    readonly Option<string?> _mask = new("--mask") { Description = "A mask of INSERT's size: pixels brighter than mid-grey are blended in (default: all of INSERT)." };
    readonly Option<string?> _at = new("--at") { Description = "x,y: INSERT's top-left corner in BASE's pixels (default: centred)." };
    readonly Option<int?> _size = new("--size") { Description = "Resize so BASE's longer side has N pixels; INSERT and the mask scale with it (default 256)." };
    readonly Option<int?> _steps = FieldOptions.Steps();
    readonly Option<double?> _lr = FieldOptions.LearningRate();
    readonly Option<int?> _hidden = FieldOptions.Hidden();
    readonly Option<int?> _layers = FieldOptions.Layers();
    readonly Option<long> _maxPixels = FieldOptions.MaxPixels();

    protected override IEnumerable<Symbol> Symbols => [_base, _insert, _mask, _at, _size, _steps, _lr, _hidden, _layers, _maxPixels];

    /// <summary>The field's trainer stops at the next step on Ctrl+C; the composite is written from what it reached.</summary>
    protected override bool StopsOnCancel => true;

    protected override Outcome Execute(CommandContext c)
    {
        string basePath = c.Get(_base)!, insertPath = c.Get(_insert)!;
        string? maskPath = c.Get(_mask);
        long budget = c.Get(_maxPixels);
        (int X, int Y)? at = c.Get(_at) is string a ? ParseAt(a) : null;
        int longer = c.Get(_size) ?? (c.Quick ? 64 : FitDefaults.Size);
        // The library checks --size (positive, within --max-pixels) and resizes; the scale applies to the insert and --at too.
        var baseImage = FieldImage.Load(basePath, null, longer, budget, upsample: true);
        var (height, width) = FieldImage.ReadShape(basePath, budget);
        double scale = (double)longer / Math.Max(height, width);
        var insert = Scaled(FieldImage.Load(insertPath, baseImage.Channels, null, budget), scale);
        var maskImage = maskPath is null ? null : Scaled(FieldImage.Load(maskPath, 1, null, budget), scale);
        if (maskImage != null && (maskImage.Height, maskImage.Width) != (insert.Height, insert.Width))
            maskImage = maskImage.ResizeLongerSide(Math.Max(insert.Height, insert.Width));
        // Where the insert may go (inside the base, so not negative) is PoissonBlend's check, by name (--at).
        (int X, int Y)? corner = at is { } p ? ((int)Math.Round(p.X * scale), (int)Math.Round(p.Y * scale)) : null;
        var arch = FitDefaults.Config.Architecture;
        var config = FitDefaults.Config with
        {
            Architecture = arch with { Hidden = c.Get(_hidden) ?? arch.Hidden, Layers = c.Get(_layers) ?? arch.Layers },
            Steps = c.Get(_steps) ?? (c.Quick ? 100 : FitDefaults.Config.Steps),
            LearningRate = c.Get(_lr) ?? FitDefaults.Config.LearningRate,
            Seed = c.Seed,
        };
        config.Validate();
        var output = c.OpenOutput();
        var (metrics, fit) = c.Progress(progress =>
            PoissonBlend.Run(baseImage, insert, maskImage, corner, config, (basePath, insertPath, maskPath ?? "(all of INSERT)"), output, progress, c.Cancel));
        fit.Dispose();
        return new Outcome(metrics, o =>
        {
            o.WriteLine($"blended {insertPath} into {basePath} at ({metrics.AtX}, {metrics.AtY}), {metrics.MaskPixels} mask pixels of {metrics.Width}×{metrics.Height}: " +
                        $"gradient error (relative) {metrics.GradientRelativeError:P1}, PSNR against BASE outside the mask {metrics.PsnrOutsideMask:F2} dB after the constant; {metrics.Steps} steps in {metrics.Seconds:F1} s");
            if (output != null) o.WriteLine($"wrote {string.Join(", ", PoissonBlend.OutputFiles)} to {output.Root}");
        });
    }

    static FieldImage Scaled(FieldImage image, double scale) =>
        image.ResizeLongerSide(Math.Max(1, (int)Math.Round(Math.Max(image.Height, image.Width) * scale)));

    static (int X, int Y) ParseAt(string s)
    {
        var parts = s.Split(',');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int x)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int y))
            return (x, y);
        throw new BadInputException($"--at must be two pixel coordinates 'x,y', not '{s}'");
    }
}
