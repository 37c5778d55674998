using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>What claim 3.2's check measured, per query scale s.</summary>
/// <param name="Keys">n orthonormal keys.</param>
/// <param name="Dimension">d.</param>
/// <param name="Scales">s.</param>
/// <param name="Error">‖c − vᵢ‖ measured.</param>
/// <param name="ClosedForm">e^{−s}/(1+(n−1)e^{−s}) · ‖Σ_{j≠i}(vⱼ − vᵢ)‖, the exact error.</param>
/// <param name="Bound">(n−1)e^{−s}/(1+(n−1)e^{−s}) · max_{j≠i}‖vⱼ − vᵢ‖, the analytic bound.</param>
/// <param name="ValueScale">max‖vⱼ‖, the yardstick for rounding.</param>
/// <param name="TopWeight">αᵢ per s (at s = 1, q = kᵢ itself: e/(e + n − 1)).</param>
public sealed record CopyingResult(int Keys, int Dimension, IReadOnlyList<double> Scales,
    IReadOnlyList<double> Error, IReadOnlyList<double> ClosedForm, IReadOnlyList<double> Bound, double ValueScale, IReadOnlyList<double> TopWeight)
{
    /// <summary>Error above the bound beyond float64 rounding, at any s (must be ≤ 0).</summary>
    public double WorstBoundExcess => Error.Zip(Bound, (e, b) => e - b).Max() / ValueScale;

    /// <summary>
    /// Largest relative gap between measured and closed-form error where the error is far above float64 rounding
    /// (c &gt; 1e-4·max‖v‖): below that, rounding αᵢ ≈ 1 to 53 bits alone moves c by about 1e-16·‖vᵢ‖.
    /// </summary>
    public double MaxClosedFormRelativeError => Error.Zip(ClosedForm, (e, c) => c > 1e-4 * ValueScale ? Math.Abs(e - c) / c : 0).Max();

    internal double ErrorAt(double s) => Error[Array.IndexOf(Scales.ToArray(), s)];
}

/// <summary>
/// Claim 3.2: c − vᵢ = Σ_{j≠i} αⱼ(vⱼ − vᵢ) with αⱼ = e^{−s}/(1+(n−1)e^{−s}) for j ≠ i, so
/// ‖c − vᵢ‖ ≤ (1 − αᵢ) max_{j≠i}‖vⱼ − vᵢ‖ ≤ (n−1)e^{−s} max_{j≠i}‖vⱼ − vᵢ‖ → 0.
/// </summary>
internal static class CopyingCheck
{
    /// <param name="keys">n ≤ d.</param>
    /// <param name="dimension">d.</param>
    /// <param name="target">i, the key to copy.</param>
    /// <param name="maxScale">Largest s; s runs over 0, 1, …, maxScale.</param>
    /// <param name="broken">Fault injection: the weights are applied to the values one position off (a wrong weight per value).</param>
    public static CopyingResult Run(int keys, int dimension, int target = 0, int maxScale = 30, bool broken = false)
    {
        using var scope = NewDisposeScope();
        var k = AttentionInputs.OrthonormalKeys(keys, dimension); // (n, d)
        var v = randn(keys, dimension, dtype: ScalarType.Float64); // (n, dᵥ)
        var vi = v[target]; // (dᵥ)
        var differences = v.sub(vi); // (n, dᵥ), row i is zero
        double sumNorm = differences.sum(dim: 0).norm().item<double>();
        double maxNorm = differences.norm(dim: 1).max().item<double>();
        double valueScale = v.norm(dim: 1).max().item<double>();
        var scales = Enumerable.Range(0, maxScale + 1).Select(s => (double)s).ToArray();
        var error = new double[scales.Length];
        var closed = new double[scales.Length];
        var bound = new double[scales.Length];
        var top = new double[scales.Length];
        for (int j = 0; j < scales.Length; j++)
        {
            double s = scales[j];
            var q = k[target].mul(s); // (d)
            var alpha = SoftmaxAttention.Weights(k, q); // (n)
            if (broken) alpha = alpha.roll(1, 0);
            top[j] = alpha[target].item<double>();
            var c = alpha.matmul(v); // (dᵥ)
            error[j] = c.sub(vi).norm().item<double>();
            double e = Math.Exp(-s), denominator = 1 + (keys - 1) * e;
            closed[j] = e / denominator * sumNorm;
            bound[j] = (keys - 1) * e / denominator * maxNorm;
        }
        return new CopyingResult(keys, dimension, scales, error, closed, bound, valueScale, top);
    }
}
