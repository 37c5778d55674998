using System.CommandLine;
using NeuralLab.Common;
using NeuralLab.NeuralFields;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab render CHECKPOINT</c>: a fitted field at any resolution.</summary>
public sealed class RenderCommand : ICommandFactory
{
    public int Order => 11;

    public Command Create()
    {
        var checkpoint = new Argument<string>("CHECKPOINT") { Description = "A fit's output directory, or its model.json." };
        var size = new Option<int?>("--size") { Description = "Longer side in pixels (default: the training size; try 4× to see that the field is continuous)." };
        var what = new Option<string>("--what") { Description = "field | gradient | laplacian.", DefaultValueFactory = _ => "field" };
        var common = new CommonOptions();
        common.Out.Description = "The PNG file to write (default render.png).";
        var command = new Command("render", "Render a fitted field, its gradient magnitude or its Laplacian at any resolution.\nExample:\n  neurallab render runs/cameraman --size 1024 --what laplacian --out laplacian-1024.png")
        {
            checkpoint, size, what,
        };
        common.AddTo(command);
        command.SetAction(parsed =>
        {
            var c = common.Read(parsed);
            string kind = parsed.GetValue(what)!.ToLowerInvariant();
            if (!FieldRender.Kinds.Contains(kind))
                throw new BadInputException($"unknown --what '{kind}' (expected field, gradient or laplacian)");
            int? askedSize = parsed.GetValue(size);
            if (askedSize is <= 0) throw new BadInputException($"--size must be positive, not {askedSize}");
            if (askedSize is int s && (long)s * s > FieldImage.DefaultMaxPixels)
                throw new BadInputException($"--size {s} is over the budget of {FieldImage.DefaultMaxPixels:N0} pixels (4096²)");
            var (ckpt, model) = FieldCheckpoint.Load(parsed.GetValue(checkpoint)!);
            using var _ = model;
            if (ckpt.Architecture.Inputs != 2) throw new BadInputException($"'{parsed.GetValue(checkpoint)}' is an audio field (1-D); render draws image fields");
            int longer = askedSize ?? (c.Quick ? 64 : Math.Max(ckpt.ImageHeight, ckpt.ImageWidth));
            var (h, w) = FieldImage.ScaledShape(ckpt.ImageHeight, ckpt.ImageWidth, longer);
            string outPath = c.Out ?? "render.png";
            FieldRender.Save(model, h, w, kind, outPath, c.Budget);
            if (c.Json) c.EmitJson(parsed.InvocationConfiguration.Output, new { file = Path.GetFullPath(outPath), width = w, height = h, what = kind });
            else parsed.InvocationConfiguration.Output.WriteLine($"wrote {kind} at {w}×{h} to {outPath}");
            return 0;
        });
        return command;
    }
}
