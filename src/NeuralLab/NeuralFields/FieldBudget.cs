using NeuralLab.Common;

namespace NeuralLab.NeuralFields;

/// <summary>
/// Memory and time estimates of fits and renders from their arguments (<see cref="ResourceBudget"/>), counted from
/// what the code allocates: per-pixel arrays and maps, one chunk of a chunked pass (<see cref="FieldChunks"/>), a
/// minibatch's graph, and the model with Adam's two moments. In doubles: hostile sizes overflow a long.
/// </summary>
internal static class FieldBudget
{
    /// <summary>Weights and biases of <paramref name="a"/>.</summary>
    public static double Parameters(FieldArchitecture a)
    {
        double h = a.Hidden;
        return 3 * h + a.Layers * (h * h + h) + h * a.Channels + a.Channels;
    }

    /// <summary>Bytes per pixel that a fit keeps for the whole image: the decoded image, coordinates and targets, the
    /// epoch's permutation, and the measurement's maps (field and ground-truth gradients and Laplacians, their float64
    /// copies for the correlation, the PNG bitmaps).</summary>
    static double FitBytesPerPixel(int channels) => 160 + 16.0 * channels;

    public static ResourceEstimate Fit(FitConfig config, int height, int width)
    {
        var a = config.Architecture;
        double pixels = (double)height * width;
        double parameters = Parameters(a);
        double batch = config.Batch is int b ? Math.Min(b, pixels) : Math.Min(FieldTrainer.ChunkPixels, pixels);
        // A training step keeps the forward activations for backward, their gradients and the optimiser's temporaries.
        double step = 3 * batch * FieldChunks.BytesPerPixel(a, FieldPass.Forward);
        double derivatives = Chunk(a, FieldPass.Derivatives, pixels);
        double bytes = pixels * FitBytesPerPixel(a.Channels) + Math.Max(step, derivatives) + 16 * parameters;

        int n = (int)Math.Min(pixels, int.MaxValue);
        double steps = config.Steps is int s ? s : (double)(config.Epochs ?? 1) * Math.Ceiling(pixels / (config.Batch is int bb ? Math.Min(bb, pixels) : pixels));
        double stepsPerEpoch = Math.Ceiling(pixels / Math.Max(1, config.BatchFor(n)));
        double evaluations = steps / (config.EvalEvery ?? Math.Max(1, Math.Min(4 * stepsPerEpoch, Math.Max(1, steps / 20)))) + 1;
        // Forward and backward: 6 flops per weight per pixel; the derivative maps' double backprop about 5 forward passes.
        double flops = steps * 6 * parameters * (config.Batch is int b2 ? Math.Min(b2, pixels) : pixels)
                       + (evaluations + 5) * 2 * parameters * pixels;
        double calls = steps * 30 * (a.Layers + 2);
        return new ResourceEstimate($"a fit of a {a.Layers}×{a.Hidden} field to {width}×{height} pixels for {steps:N0} steps",
            bytes, ResourceEstimate.SecondsAtLeast(flops, calls));
    }

    /// <summary>A render of <paramref name="what"/> ("field", "gradient" or "laplacian") at <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static ResourceEstimate Render(FieldArchitecture a, int height, int width, string what)
    {
        double pixels = (double)height * width;
        bool derivatives = what != "field";
        // The output, the bitmap and PNG encoder's rows; derivative maps add the (N, 2) gradient, the Laplacian and a magnitude.
        double perPixel = derivatives ? 4 + 8 + 4 + 4 + 8 : 4.0 * a.Channels + 8;
        double bytes = pixels * perPixel + Chunk(a, derivatives ? FieldPass.Derivatives : FieldPass.Forward, pixels) + 4 * Parameters(a);
        double flops = (derivatives ? 10 : 2) * Parameters(a) * pixels;
        double chunks = Math.Ceiling(pixels / FieldChunks.PixelsPerChunk(a, derivatives ? FieldPass.Derivatives : FieldPass.Forward));
        return new ResourceEstimate($"a {what} render of a {a.Layers}×{a.Hidden} field at {width}×{height}",
            bytes, ResourceEstimate.SecondsAtLeast(flops, chunks * 10 * (a.Layers + 2)));
    }

    /// <summary>The intermediates of one chunk of <paramref name="pass"/> over at most <paramref name="pixels"/> pixels.</summary>
    static double Chunk(FieldArchitecture a, FieldPass pass, double pixels) =>
        Math.Min(pixels, FieldChunks.PixelsPerChunk(a, pass)) * FieldChunks.BytesPerPixel(a, pass);
}
