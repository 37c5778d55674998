using NeuralLab.Attention;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Attention;

public class SoftmaxAttentionTests
{
    static double MaxAbs(Tensor a, Tensor b) => a.sub(b).abs().max().to_type(ScalarType.Float64).item<double>();

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(8.0)] // √d for d = 64: libtorch's own scaling, no rescaling of the queries needed
    public void BatchedAgreesWithLibtorchScaledDotProductAttention(double temperature)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        var q = randn(2, 3, 5, 64, dtype: ScalarType.Float64); // (batch, heads, m, d)
        var k = randn(2, 3, 7, 64, dtype: ScalarType.Float64); // (batch, heads, n, d)
        var v = randn(2, 3, 7, 16, dtype: ScalarType.Float64); // (batch, heads, n, dᵥ)
        var ours = SoftmaxAttention.Batched(q, k, v, temperature); // (2, 3, 5, 16)
        var oracle = nn.functional.scaled_dot_product_attention(q.mul(8.0 / temperature), k, v); // libtorch divides by √64 = 8
        Assert.Equal(new long[] { 2, 3, 5, 16 }, ours.shape);
        Assert.True(MaxAbs(ours, oracle) < 1e-13, $"max difference {MaxAbs(ours, oracle)}");
        Assert.True(MaxAbs(ours, SoftmaxAttention.Libtorch(q, k, v, temperature)) < 1e-13);
    }

    [Fact]
    public void Float32BatchedAgreesWithLibtorchToFloatRounding()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        var q = randn(64, 32); // (m, d)
        var k = randn(80, 32); // (n, d)
        var v = randn(80, 32); // (n, dᵥ)
        double tau = Math.Sqrt(32);
        Assert.True(MaxAbs(SoftmaxAttention.Batched(q, k, v, tau), nn.functional.scaled_dot_product_attention(q, k, v)) < 1e-5);
    }

    [Fact]
    public void SingleQueryMatchesAHandWrittenSoftmaxSum()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var k = randn(6, 4, dtype: ScalarType.Float64); // (n, d)
        var v = randn(6, 3, dtype: ScalarType.Float64); // (n, dᵥ)
        var q = randn(4, dtype: ScalarType.Float64); // (d)
        const double tau = 0.7;
        double[,] keys = To2D(k), values = To2D(v);
        double[] query = q.data<double>().ToArray();
        var scores = Enumerable.Range(0, 6).Select(i => Enumerable.Range(0, 4).Sum(j => keys[i, j] * query[j]) / tau).ToArray();
        double max = scores.Max();
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
        double total = weights.Sum();
        var expected = Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 6).Sum(i => weights[i] / total * values[i, c])).ToArray();

        var alpha = SoftmaxAttention.Weights(k, q, tau).data<double>().ToArray();
        var context = SoftmaxAttention.Single(k, v, q, tau).data<double>().ToArray();
        for (int i = 0; i < 6; i++) Assert.Equal(weights[i] / total, alpha[i], 1e-15);
        for (int c = 0; c < 3; c++) Assert.Equal(expected[c], context[c], 1e-14);
        // The single query is one row of the batched form.
        var row = SoftmaxAttention.Batched(q.unsqueeze(0), k, v, tau)[0]; // (dᵥ)
        Assert.True(MaxAbs(row, SoftmaxAttention.Single(k, v, q, tau)) < 1e-15);
    }

    [Fact]
    public void ChunkedEqualsBatchedForChunksThatDoNotDivideTheQueries()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        var q = randn(37, 8, dtype: ScalarType.Float64); // (m, d)
        var k = randn(50, 8, dtype: ScalarType.Float64); // (n, d)
        var v = randn(50, 5, dtype: ScalarType.Float64); // (n, dᵥ)
        var full = SoftmaxAttention.Batched(q, k, v, 2.0);
        foreach (int rows in new[] { 1, 10, 37, 100 })
            Assert.True(MaxAbs(SoftmaxAttention.Chunked(q, k, v, 2.0, rows), full) < 1e-15, $"chunk {rows}");
    }

    [Fact]
    public void NonPositiveTemperatureIsRejected()
    {
        using var scope = NewDisposeScope();
        var k = ones(3, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxAttention.Weights(k, ones(2), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxAttention.Matrix(k, k, double.NaN));
    }

    static double[,] To2D(Tensor t)
    {
        var data = t.data<double>().ToArray();
        int rows = (int)t.shape[0], cols = (int)t.shape[1];
        var result = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                result[i, j] = data[i * cols + j];
        return result;
    }
}
