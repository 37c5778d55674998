using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>A fitted field, its gradient magnitude or its Laplacian as a PNG at any resolution (<c>neurallab render</c>).</summary>
public static class FieldRender
{
    /// <summary>What a render can show: the field's values, its gradient magnitude, its Laplacian.</summary>
    public static readonly string[] Kinds = ["field", "gradient", "laplacian"];

    /// <summary>
    /// Loads the field checkpoint at <paramref name="checkpoint"/> (a fit's directory or its model.json) and writes
    /// <paramref name="what"/> with the longer side <paramref name="longerSide"/> pixels (null: the size it was trained at)
    /// to <paramref name="path"/>, as <see cref="Save"/> does. Returns the size drawn.
    /// </summary>
    public static (int Width, int Height) SaveCheckpoint(string checkpoint, int? longerSide, string what, string path, ResourceBudget? budget = null)
    {
        if (longerSide <= 0) throw new ArgumentOutOfRangeException(nameof(longerSide), longerSide, "must be positive");
        var (fitted, model) = FieldCheckpoint.Load(checkpoint);
        using var _ = model;
        if (fitted.Architecture.Inputs != 2) throw new BadInputException($"'{checkpoint}' is an audio field (1-D); render draws image fields");
        var (height, width) = FieldImage.ScaledShape(fitted.ImageHeight, fitted.ImageWidth, longerSide ?? Math.Max(fitted.ImageHeight, fitted.ImageWidth));
        Save(model, height, width, what, path, budget);
        return (width, height);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/>, naming the parameter, unless <paramref name="what"/> is one of <see cref="Kinds"/>
    /// and a <paramref name="height"/>×<paramref name="width"/> grid has pixels and fits <see cref="FieldImage.DefaultMaxPixels"/>.
    /// </summary>
    internal static void CheckGrid(string what, int height, int width)
    {
        if (!Kinds.Contains(what)) throw new ArgumentException($"unknown map '{what}' (expected field, gradient or laplacian)", nameof(what));
        string parameter = height <= 0 ? nameof(height) : nameof(width);
        if (height <= 0 || width <= 0) throw new ArgumentException($"cannot render {width}×{height} pixels", parameter);
        if ((long)height * width > FieldImage.DefaultMaxPixels)
            throw new ArgumentException($"{width}×{height} = {(long)height * width:N0} pixels is over the budget of {FieldImage.DefaultMaxPixels:N0}", nameof(height));
    }

    /// <summary>
    /// Writes <paramref name="what"/> of <paramref name="model"/> on a <paramref name="height"/>×<paramref name="width"/> grid to
    /// <paramref name="path"/> atomically, after checking the estimate (<see cref="FieldBudget.Render"/>) against
    /// <paramref name="budget"/>. Every pass is chunked (<see cref="FieldChunks"/>): peak memory is the maps plus one chunk.
    /// </summary>
    public static void Save(CoordinateMlp model, int height, int width, string what, string path, ResourceBudget? budget = null)
    {
        CheckGrid(what, height, width);
        (budget ?? ResourceBudget.Default).Check(FieldBudget.Render(model.Architecture, height, width, what));
        AtomicFile.Write(path, temp =>
        {
            using var scope = NewDisposeScope();
            // The field's derivatives are per unit of field coordinate, so they do not depend on the resolution.
            if (what == "field")
            {
                FieldFigures.SaveImage(FieldTrainer.Render(model, height, width), height, width, temp);
                return;
            }
            var (gradient, laplacian) = FieldDerivatives.Evaluate(x => model.call(x), model.Architecture, height, width); // (N, 2), (N)
            if (what == "gradient")
            {
                var magnitude = gradient.norm(1, keepdim: false, p: 2); // (N)
                FieldFigures.SaveMagnitude(magnitude, height, width, FieldFigures.RobustScale(magnitude), temp);
            }
            else FieldFigures.SaveDiverging(laplacian, height, width, FieldFigures.RobustScale(laplacian), temp);
        });
    }
}
