using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Supervision;

/// <summary>What <c>neurallab blend</c> reports.</summary>
public sealed record BlendMetrics
{
    /// <summary>Name of the base image (the surroundings).</summary>
    public required string Base { get; init; }
    /// <summary>Name of the image pasted in.</summary>
    public required string Insert { get; init; }
    /// <summary>Name of the mask image, or what stood in for it (the whole insert).</summary>
    public required string Mask { get; init; }
    /// <summary>Rows of the base at the fitted size.</summary>
    public required int Height { get; init; }
    /// <summary>Columns of the base at the fitted size.</summary>
    public required int Width { get; init; }
    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public required int Channels { get; init; }
    /// <summary>Top-left corner of the insert in the base, in pixels of the fitted size.</summary>
    public required int AtX { get; init; }
    /// <summary>Top row of the insert in the base, in pixels of the fitted size.</summary>
    public required int AtY { get; init; }
    /// <summary>Pixels inside the mask.</summary>
    public required int MaskPixels { get; init; }
    /// <summary>Optimiser steps taken.</summary>
    public required long Steps { get; init; }
    /// <summary>Wall time of the fit in seconds.</summary>
    public required double Seconds { get; init; }
    /// <summary>Why training ended: "budget", "target_psnr" or "cancelled".</summary>
    public required string StoppedBecause { get; init; }
    /// <summary>PSNR of the composite against the base outside the mask, after the constant fixed there.</summary>
    public required double PsnrOutsideMask { get; init; }
    /// <summary>Mean squared difference between the field's gradient and the composite target gradient (the loss's measure).</summary>
    public required double GradientMse { get; init; }
    /// <summary>√(<see cref="GradientMse"/> / mean square of the target gradient): the gradient error as a fraction of
    /// the gradient (NaN for a flat target).</summary>
    public required double GradientRelativeError { get; init; }
    /// <summary>The constant added per channel, fitted by least squares to the base outside the mask.</summary>
    public required double[] Constant { get; init; }
    /// <summary>Adam's (initial) learning rate.</summary>
    public required double LearningRate { get; init; }
    /// <summary>Pixels per step, or "full".</summary>
    public required string Batch { get; init; }
    /// <summary>Seed of the fit.</summary>
    public required int Seed { get; init; }
}

/// <summary>
/// Poisson image editing (Pérez, Gangnet and Blake 2003) with a neural field (SIREN Sec. 4.1): one field is
/// fitted to a target gradient that is the insert's inside the mask and the base's outside, so the insert
/// keeps its texture while its colours adapt to the surroundings; the free constant is fixed by least squares
/// against the base outside the mask. The naive paste is written beside it for comparison.
/// </summary>
public static class PoissonBlend
{
    /// <summary>Every file a blend writes into its output directory.</summary>
    public static readonly string[] OutputFiles = ["composite.png", "naive.png", "mask.png", "curves.png", "metrics.json"];

    /// <summary>
    /// Blends <c>insert</c> into <c>baseImage</c>. <c>mask</c> has the insert's size, and its pixels brighter than
    /// mid-grey are inside (null: the whole insert); <c>at</c> is the insert's top-left corner in the base (null centres it).
    /// </summary>
    public static (BlendMetrics Metrics, FitResult Fit) Run(FieldImage baseImage, FieldImage insert, FieldImage? mask, (int X, int Y)? at,
        FitConfig config, (string Base, string Insert, string Mask) names, OutputDirectory? output,
        IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        if (insert.Channels != baseImage.Channels) throw new BadInputException($"the insert has {insert.Channels} channel(s), the base {baseImage.Channels}");
        if (insert.Height > baseImage.Height || insert.Width > baseImage.Width)
            throw new BadInputException($"the insert ({insert.Width}×{insert.Height}) is larger than the base ({baseImage.Width}×{baseImage.Height}) at the fitted size");
        if (mask != null && (mask.Height != insert.Height || mask.Width != insert.Width))
            throw new BadInputException($"the mask ({mask.Width}×{mask.Height}) must have the insert's size ({insert.Width}×{insert.Height})");
        var (x0, y0) = at ?? ((baseImage.Width - insert.Width) / 2, (baseImage.Height - insert.Height) / 2);
        if (x0 < 0 || y0 < 0 || x0 + insert.Width > baseImage.Width || y0 + insert.Height > baseImage.Height)
            throw new ArgumentOutOfRangeException(nameof(at), $"{x0},{y0}", $"puts the {insert.Width}×{insert.Height} insert outside the {baseImage.Width}×{baseImage.Height} base");

        int h = baseImage.Height, w = baseImage.Width, c = baseImage.Channels;
        // Targets are built in a scope of their own and detached: the model must not be created inside a
        // dispose scope, or its parameters would be freed with it.
        Tensor targetGradient, outsideWeights, naivePaste, insideMap;
        int maskPixels;
        using (var scope = NewDisposeScope())
        {
            var inside = zeros(h, w, dtype: ScalarType.Bool);                                                  // (H, W)
            var insertInside = mask is null
                ? ones(insert.Height, insert.Width, dtype: ScalarType.Bool)
                : mask.ToTensor().mean([1]).reshape(insert.Height, insert.Width) > 0;                          // (h, w)
            inside[TensorIndex.Slice(y0, y0 + insert.Height), TensorIndex.Slice(x0, x0 + insert.Width)] = insertInside;
            maskPixels = (int)inside.sum().item<long>();
            if (maskPixels == 0) throw new BadInputException($"the mask '{names.Mask}' selects no pixel (inside is brighter than mid-grey)");
            if (maskPixels == h * w) throw new BadInputException("the mask covers the whole base: nothing is left to fix the colours from");

            var placed = (Tensor source, long k) =>
            {
                var full = zeros(h, w, k);                                                                      // (H, W, k)
                full[TensorIndex.Slice(y0, y0 + insert.Height), TensorIndex.Slice(x0, x0 + insert.Width)] = source.reshape(insert.Height, insert.Width, k);
                return full.reshape(h * w, k);
            };
            var insideColumn = inside.reshape(h * w, 1);                                                        // (N, 1)
            var baseGradient = FieldLosses.SobelTargets(baseImage);                                             // (N, 2C)
            var target = where(insideColumn, placed(FieldLosses.SobelTargets(insert), 2 * c), baseGradient);    // (N, 2C)
            var naive = where(insideColumn, placed(insert.ToTensor(), c), baseImage.ToTensor());                // (N, C)
            var outside = (~inside).reshape(h * w).to_type(ScalarType.Float32);                                 // (N)

            targetGradient = target.detach().clone().DetachFromDisposeScope();
            outsideWeights = outside.clone().DetachFromDisposeScope();
            naivePaste = naive.detach().clone().DetachFromDisposeScope();
            insideMap = inside.reshape(h * w, 1).to_type(ScalarType.Float32).DetachFromDisposeScope(); // (N, 1)
        }
        using var disposeNaive = naivePaste;
        using var disposeInside = insideMap;

        // The plain gradient loss: blend's targets are built here, without GradientSpans (not measured on composites).
        config = config with { Supervision = FieldSupervision.Gradient, GradientSpans = false, Architecture = config.Architecture with { Channels = c, Inputs = 2 } };
        using var loss = new GradientLoss(targetGradient, outsideWeights);
        var signal = FieldSignal.FromImage(baseImage);
        var fit = FieldTrainer.Fit(signal, config, progress, loss, cancel);
        try
        {
            using var measure = NewDisposeScope();
            var coordinates = signal.CreateCoordinates();
            double gradientMse = FieldLosses.TargetMse(loss, fit.Model, coordinates);
            double meanSquare = FieldLosses.TargetMeanSquare(loss);
            // The constant gradient supervision leaves free, fixed where the composite must equal the base.
            var constant = HarmonicAlignment.Fit(fit.Model, coordinates, signal.ToTensor(), 0, outsideWeights);
            fit.Model.ShiftOutput(constant.Constant);
            var metrics = new BlendMetrics
            {
                Base = names.Base, Insert = names.Insert, Mask = names.Mask,
                Height = h, Width = w, Channels = c, AtX = x0, AtY = y0, MaskPixels = maskPixels,
                Steps = fit.Steps, Seconds = fit.Seconds, StoppedBecause = fit.StopName,
                PsnrOutsideMask = FieldTrainer.Psnr(constant.Mse),
                GradientMse = gradientMse,
                GradientRelativeError = meanSquare > 0 ? Math.Sqrt(gradientMse / meanSquare) : double.NaN,
                Constant = constant.Constant,
                LearningRate = config.LearningRate, Batch = config.Batch?.ToString() ?? "full", Seed = config.Seed,
            };
            if (output != null)
            {
                FieldFigures.SaveImage(signal.Render(fit.Model), h, w, output.PathFor("composite.png"));
                FieldFigures.SaveImage(naivePaste, h, w, output.PathFor("naive.png"));
                FieldFigures.SaveImage(insideMap * 2 - 1, h, w, output.PathFor("mask.png"));
                FieldFigures.SaveCurves(fit, output.PathFor("curves.png"),
                    $"Poisson blend, {w}×{h}, {fit.Steps} steps, {fit.Seconds:F0} s; PSNR vs base outside the mask (after the constant)");
                output.WriteAllText("metrics.json", Json.Serialize(metrics));
            }
            return (metrics, fit);
        }
        catch
        {
            fit.Dispose();
            throw;
        }
    }
}
