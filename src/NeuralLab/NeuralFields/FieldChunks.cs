namespace NeuralLab.NeuralFields;

/// <summary>What a pass over pixels keeps per pixel while its chunk is alive.</summary>
internal enum FieldPass
{
    /// <summary>A forward pass without a graph (render, whole-image evaluation).</summary>
    Forward,
    /// <summary>Gradient and Laplacian by double backprop (create_graph = true).</summary>
    Derivatives,
}

/// <summary>
/// Chunk sizes of the passes over every pixel (render, whole-image evaluation, derivative maps), from a
/// memory budget per chunk instead of a constant. Each chunk runs in its own dispose scope, so a pass
/// holds one chunk's intermediates plus its output, whatever the resolution (issue 15).
/// </summary>
internal static class FieldChunks
{
    /// <summary>Intermediates one chunk may hold: 64 MiB. At 3×256 that is about 8,100 pixels of a forward pass (the
    /// constant 8,192 it replaces), whose activations (8 MiB each) stay under glibc's 32 MiB mmap threshold (docs/neural-fields.md, "Speed").</summary>
    public const long DefaultChunkBytes = 64L << 20;

    /// <summary>
    /// Bytes a pixel's intermediates take in <paramref name="pass"/>, counted from the graph: a dispose scope keeps every
    /// tensor created in it, so a forward pass holds two (N, hidden) float32 tensors per hidden layer (sine: addmm, sin;
    /// tanh/relu: linear, and the in-place activation's saved input is the same storage). Double backprop keeps the
    /// forward graph, the gradient's graph (about three tensors per layer: cos·ω0, the incoming gradient, their product)
    /// and, per input dimension, the second backward's tensors: counted as 8× the forward pass, an upper estimate (the
    /// pre-fix code's 16,384-pixel derivative chunks of the 3×256 SIREN stayed under 3 GB in all, i.e. under 150 kB per
    /// pixel). The Laplacian rows of the render-memory benchmark check the resulting bound (docs/benchmarks.md, "Bounded memory").
    /// </summary>
    public static double BytesPerPixel(FieldArchitecture architecture, FieldPass pass)
    {
        double forward = 2.0 * 4 * architecture.Hidden * (architecture.Layers + 1.0) + 16.0 * architecture.Channels + 64;
        return pass == FieldPass.Derivatives ? 8 * forward : forward;
    }

    /// <summary>Pixels per chunk for <paramref name="pass"/> within <paramref name="budgetBytes"/>: at least 64, at most 65536.</summary>
    public static int PixelsPerChunk(FieldArchitecture architecture, FieldPass pass, long budgetBytes = DefaultChunkBytes) =>
        (int)Math.Clamp(Math.Floor(budgetBytes / BytesPerPixel(architecture, pass)), 64, 65536);
}
