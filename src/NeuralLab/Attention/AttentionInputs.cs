using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>Inputs for the experiments. Everything random draws from libtorch's generator: seed it first.</summary>
internal static class AttentionInputs
{
    /// <summary>n orthonormal keys in ℝᵈ (n ≤ d), from the QR factorisation of a Gaussian matrix.</summary>
    /// <returns>K, (n, d) with K Kᵀ = I.</returns>
    public static Tensor OrthonormalKeys(int n, int d, ScalarType dtype = ScalarType.Float64)
    {
        if (n > d) throw new ArgumentOutOfRangeException(nameof(n), $"at most d = {d} orthonormal keys exist in R^{d}, asked for {n}");
        using var scope = NewDisposeScope();
        var (q, _) = linalg.qr(randn(d, n, dtype: ScalarType.Float64)); // (d, n), orthonormal columns
        return q.transpose(0, 1).to_type(dtype).contiguous().MoveToOuterDisposeScope(); // (n, d)
    }

    /// <summary>
    /// A token sequence whose neighbours resemble each other, as in text or images: a few low-frequency
    /// Fourier modes in ℝᵈ plus independent noise per token, then random linear maps to queries, keys and values
    /// (a self-attention layer). Segment-mean landmarks (Nyström) rely on this locality; on i.i.d. tokens
    /// every segment mean shrinks towards zero and they carry no information.
    /// </summary>
    /// <returns>Q, K, V, each (n, d).</returns>
    public static (Tensor Queries, Tensor Keys, Tensor Values) SmoothSequence(
        int n, int d, ScalarType dtype = ScalarType.Float32, int modes = 8, double noise = 0.5)
    {
        using var scope = NewDisposeScope();
        var t = arange(n, dtype: ScalarType.Float64).unsqueeze(1).div(n); // (n, 1), positions in [0, 1)
        var frequencies = arange(1, modes + 1, dtype: ScalarType.Float64).mul(2 * Math.PI).unsqueeze(0); // (1, F)
        var phase = t.matmul(frequencies); // (n, F)
        var basis = cat([phase.cos(), phase.sin()], 1).div(Math.Sqrt(modes)); // (n, 2F)
        var coefficients = randn(2 * modes, d, dtype: ScalarType.Float64); // (2F, d)
        var tokens = basis.matmul(coefficients).add_(randn(n, d, dtype: ScalarType.Float64).mul_(noise)); // (n, d)
        Tensor Project() => tokens.matmul(randn(d, d, dtype: ScalarType.Float64).div_(Math.Sqrt(d))).to_type(dtype); // (n, d)
        var q = Project();
        var k = Project();
        var v = Project();
        return (q.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}
