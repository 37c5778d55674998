using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// Derivatives of a field with respect to its input coordinates by double backprop, as in SIREN's
/// explore_siren notebook (gradient, then divergence of the gradient). TorchSharp pitfall: unlike
/// PyTorch, retain_graph does not default to create_graph, so both are passed explicitly.
/// </summary>
public static class FieldDerivatives
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
    /// Gradient (N, 2) and Laplacian (N) of a field at every coordinate, chunk by chunk so memory stays
    /// bounded by the chunk's graph. A multi-channel field is differentiated through its channel mean
    /// (the luminance-like intensity), matching the ground truth's operators on the channel-mean image.
    /// </summary>
    public static (Tensor Gradient, Tensor Laplacian) Evaluate(Func<Tensor, Tensor> field, Tensor coordinates, int chunk = 16384)
    {
        long n = coordinates.shape[0];
        var gradients = new List<Tensor>();
        var laplacians = new List<Tensor>();
        using var outer = NewDisposeScope();
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            var x = coordinates.narrow(0, start, length).detach().requires_grad_(true); // (n, 2)
            var y = field(x).mean(dimensions: [1], keepdim: true);                        // (n, 1)
            var g = Gradient(y, x);                                                       // (n, 2)
            var lap = Laplacian(g, x);                                                    // (n)
            gradients.Add(g.detach().MoveToOuterDisposeScope());
            laplacians.Add(lap.detach().MoveToOuterDisposeScope());
        }
        var result = (cat(gradients, 0).MoveToOuterDisposeScope(), cat(laplacians, 0).MoveToOuterDisposeScope());
        return result;
    }
}
