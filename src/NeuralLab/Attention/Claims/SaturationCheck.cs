using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>What claim 3.1's check measured.</summary>
/// <param name="Keys">n, the number of scores.</param>
/// <param name="MinAlpha">Smallest α over random float64 score vectors of <see cref="SaturationCheck.RandomKeys"/> keys (must be &gt; 0).</param>
/// <param name="MaxAlpha">Largest α over them (must be &lt; 1).</param>
/// <param name="MaxSumError">Largest |Σα − 1| over them.</param>
/// <param name="Gaps">Score gaps g of the top score over n − 1 zeros.</param>
/// <param name="Complement">1 − α₁ measured as Σ_{j≥2} α_j (no cancellation), float64, per gap.</param>
/// <param name="MaxComplementRelativeError">Largest relative deviation of the complement from (n−1)e^{−g}/(1+(n−1)e^{−g}).</param>
/// <param name="TopWeightMonotone">Whether α₁ never decreased as g grew.</param>
/// <param name="Float32GapAlphaIsOne">Smallest g at which float32 softmax returns α₁ = 1 exactly.</param>
/// <param name="Float64GapAlphaIsOne">The same in float64.</param>
/// <param name="Float32GapOthersAreZero">Smallest g at which float32 returns α_j = 0 exactly for the others.</param>
/// <param name="Float64GapOthersAreZero">The same in float64.</param>
public sealed record SaturationResult(
    int Keys, double MinAlpha, double MaxAlpha, double MaxSumError,
    IReadOnlyList<double> Gaps, IReadOnlyList<double> Complement, double MaxComplementRelativeError, bool TopWeightMonotone,
    double Float32GapAlphaIsOne, double Float64GapAlphaIsOne, double Float32GapOthersAreZero, double Float64GapOthersAreZero)
{
    /// <summary>
    /// libtorch computes exp(sⱼ − max)/Σ: the sum 1 + (n−1)e^{−g} rounds to exactly 1 once (n−1)e^{−g} is below
    /// half an ulp above 1, 2^{−p} (p = 24 for float32, 53 for float64), i.e. from g = ln(n−1) + p ln 2 — exact
    /// for n = 2. For n &gt; 2 it is an upper end: libtorch adds the terms in vector lanes, and a tiny term added
    /// to the 1 on its own rounds away from g = p ln 2, so measured gaps lie between p ln 2 and this value
    /// (n = 100 measured here: 20.55 in float32 against 16.64 … 21.23).
    /// </summary>
    public static double PredictedGapAlphaIsOne(int keys, int significandBits) => Math.Log(keys - 1) + significandBits * Math.Log(2);

    /// <summary>e^{−g} rounds to 0 below half the smallest subnormal, 2^{−150} (float32) or 2^{−1075} (float64).</summary>
    public static double PredictedGapUnderflow(int exponentOfHalfSubnormal) => exponentOfHalfSubnormal * Math.Log(2);
}

/// <summary>
/// Claim 3.1: the weights of softmax(K q) are a probability vector, and they approach a one-hot vector as
/// one score pulls ahead. In exact arithmetic no weight ever reaches 0 or 1; in floating point they do,
/// at score gaps measured here by bisection.
/// </summary>
internal static class SaturationCheck
{
    /// <summary>Keys per random score vector.</summary>
    public const int RandomKeys = 16;

    public static SaturationResult Run(int keys, bool broken = false)
    {
        using var scope = NewDisposeScope();
        var (minAlpha, maxAlpha, maxSumError) = RandomScores(broken);
        var gaps = Enumerable.Range(0, 31).Select(g => (double)g).ToArray();
        var complement = new double[gaps.Length];
        double maxRelative = 0, previousTop = double.NegativeInfinity;
        bool monotone = true;
        foreach (var (g, i) in gaps.Select((g, i) => (g, i)))
        {
            var alpha = WeightsOfScores(GapScores(keys, g, ScalarType.Float64), broken); // (n)
            double top = alpha[0].item<double>();
            complement[i] = alpha.narrow(0, 1, keys - 1).sum().item<double>();
            double others = (keys - 1) * Math.Exp(-g);
            double exact = others / (1 + others);
            maxRelative = Math.Max(maxRelative, Math.Abs(complement[i] - exact) / exact);
            monotone &= top >= previousTop;
            previousTop = top;
        }
        return new SaturationResult(keys, minAlpha, maxAlpha, maxSumError, gaps, complement, maxRelative, monotone,
            FirstGap(keys, ScalarType.Float32, a => a[0].item<float>() == 1f, broken),
            FirstGap(keys, ScalarType.Float64, a => a[0].item<double>() == 1.0, broken),
            FirstGap(keys, ScalarType.Float32, a => a.narrow(0, 1, keys - 1).max().item<float>() == 0f, broken),
            FirstGap(keys, ScalarType.Float64, a => a.narrow(0, 1, keys - 1).max().item<double>() == 0.0, broken));
    }

    /// <summary>α = softmax(K q) with K = I and q = the scores, so the library's single-query path computes it.</summary>
    /// <param name="scores">s, (n).</param>
    /// <param name="broken">Fault injection: normalise without the largest term, as if it had been dropped from the sum.</param>
    /// <returns>α, (n).</returns>
    internal static Tensor WeightsOfScores(Tensor scores, bool broken)
    {
        long n = scores.shape[0];
        using var scope = NewDisposeScope();
        var keys = eye(n, dtype: scores.dtype); // (n, n): key i is the i-th basis vector, so kᵢᵀq = sᵢ
        var alpha = SoftmaxAttention.Weights(keys, scores); // (n)
        if (broken) alpha = alpha.div(1 - alpha.max()); // Σ_{j≠max} e^{s_j} in the denominator
        return alpha.MoveToOuterDisposeScope();
    }

    /// <summary>The top score g followed by n − 1 zeros, (n).</summary>
    internal static Tensor GapScores(int keys, double gap, ScalarType dtype)
    {
        var s = zeros(keys, dtype: dtype); // (n)
        s[0].fill_(gap);
        return s;
    }

    /// <summary>
    /// 64 random score vectors of 16 keys with spreads 0.25 to 4: gaps stay far below the 36.7 at which float64
    /// itself rounds a weight to 1, so what is tested is the exact-arithmetic property, not the saturation.
    /// </summary>
    static (double Min, double Max, double SumError) RandomScores(bool broken)
    {
        const int keys = RandomKeys;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sumError = 0;
        for (int trial = 0; trial < 64; trial++)
        {
            using var scope = NewDisposeScope();
            var scores = randn(keys, dtype: ScalarType.Float64).mul(0.25 * (trial % 16 + 1)); // (n)
            var alpha = WeightsOfScores(scores, broken); // (n)
            min = Math.Min(min, alpha.min().item<double>());
            max = Math.Max(max, alpha.max().item<double>());
            sumError = Math.Max(sumError, Math.Abs(alpha.sum().item<double>() - 1));
        }
        return (min, max, sumError);
    }

    /// <summary>Smallest gap (to 1e-6 relative) at which <paramref name="saturated"/> holds; the predicate is monotone in g.</summary>
    static double FirstGap(int keys, ScalarType dtype, Func<Tensor, bool> saturated, bool broken)
    {
        bool At(double g)
        {
            using var scope = NewDisposeScope();
            return saturated(WeightsOfScores(GapScores(keys, g, dtype), broken));
        }
        double lo = 0, hi = 2000;
        if (!At(hi)) return double.PositiveInfinity;
        while (hi - lo > 1e-6 * hi)
        {
            double mid = 0.5 * (lo + hi);
            if (At(mid)) hi = mid; else lo = mid;
        }
        return hi;
    }
}
