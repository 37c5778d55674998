using NeuralLab.NeuralFields;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab render CHECKPOINT</c>: a fitted field at any resolution.</summary>
public sealed class RenderCommand() : NeuralLabCommand("render", """
    Render a fitted field, its gradient magnitude or its Laplacian at any resolution.

    Example:
      neurallab render runs/cameraman --size 1024 --what laplacian --out laplacian-1024.png
    """), ICommandFactory
{
    public int Order => 11;

    readonly Argument<string> _checkpoint = new("CHECKPOINT") { Description = "A fit's output directory, or its model.json." };
    readonly Option<int?> _size = new("--size") { Description = "Longer side in pixels (default: the training size; try 4× to see that the field is continuous)." };
    readonly Option<string> _what = new("--what") { Description = "field | gradient | laplacian.", DefaultValueFactory = _ => "field" };

    protected override IEnumerable<Symbol> Symbols => [_checkpoint, _size, _what];

    protected override void DescribeCommon(CommonOptions common) => common.Out.Description = "The PNG file to write (default render.png).";

    protected override Outcome Execute(CommandContext c)
    {
        var (kind, askedSize) = CheckWhatAndSize(c.Get(_what)!, c.Get(_size));
        // --out is a file here, written atomically by the library (AtomicFile), not a directory to stage.
        string outPath = c.Out ?? "render.png";
        var (w, h) = FieldRender.SaveCheckpoint(c.Get(_checkpoint)!, askedSize ?? (c.Quick ? 64 : null), kind, outPath, c.Budget);
        return new Outcome(new { file = Path.GetFullPath(outPath), width = w, height = h, what = kind },
            o => o.WriteLine($"wrote {kind} at {w}×{h} to {outPath}"));
    }

    /// <summary>--what and --size as render and tiles merge take them: a known map, and a size within the pixel budget.</summary>
    internal static (string Kind, int? Size) CheckWhatAndSize(string what, int? size)
    {
        string kind = what.ToLowerInvariant();
        if (!FieldRender.Kinds.Contains(kind))
            throw new BadInputException($"unknown --what '{kind}' (expected field, gradient or laplacian)");
        if (size is <= 0) throw new BadInputException($"--size must be positive, not {size}");
        if (size is int s && (long)s * s > FieldImage.DefaultMaxPixels)
            throw new BadInputException($"--size {s} is over the budget of {FieldImage.DefaultMaxPixels:N0} pixels (4096²)");
        return (kind, size);
    }
}
