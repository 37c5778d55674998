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
    /// <exception cref="ArgumentException"><paramref name="what"/> is not one of <see cref="Kinds"/> (checked before the
    /// checkpoint is read), or <paramref name="longerSide"/> is not positive or draws more than
    /// <see cref="FieldImage.DefaultMaxPixels"/> pixels; each names its parameter.</exception>
    public static (int Width, int Height) SaveCheckpoint(string checkpoint, int? longerSide, string what, string path, ResourceBudget? budget = null)
    {
        CheckKind(what);
        if (longerSide <= 0) throw new ArgumentOutOfRangeException(nameof(longerSide), longerSide, "must be positive");
        var (fitted, model) = FieldCheckpoint.Load(checkpoint);
        using var _ = model;
        if (fitted.Architecture.Inputs != 2) throw new BadInputException($"'{checkpoint}' is an audio field (1-D); render draws image fields");
        var (height, width) = ScaledShape(fitted.ImageHeight, fitted.ImageWidth, longerSide);
        Save(model, height, width, what, path, budget);
        return (width, height);
    }

    /// <summary>
    /// The shape of a <paramref name="height"/>×<paramref name="width"/> picture drawn with its longer side
    /// <paramref name="longerSide"/> pixels (null: as it is); throws <see cref="ArgumentOutOfRangeException"/> naming
    /// <paramref name="longerSide"/> when it is not positive or the drawing has more than <see cref="FieldImage.DefaultMaxPixels"/> pixels.
    /// </summary>
    internal static (int Height, int Width) ScaledShape(int height, int width, int? longerSide)
    {
        if (longerSide is not int side) return (height, width);
        if (side <= 0) throw new ArgumentOutOfRangeException(nameof(longerSide), side, "must be positive");
        var (h, w) = FieldImage.ScaledShape(height, width, side);
        if ((long)h * w > FieldImage.DefaultMaxPixels)
            throw new ArgumentOutOfRangeException(nameof(longerSide), side,
                $"draws {w}×{h} = {(long)h * w:N0} pixels, over the budget of {FieldImage.DefaultMaxPixels:N0} (4096²)");
        return (h, w);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="what"/> unless it is one of <see cref="Kinds"/>.</summary>
    internal static void CheckKind(string what)
    {
        if (!Kinds.Contains(what)) throw new ArgumentOutOfRangeException(nameof(what), what, "unknown map (expected field, gradient or laplacian)");
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/>, naming the parameter, unless <paramref name="what"/> is one of <see cref="Kinds"/>
    /// and a <paramref name="height"/>×<paramref name="width"/> grid has pixels and fits <see cref="FieldImage.DefaultMaxPixels"/>.
    /// </summary>
    internal static void CheckGrid(string what, int height, int width)
    {
        CheckKind(what);
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
