using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>
/// Softmax attention, c = Σᵢ αᵢ vᵢ with α = softmax(K q / τ), for one query and for n queries at once.
/// τ is the temperature: τ = 1 is the homework's plain dot product, τ = √d is the Transformer's
/// scaled dot product (Vaswani et al. 2017, §3.2.1), τ = σ is the RBF kernel's bandwidth (claim 3.4).
/// </summary>
internal static class SoftmaxAttention
{
    /// <summary>Attention weights α = softmax(K q / τ) of one query over n keys.</summary>
    /// <param name="keys">K, (n, d).</param>
    /// <param name="query">q, (d).</param>
    /// <returns>α, (n): positive, summing to one.</returns>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    public static Tensor Weights(Tensor keys, Tensor query, double temperature = 1.0)
    {
        CheckTemperature(temperature);
        using var scope = NewDisposeScope();
        var scores = keys.matmul(query).div(temperature); // (n)
        return scores.softmax(0).MoveToOuterDisposeScope(); // (n)
    }

    /// <summary>The context vector c = Σᵢ αᵢ vᵢ of a single query.</summary>
    /// <param name="keys">K, (n, d).</param>
    /// <param name="values">V, (n, dᵥ).</param>
    /// <param name="query">q, (d).</param>
    /// <returns>c, (dᵥ).</returns>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "One query's attention, not System.Single.")]
    public static Tensor Single(Tensor keys, Tensor values, Tensor query, double temperature = 1.0)
    {
        using var scope = NewDisposeScope();
        var alpha = Weights(keys, query, temperature); // (n)
        return alpha.matmul(values).MoveToOuterDisposeScope(); // (n) · (n, dᵥ) → (dᵥ)
    }

    /// <summary>The attention matrix P = softmax(Q Kᵀ / τ), row-wise; (…, m, n). Forms all m·n weights.</summary>
    /// <param name="queries">Q, (…, m, d).</param>
    /// <param name="keys">K, (…, n, d).</param>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    public static Tensor Matrix(Tensor queries, Tensor keys, double temperature = 1.0)
    {
        CheckTemperature(temperature);
        using var scope = NewDisposeScope();
        var scores = queries.matmul(keys.transpose(-2, -1)); // (…, m, d) · (…, d, n) → (…, m, n)
        scores.div_(temperature); // in place: at n = 4096 each fresh (n, n) buffer costs page faults
        return scores.softmax(-1).MoveToOuterDisposeScope(); // (…, m, n), each row sums to 1
    }

    /// <summary>Batched attention softmax(Q Kᵀ / τ) V: every query row attends to every key row.</summary>
    /// <param name="queries">Q, (…, m, d).</param>
    /// <param name="keys">K, (…, n, d).</param>
    /// <param name="values">V, (…, n, dᵥ).</param>
    /// <returns>(…, m, dᵥ).</returns>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    public static Tensor Batched(Tensor queries, Tensor keys, Tensor values, double temperature = 1.0)
    {
        using var scope = NewDisposeScope();
        var p = Matrix(queries, keys, temperature); // (…, m, n)
        return p.matmul(values).MoveToOuterDisposeScope(); // (…, m, n) · (…, n, dᵥ) → (…, m, dᵥ)
    }

    /// <summary>
    /// The same result as <see cref="Batched"/> for 2-D inputs, computed <paramref name="rowsPerChunk"/>
    /// queries at a time, so that at most rowsPerChunk × n weights exist at once. Still O(m n d) time:
    /// at n = 16384 the full float32 (n, n) matrix would take 1 GiB, one 1024-row chunk 64 MiB.
    /// </summary>
    /// <param name="queries">Q, (m, d).</param>
    /// <param name="keys">K, (n, d).</param>
    /// <param name="values">V, (n, dᵥ).</param>
    /// <returns>(m, dᵥ).</returns>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    /// <param name="rowsPerChunk">Queries per chunk.</param>
    public static Tensor Chunked(Tensor queries, Tensor keys, Tensor values, double temperature, int rowsPerChunk)
    {
        if (rowsPerChunk <= 0) throw new ArgumentOutOfRangeException(nameof(rowsPerChunk), "rows per chunk must be positive");
        long m = queries.shape[0];
        var output = empty(m, values.shape[1], dtype: values.dtype); // (m, dᵥ)
        for (long start = 0; start < m; start += rowsPerChunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(rowsPerChunk, m - start);
            var rows = queries.narrow(0, start, length); // (c, d)
            output.narrow(0, start, length).copy_(Batched(rows, keys, values, temperature)); // (c, dᵥ)
        }
        return output;
    }

    /// <summary>
    /// libtorch's own scaled_dot_product_attention, used as the oracle. It always scales scores by
    /// 1/√d (TorchSharp 0.107 exposes no scale argument), so the queries are pre-multiplied by √d/τ
    /// to make it compute softmax(Q Kᵀ / τ) V. Inputs go in as (batch, 1 head, m, d): libtorch 2.10 picks its
    /// fused flash-attention CPU kernel only for 4-D inputs; 2-D and 3-D ones fall back to the plain math path,
    /// which forms the (m, n) matrix (measured at n = 16384: 2.3 GiB more resident memory, 4–9× slower).
    /// </summary>
    /// <param name="queries">Q, (…, m, d).</param>
    /// <param name="keys">K, (…, n, d).</param>
    /// <param name="values">V, (…, n, dᵥ).</param>
    /// <returns>(…, m, dᵥ).</returns>
    /// <param name="temperature">τ &gt; 0: the scores are divided by it.</param>
    public static Tensor Libtorch(Tensor queries, Tensor keys, Tensor values, double temperature = 1.0)
    {
        CheckTemperature(temperature);
        using var scope = NewDisposeScope();
        long m = queries.shape[^2], n = keys.shape[^2], d = queries.shape[^1], dv = values.shape[^1];
        var leading = queries.shape[..^2]; // (…)
        var q = queries.mul(Math.Sqrt(d) / temperature).reshape(-1, 1, m, d); // (B, 1, m, d)
        var k = keys.reshape(-1, 1, n, d); // (B, 1, n, d)
        var v = values.reshape(-1, 1, n, dv); // (B, 1, n, dᵥ)
        var output = nn.functional.scaled_dot_product_attention(q, k, v); // (B, 1, m, dᵥ)
        return output.reshape([.. leading, m, dv]).MoveToOuterDisposeScope(); // (…, m, dᵥ)
    }

    static void CheckTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be positive and finite");
    }
}
