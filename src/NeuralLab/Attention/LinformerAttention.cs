using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>
/// Linformer attention (Wang et al. 2020, eq. 7): softmax(Q (E K)ᵀ/τ) (F V) with k × n projections E and F,
/// here the fixed mean-pooling projections the paper lists as an alternative to learned ones (kernel and
/// stride n/k): E K and F V are the k segment means of K and V. Cost O(nkd); the n × n matrix never exists.
/// </summary>
internal static class LinformerAttention
{
    /// <param name="queries">Q, (n, d).</param>
    /// <param name="keys">K, (n, d).</param>
    /// <param name="values">V, (n, dᵥ).</param>
    /// <param name="projected">k, 1 ≤ k ≤ n.</param>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    /// <returns>(n, dᵥ).</returns>
    public static Tensor Forward(Tensor queries, Tensor keys, Tensor values, int projected, double temperature = 1.0)
    {
        long n = keys.shape[0];
        if (projected < 1 || projected > n) throw new ArgumentOutOfRangeException(nameof(projected), $"projected length must lie in [1, {n}]");
        using var scope = NewDisposeScope();
        var pooledKeys = NystromAttention.SegmentMeans(keys, projected); // E K, (k, d)
        var pooledValues = NystromAttention.SegmentMeans(values, projected); // F V, (k, dᵥ)
        return SoftmaxAttention.Batched(queries, pooledKeys, pooledValues, temperature).MoveToOuterDisposeScope(); // (n, k) · (k, dᵥ) → (n, dᵥ)
    }
}
