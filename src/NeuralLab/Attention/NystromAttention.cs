using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>
/// Nyström attention (Xiong et al. 2021, "Nyströmformer", eq. 14): with k landmark queries Q̃ and keys K̃
/// (means of k contiguous segments of the sequence),
///   softmax(Q Kᵀ/τ) V ≈ F A⁺ (B V),  F = softmax(Q K̃ᵀ/τ) (n, k),  A = softmax(Q̃ K̃ᵀ/τ) (k, k),  B = softmax(Q̃ Kᵀ/τ) (k, n).
/// Every tensor is at most n × max(k, d): the n × n matrix is never formed, and the cost is O(nkd + k³).
/// With k = n the landmarks are the tokens themselves, F = A = B = P and the result is exact (P invertible).
/// </summary>
internal static class NystromAttention
{
    /// <summary>
    /// The k × k landmark kernel A has singular values spanning many decades, and inverting the small ones
    /// multiplies the mismatch between F A⁺ B and P by 1/σ. Measured on <see cref="AttentionInputs.SmoothSequence"/>
    /// (n = 1024, d = 64, τ = √d, float64), relative error at k = 64 for rtol 0.3 / 0.1 / 0.03 / 0.01 / 0.003 / none:
    /// 0.55 / 0.20 / 0.10 / 0.084 / 0.092 / 0.74; 0.01 is best or near it for every k ≥ 16.
    /// </summary>
    public const double DefaultPinvRelativeTolerance = 1e-2;

    /// <param name="queries">Q, (n, d).</param>
    /// <param name="keys">K, (n, d).</param>
    /// <param name="values">V, (n, dᵥ).</param>
    /// <param name="landmarks">k, 1 ≤ k ≤ n.</param>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    /// <param name="pinvRelativeTolerance">Singular values of A below this fraction of the largest are dropped from A⁺.</param>
    /// <returns>(n, dᵥ).</returns>
    public static Tensor Forward(Tensor queries, Tensor keys, Tensor values, int landmarks, double temperature = 1.0,
        double pinvRelativeTolerance = DefaultPinvRelativeTolerance)
    {
        long n = keys.shape[0];
        if (landmarks < 1 || landmarks > n) throw new ArgumentOutOfRangeException(nameof(landmarks), $"landmarks must lie in [1, {n}]");
        using var scope = NewDisposeScope();
        var queryLandmarks = SegmentMeans(queries, landmarks); // (k, d)
        var keyLandmarks = SegmentMeans(keys, landmarks); // (k, d)
        var f = SoftmaxAttention.Matrix(queries, keyLandmarks, temperature); // (n, k)
        var a = SoftmaxAttention.Matrix(queryLandmarks, keyLandmarks, temperature); // (k, k)
        var b = SoftmaxAttention.Matrix(queryLandmarks, keys, temperature); // (k, n)
        // A's pseudo-inverse is taken in float64 (k³ work, negligible); Xiong et al. iterate Newton–Schulz
        // instead because SVDs are slow on GPUs, which also damps the small singular values.
        var aPinv = linalg.pinv(a.to_type(ScalarType.Float64), rtol: pinvRelativeTolerance).to_type(a.dtype); // (k, k)
        var bv = b.matmul(values); // (k, n) · (n, dᵥ) → (k, dᵥ)
        return f.matmul(aPinv.matmul(bv)).MoveToOuterDisposeScope(); // (n, k) · (k, dᵥ) → (n, dᵥ)
    }

    /// <summary>Means of k contiguous, nearly equal segments of the rows: row t belongs to segment ⌊t·k/n⌋.</summary>
    /// <param name="rows">X, (n, d).</param>
    /// <returns>(k, d).</returns>
    /// <param name="segments">k, 1 ≤ k ≤ n.</param>
    public static Tensor SegmentMeans(Tensor rows, int segments)
    {
        long n = rows.shape[0];
        using var scope = NewDisposeScope();
        if (n % segments == 0)
            return rows.reshape(segments, n / segments, rows.shape[1]).mean([1]).MoveToOuterDisposeScope(); // (k, n/k, d) → (k, d)
        var segment = arange(n, dtype: ScalarType.Int64).mul(segments).div(n, rounding_mode: RoundingMode.floor); // (n)
        var sums = zeros(segments, rows.shape[1], dtype: rows.dtype).index_add_(0, segment, rows, 1); // (k, d)
        var counts = zeros(segments, dtype: rows.dtype).index_add_(0, segment, ones(n, dtype: rows.dtype), 1); // (k)
        return sums.div(counts.unsqueeze(1)).MoveToOuterDisposeScope(); // (k, d)
    }
}
