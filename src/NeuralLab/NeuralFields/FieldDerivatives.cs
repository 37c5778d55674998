using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// Derivatives of a field with respect to its input coordinates by double backprop, as in SIREN's
/// explore_siren notebook (gradient, then divergence of the gradient). TorchSharp pitfall: unlike
/// PyTorch, retain_graph does not default to create_graph, so both are passed explicitly.
/// </summary>
internal static class FieldDerivatives
{
    /// <summary>∇f at <paramref name="x"/> (N, D) for a scalar field f: (N, D) → (N, 1); returns (N, D), still in the graph.</summary>
    public static Tensor Gradient(Tensor y, Tensor x) =>
        autograd.grad([y], [x], [ones_like(y)], retain_graph: true, create_graph: true)[0];

    /// <summary>Δf = Σ_i ∂²f/∂x_i² from the gradient (N, D) of f with respect to x; returns (N).
    /// <paramref name="createGraph"/> keeps Δf differentiable (a loss on the Laplacian needs it).</summary>
    public static Tensor Laplacian(Tensor gradient, Tensor x, bool createGraph = false)
    {
        Tensor? sum = null;
        long dims = x.shape[1];
        for (long i = 0; i < dims; i++)
        {
            var gi = gradient[.., i];                                                                  // (N)
            var second = autograd.grad([gi], [x], [ones_like(gi)], retain_graph: true, create_graph: createGraph)[0]; // (N, D)
            sum = sum is null ? second[.., i] : sum + second[.., i];
        }
        return sum!;
    }

    /// <summary>
    /// Gradient (N, 2) and Laplacian (N) of a field at every coordinate, chunk by chunk: each chunk's graph is freed
    /// before the next, so memory is the two outputs plus one chunk's graph. A multi-channel field is differentiated
    /// through its channel mean (the luminance-like intensity), matching the ground truth's operators on the
    /// channel-mean image.
    /// </summary>
    public static (Tensor Gradient, Tensor Laplacian) Evaluate(Func<Tensor, Tensor> field, Tensor coordinates, int chunk = 16384) =>
        Evaluate(field, coordinates.shape[0], (start, length) => coordinates.narrow(0, start, length), chunk);

    /// <summary>The same on the H×W pixel grid of <see cref="CoordinateGrid"/>, generating each chunk's coordinates
    /// (the whole grid is never built), with chunks sized for <paramref name="architecture"/> by <see cref="FieldChunks"/>.</summary>
    public static (Tensor Gradient, Tensor Laplacian) Evaluate(Func<Tensor, Tensor> field, FieldArchitecture architecture, int height, int width) =>
        Evaluate(field, (long)height * width, (start, length) => CoordinateGrid.Slice(height, width, start, length),
            FieldChunks.PixelsPerChunk(architecture, FieldPass.Derivatives));

    /// <summary>The same over <paramref name="n"/> points whose coordinates (length, 2) <paramref name="coordinates"/>(start, length)
    /// generates chunk by chunk (a region of a tiled field, tiles merge), in chunks of <paramref name="chunk"/> points.</summary>
    public static (Tensor Gradient, Tensor Laplacian) Evaluate(Func<Tensor, Tensor> field, long n, Func<long, long, Tensor> coordinates, int chunk)
    {
        Tensor? gradients = null, laplacians = null;
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            var x = coordinates(start, length).detach().requires_grad_(true); // (n, 2)
            var y = field(x).mean(dimensions: [1], keepdim: true);            // (n, 1)
            var g = Gradient(y, x);                                           // (n, 2)
            var lap = Laplacian(g, x);                                        // (n)
            if (gradients is null)
            {
                // Outside the chunk's scope, in the caller's; the coordinates' dtype (tests differentiate in float64).
                gradients = empty(n, 2, dtype: g.dtype).MoveToOuterDisposeScope();     // (N, 2)
                laplacians = empty(n, dtype: lap.dtype).MoveToOuterDisposeScope();     // (N)
            }
            gradients.narrow(0, start, length).copy_(g.detach());
            laplacians!.narrow(0, start, length).copy_(lap.detach());
        }
        return (gradients ?? empty(0, 2), laplacians ?? empty(0));
    }
}
