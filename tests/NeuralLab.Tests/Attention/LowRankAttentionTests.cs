using NeuralLab.Attention;
using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Attention;

public class LowRankAttentionTests
{
    static double RelativeError(Tensor a, Tensor b) => a.sub(b).norm().item<double>() / b.norm().item<double>();

    [Fact]
    public void FactoredProductReconstructsPVExactlyWhenPHasRankK()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(0);
        const int n = 120, k = 7;
        var w = randn(n, k, dtype: ScalarType.Float64).softmax(1); // (n, k), rows sum to 1
        var h = randn(k, n, dtype: ScalarType.Float64).softmax(1); // (k, n)
        var p = w.matmul(h); // (n, n), rank k, row-stochastic
        var v = randn(n, 9, dtype: ScalarType.Float64); // (n, dᵥ)
        Assert.Equal(k, LowRankAttention.NumericalRank(p));
        var (a, s, b) = LowRankAttention.TruncatedSvd(p, k);
        Assert.Equal(new long[] { n, k }, a.shape);
        Assert.True(RelativeError(LowRankAttention.Factored(a, s, b, v), p.matmul(v)) < 1e-13);
        // A diagonal Σ given as a vector or as a matrix gives the same product.
        Assert.True(RelativeError(LowRankAttention.Factored(a, diag(s), b, v), p.matmul(v)) < 1e-13);
        // One rank fewer cannot reconstruct it.
        var (a1, s1, b1) = LowRankAttention.TruncatedSvd(p, k - 1);
        Assert.True(RelativeError(LowRankAttention.Factored(a1, s1, b1, v), p.matmul(v)) > 1e-6);
    }

    [Fact]
    public void SoftmaxOfALowRankScoreMatrixIsFullRank()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(0);
        var q = randn(64, 4, dtype: ScalarType.Float64); // (n, d), scores QKᵀ have rank 4
        var k = randn(64, 4, dtype: ScalarType.Float64);
        Assert.Equal(4, LowRankAttention.NumericalRank(q.matmul(k.transpose(0, 1))));
        Assert.Equal(64, LowRankAttention.NumericalRank(SoftmaxAttention.Matrix(q, k)));
    }

    [Fact]
    public void NystromAndLinformerAreExactWithOneLandmarkPerToken()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(0);
        var (q, k, v) = AttentionInputs.SmoothSequence(48, 8, ScalarType.Float64);
        var full = SoftmaxAttention.Batched(q, k, v, Math.Sqrt(8));
        // k = n: the segment means are the tokens, F = A = B = P and F A⁻¹ B V = P V (no truncation of A⁺).
        Assert.True(RelativeError(NystromAttention.Forward(q, k, v, 48, Math.Sqrt(8), pinvRelativeTolerance: 1e-15), full) < 1e-9);
        Assert.True(RelativeError(LinformerAttention.Forward(q, k, v, 48, Math.Sqrt(8)), full) < 1e-14);
    }

    [Fact]
    public void SegmentMeansMatchALoopWhenSegmentsAreUneven()
    {
        using var scope = NewDisposeScope();
        var rows = arange(10 * 3, dtype: ScalarType.Float64).reshape(10, 3); // (n, d)
        var means = NystromAttention.SegmentMeans(rows, 4); // (k, d)
        var data = rows.data<double>().ToArray();
        for (int segment = 0; segment < 4; segment++)
        {
            var members = Enumerable.Range(0, 10).Where(t => t * 4 / 10 == segment).ToArray();
            for (int c = 0; c < 3; c++)
                Assert.Equal(members.Average(t => data[t * 3 + c]), means[segment, c].item<double>(), 1e-14);
        }
    }

    [Fact]
    public void LowRankErrorFallsAsKGrows()
    {
        random.manual_seed(0);
        var settings = new LowRankSettings(256, 32, [4, 16, 64], 8, [128, 256], 16, 1);
        var r = LibtorchThreads.WithOne(() => LowRankCheck.Run(settings));
        foreach (var curve in r.Curves)
            Assert.True(curve.Error[^1] < 0.5 * curve.Error[0], $"{curve.Method}: {string.Join(", ", curve.Error)}");
        var svd = r.Curves.First(c => c.Method == "svd").Error;
        Assert.True(svd[0] > svd[1] && svd[1] > svd[2], "Eckart–Young: the optimal error cannot grow with k");
        Assert.All(r.Curves, c => Assert.True(c.Error.Zip(svd).All(p => p.First >= p.Second - 1e-12), $"{c.Method} beat the optimum"));
    }
}
