using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Tiles;

/// <summary>
/// Blend weights of the tiles along one axis, as differentiable tensor functions of the continuous pixel position p
/// (pixel centres at 0, 1, …, L − 1), so that autograd differentiates the blended field f = Σ w_i f_i exactly.
///
/// Between tiles k and k + 1 the weight moves over their shared band, the pixel centres a_{k+1} … a_{k+1} + O − 1:
///     r_k(p) = q((p − a_{k+1}) / (O − 1)),   q(t) = 6t⁵ − 15t⁴ + 10t³ on t clamped to [0, 1]
/// (the quintic smoothstep: q′ and q″ vanish at both ends, so r_k is C² — a cubic smoothstep is only C¹, and its
/// Laplacian would jump by 6/(O − 1)² at the band's edges). Tile k's weight is w_k = r_{k−1} − r_k with r_{−1} = 1 and
/// r_{n−1} = 0: the sum telescopes to 1 everywhere, and w_k ≥ 0 because the bands do not intersect (stride ≥ overlap,
/// <see cref="TileLayout.Validate"/>). w_k is 0 outside tile k's pixel centres, so each field is used only where it was
/// fitted; beyond the image the first and last tiles keep weight 1.
/// </summary>
internal static class PartitionOfUnity
{
    /// <summary>The quintic smoothstep q(t) on t clamped to [0, 1].</summary>
    public static Tensor Smoothstep(Tensor t)
    {
        var c = t.clamp(0.0, 1.0);
        return c * c * c * (c * (c * 6 - 15) + 10);
    }

    /// <summary>
    /// Weights (N, n) of the n tiles starting at <paramref name="starts"/> at positions <paramref name="p"/> (N), in
    /// <paramref name="p"/>'s dtype; each row sums to 1.
    /// </summary>
    public static Tensor Weights(Tensor p, IReadOnlyList<int> starts, int overlap)
    {
        int n = starts.Count;
        if (n == 1) return ones_like(p).unsqueeze(1); // (N, 1)
        var rises = new Tensor[n - 1];
        for (int k = 0; k < n - 1; k++) rises[k] = Smoothstep((p - starts[k + 1]) / (overlap - 1.0)); // (N)
        var r = stack(rises, dim: 1);                                                                 // (N, n−1)
        var one = ones_like(p).unsqueeze(1);                                                          // (N, 1)
        var zero = zeros_like(p).unsqueeze(1);                                                        // (N, 1)
        return cat([one, r], dim: 1) - cat([r, zero], dim: 1);                                        // (N, n)
    }

    /// <summary>The weight of one tile k (of <paramref name="starts"/>) at positions <paramref name="p"/> (N): r_{k−1} − r_k.</summary>
    public static Tensor Weight(Tensor p, IReadOnlyList<int> starts, int overlap, int k)
    {
        var rise = k == 0 ? ones_like(p) : Smoothstep((p - starts[k]) / (overlap - 1.0));
        return k == starts.Count - 1 ? rise : rise - Smoothstep((p - starts[k + 1]) / (overlap - 1.0)); // (N)
    }

    /// <summary>The interval of positions where tile k's weight is not zero: (a_k, a_{k+1} + O − 1), open, unbounded at the ends.</summary>
    public static (double From, double To) Support(IReadOnlyList<int> starts, int overlap, int k) =>
        (k == 0 ? double.NegativeInfinity : starts[k], k == starts.Count - 1 ? double.PositiveInfinity : starts[k + 1] + overlap - 1.0);
}
