using System.CommandLine;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using static TorchSharp.torch;

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
            if (kind is not ("field" or "gradient" or "laplacian"))
                throw new BadInputException($"unknown --what '{kind}' (expected field, gradient or laplacian)");
            var (ckpt, model) = FieldCheckpoint.Load(parsed.GetValue(checkpoint)!);
            using var _ = model;
            if (ckpt.Architecture.Inputs != 2) throw new BadInputException($"'{parsed.GetValue(checkpoint)}' is an audio field (1-D); render draws image fields");
            int longer = parsed.GetValue(size) ?? (c.Quick ? 64 : Math.Max(ckpt.ImageHeight, ckpt.ImageWidth));
            if (longer <= 0) throw new BadInputException($"--size must be positive, not {longer}");
            if ((long)longer * longer > FieldImage.DefaultMaxPixels) throw new BadInputException($"--size {longer} is over the 16-megapixel budget");
            double scale = (double)longer / Math.Max(ckpt.ImageHeight, ckpt.ImageWidth);
            int h = Math.Max(1, (int)Math.Round(ckpt.ImageHeight * scale)), w = Math.Max(1, (int)Math.Round(ckpt.ImageWidth * scale));
            string outPath = c.Out ?? "render.png";
            using var scope = NewDisposeScope();
            AtomicFile.Write(outPath, temp =>
            {
                // The field's derivatives are per unit of field coordinate, so they do not depend on --size.
                if (kind == "field")
                {
                    FieldFigures.SaveImage(FieldTrainer.Render(model, h, w), h, w, temp);
                    return;
                }
                var (gradient, laplacian) = FieldDerivatives.Evaluate(x => model.call(x), CoordinateGrid.Create(h, w));
                if (kind == "gradient")
                {
                    var magnitude = gradient.norm(1, keepdim: false, p: 2);
                    FieldFigures.SaveMagnitude(magnitude, h, w, FieldFigures.RobustScale(magnitude), temp);
                }
                else FieldFigures.SaveDiverging(laplacian, h, w, FieldFigures.RobustScale(laplacian), temp);
            });
            if (c.Json) c.EmitJson(parsed.InvocationConfiguration.Output, new { file = Path.GetFullPath(outPath), width = w, height = h, what = kind });
            else parsed.InvocationConfiguration.Output.WriteLine($"wrote {kind} at {w}×{h} to {outPath}");
            return 0;
        });
        return command;
    }
}
