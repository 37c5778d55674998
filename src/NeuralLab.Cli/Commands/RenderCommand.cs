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
        string kind = c.Get(_what)!.ToLowerInvariant();
        // --out is a file here, written atomically by the library (AtomicFile), not a directory to stage.
        string outPath = c.Out ?? "render.png";
        var (w, h) = FieldRender.SaveCheckpoint(c.Get(_checkpoint)!, c.Get(_size) ?? (c.Quick ? 64 : null), kind, outPath, c.Budget);
        return new Outcome(new { file = Path.GetFullPath(outPath), width = w, height = h, what = kind },
            o => o.WriteLine($"wrote {kind} at {w}×{h} to {outPath}"));
    }
}
