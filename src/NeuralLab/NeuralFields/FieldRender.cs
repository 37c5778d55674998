using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>A fitted field, its gradient magnitude or its Laplacian as a PNG at any resolution (<c>neurallab render</c>).</summary>
public static class FieldRender
{
    public static readonly string[] Kinds = ["field", "gradient", "laplacian"];

    /// <summary>
    /// Writes <paramref name="what"/> of <paramref name="model"/> on a <paramref name="height"/>×<paramref name="width"/> grid to
    /// <paramref name="path"/> atomically, after checking the estimate (<see cref="FieldBudget.Render"/>) against
    /// <paramref name="budget"/>. Every pass is chunked (<see cref="FieldChunks"/>): peak memory is the maps plus one chunk.
    /// </summary>
    public static void Save(CoordinateMlp model, int height, int width, string what, string path, ResourceBudget? budget = null)
    {
        if (!Kinds.Contains(what)) throw new BadInputException($"unknown --what '{what}' (expected field, gradient or laplacian)");
        if (height <= 0 || width <= 0) throw new BadInputException($"cannot render {width}×{height} pixels");
        if ((long)height * width > FieldImage.DefaultMaxPixels)
            throw new BadInputException($"{width}×{height} = {(long)height * width:N0} pixels is over the budget of {FieldImage.DefaultMaxPixels:N0}");
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
