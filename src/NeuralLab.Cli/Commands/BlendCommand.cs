using System.CommandLine;
using System.Globalization;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Supervision;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab blend BASE INSERT</c>: Poisson image editing with a field fitted to a composite gradient.</summary>
public sealed class BlendCommand : ICommandFactory
{
    public int Order => 12;

    public Command Create()
    {
        var baseArgument = new Argument<string>("BASE") { Description = "The background image (PNG, JPEG or WebP)." };
        var insertArgument = new Argument<string>("INSERT") { Description = "The image to blend in; placed at --at, at the same scale as BASE." };
        var mask = new Option<string?>("--mask") { Description = "A mask of INSERT's size: pixels brighter than mid-grey are blended in (default: all of INSERT)." };
        var at = new Option<string?>("--at") { Description = "x,y: INSERT's top-left corner in BASE's pixels (default: centred)." };
        var size = new Option<int?>("--size") { Description = "Resize so BASE's longer side has N pixels; INSERT and the mask scale with it (default 256)." };
        var steps = new Option<int?>("--steps") { Description = $"Optimiser steps (default {FitDefaults.Config.Steps})." };
        var lr = new Option<double?>("--lr") { Description = $"Adam's learning rate (default {FitDefaults.Config.LearningRate})." };
        var hidden = new Option<int?>("--hidden") { Description = "Units per hidden layer (default 256)." };
        var layers = new Option<int?>("--layers") { Description = "Hidden-to-hidden layers (default 3)." };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this (checked from the header).", DefaultValueFactory = _ => FieldImage.DefaultMaxPixels };
        var common = new CommonOptions();
        var command = new Command("blend",
            "Poisson image editing (Pérez et al. 2003) with a SIREN field: fit one field to INSERT's gradient inside the mask and BASE's outside,\n" +
            "fix the constant from BASE outside the mask, and write composite.png beside naive.png (the plain paste), mask.png, curves.png and metrics.json to --out.\n" +
            "Example:\n  neurallab blend base.png insert.png --mask mask.png --at 40,60 --out runs/blend")
        {
            baseArgument, insertArgument, mask, at, size, steps, lr, hidden, layers, maxPixels,
        };
        common.AddTo(command);
        command.SetAction(parsed =>
        {
            var c = common.Read(parsed);
            var stdout = parsed.InvocationConfiguration.Output;
            var stderr = parsed.InvocationConfiguration.Error;
            string basePath = parsed.GetValue(baseArgument)!, insertPath = parsed.GetValue(insertArgument)!;
            string? maskPath = parsed.GetValue(mask);
            long budget = parsed.GetValue(maxPixels);
            var (x, y) = parsed.GetValue(at) is string a ? ParseAt(a) : (-1, -1);
            var original = FieldImage.Load(basePath, null, null, budget);
            int longer = parsed.GetValue(size) ?? (c.Quick ? 64 : FitDefaults.Size);
            if (longer <= 0) throw new BadInputException($"--size must be positive, not {longer}");
            var (scaledHeight, scaledWidth) = FieldImage.ScaledShape(original.Height, original.Width, longer);
            if ((long)scaledHeight * scaledWidth > budget)
                throw new BadInputException($"--size {longer} asks for {scaledWidth}×{scaledHeight} = {(long)scaledHeight * scaledWidth:N0} pixels, over the budget of {budget:N0} (--max-pixels)");
            double scale = (double)longer / Math.Max(original.Height, original.Width);
            var baseImage = original.ResizeLongerSide(longer);
            var insert = Scaled(FieldImage.Load(insertPath, baseImage.Channels, null, budget), scale);
            var maskImage = maskPath is null ? null : Scaled(FieldImage.Load(maskPath, 1, null, budget), scale);
            if (maskImage != null && (maskImage.Height, maskImage.Width) != (insert.Height, insert.Width))
                maskImage = maskImage.ResizeLongerSide(Math.Max(insert.Height, insert.Width));
            (int X, int Y)? corner = x < 0 ? null : ((int)Math.Round(x * scale), (int)Math.Round(y * scale));
            var arch = FitDefaults.Config.Architecture;
            var config = FitDefaults.Config with
            {
                Architecture = arch with { Hidden = parsed.GetValue(hidden) ?? arch.Hidden, Layers = parsed.GetValue(layers) ?? arch.Layers },
                Steps = parsed.GetValue(steps) ?? (c.Quick ? 100 : FitDefaults.Config.Steps),
                LearningRate = parsed.GetValue(lr) ?? FitDefaults.Config.LearningRate,
                Seed = c.Seed,
            };
            config.Validate();
            using var output = c.OpenOut();
            var (metrics, fit) = ConsoleProgress.Run(stderr, progress =>
                PoissonBlend.Run(baseImage, insert, maskImage, corner, config, (basePath, insertPath, maskPath ?? "(all of INSERT)"), output, progress));
            fit.Dispose();
            output?.Commit();
            if (c.Json) c.EmitJson(stdout, metrics);
            else
            {
                stdout.WriteLine($"blended {insertPath} into {basePath} at ({metrics.AtX}, {metrics.AtY}), {metrics.MaskPixels} mask pixels of {metrics.Width}×{metrics.Height}: " +
                                 $"gradient error (relative) {metrics.GradientRelativeError:P1}, PSNR against BASE outside the mask {metrics.PsnrOutsideMask:F2} dB after the constant; {metrics.Steps} steps in {metrics.Seconds:F1} s");
                if (output != null) stdout.WriteLine($"wrote {string.Join(", ", PoissonBlend.OutputFiles)} to {output.Root}");
            }
            return 0;
        });
        return command;
    }

    static FieldImage Scaled(FieldImage image, double scale) =>
        image.ResizeLongerSide(Math.Max(1, (int)Math.Round(Math.Max(image.Height, image.Width) * scale)));

    static (int X, int Y) ParseAt(string s)
    {
        var parts = s.Split(',');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int x)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int y)
            && x >= 0 && y >= 0)
            return (x, y);
        throw new BadInputException($"--at must be two non-negative pixel coordinates 'x,y', not '{s}'");
    }
}
