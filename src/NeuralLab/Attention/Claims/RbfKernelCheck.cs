using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>What claim 3.4's check measured: max |softmax(Kq/σ) − RBF weights| over queries, per σ and key family.</summary>
/// <param name="Keys">n.</param>
/// <param name="Dimension">d.</param>
/// <param name="Bandwidths">σ.</param>
/// <param name="UnitNorm">Keys with ‖kᵢ‖ = 1, per σ.</param>
/// <param name="EqualNorm">Keys all of norm <see cref="EqualNormValue"/> ≠ 1, per σ.</param>
/// <param name="UnequalNorm">Keys with norms spread over [0.5, 2], per σ.</param>
/// <param name="EqualNormValue">The common norm of the equal-norm family.</param>
/// <param name="UnequalNormCorrected">Unequal norms with the bias −‖kᵢ‖²/(2σ) added to the scores, per σ.</param>
/// <param name="PlainUnitNorm">max |softmax(Kq) − RBF weights| with unit-norm keys, per σ: the solution's equation (4).</param>
/// <param name="StepRelativeError">max |zᵢ − exp(−(‖q‖² + 1)/(2σ))·yᵢ| / zᵢ with unit-norm keys, per σ: the solution's step in (3).</param>
/// <param name="PlainUnequalNorm">max |softmax(Kq) − RBF weights| with norms in [0.5, 2], per σ.</param>
public sealed record RbfKernelResult(int Keys, int Dimension, IReadOnlyList<double> Bandwidths,
    IReadOnlyList<double> UnitNorm, IReadOnlyList<double> EqualNorm, IReadOnlyList<double> UnequalNorm,
    IReadOnlyList<double> UnequalNormCorrected, double EqualNormValue,
    IReadOnlyList<double> PlainUnitNorm, IReadOnlyList<double> StepRelativeError, IReadOnlyList<double> PlainUnequalNorm)
{
    /// <summary>Differences at or below this are float64 rounding of a probability vector.</summary>
    public const double IdentityTolerance = 1e-12;
}

/// <summary>
/// Claim 3.4. For keys of equal norm r, ‖q − kᵢ‖² = ‖q‖² − 2qᵀkᵢ + r², so
/// exp(−‖q − kᵢ‖²/(2σ)) = exp(qᵀkᵢ/σ) · exp(−(‖q‖² + r²)/(2σ)): the second factor is the same for every i and
/// cancels in the normalisation, leaving softmax(Kq/σ). With unequal norms a factor exp(−‖kᵢ‖²/(2σ)) per key remains.
/// The two sides are computed independently: one from dot products, one from distances.
/// </summary>
internal static class RbfKernelCheck
{
    /// <summary>Normalised RBF weights exp(−‖q − kᵢ‖²/(2σ)) / Σⱼ exp(−‖q − kⱼ‖²/(2σ)), from distances.</summary>
    /// <param name="keys">K, (n, d).</param>
    /// <param name="queries">Q, (m, d).</param>
    /// <param name="bandwidth">σ.</param>
    /// <param name="broken">Fault injection: exp(−‖q − k‖²/σ), the factor 2 dropped.</param>
    /// <returns>(m, n), rows summing to 1.</returns>
    public static Tensor RbfWeights(Tensor keys, Tensor queries, double bandwidth, bool broken = false)
    {
        using var scope = NewDisposeScope();
        var squaredDistances = queries.unsqueeze(1).sub(keys.unsqueeze(0)).pow(2).sum(-1); // (m, 1, d) − (1, n, d) → (m, n)
        var logits = squaredDistances.div(broken ? -bandwidth : -2 * bandwidth); // (m, n)
        return logits.softmax(-1).MoveToOuterDisposeScope(); // normalisation of the exponentials, (m, n)
    }

    public static RbfKernelResult Run(int keys, int dimension, IReadOnlyList<double> bandwidths, int queries = 16, bool broken = false)
    {
        using var scope = NewDisposeScope();
        var directions = randn(keys, dimension, dtype: ScalarType.Float64); // (n, d)
        var unit = directions.div(directions.norm(dim: 1, keepdim: true)); // (n, d), ‖kᵢ‖ = 1
        const double equalNorm = 3.0;
        var equal = unit.mul(equalNorm); // (n, d)
        var norms = rand(keys, 1, dtype: ScalarType.Float64).mul(1.5).add(0.5); // (n, 1) in [0.5, 2]
        var unequal = unit.mul(norms); // (n, d)
        var q = randn(queries, dimension, dtype: ScalarType.Float64).div(Math.Sqrt(dimension)); // (m, d), ‖q‖ ≈ 1

        double Difference(Tensor k, double sigma, Tensor? bias = null)
        {
            using var inner = NewDisposeScope();
            var attention = bias is null
                ? SoftmaxAttention.Matrix(q, k, sigma) // (m, n): softmax(Kq/σ) for every query row at once
                : q.matmul(k.transpose(0, 1)).add(bias).div(sigma).softmax(-1); // ((m, n) + (1, n)) / σ
            return attention.sub(RbfWeights(k, q, sigma, broken)).abs().max().item<double>();
        }

        double Plain(Tensor k, double sigma)
        {
            using var inner = NewDisposeScope();
            return SoftmaxAttention.Matrix(q, k, 1).sub(RbfWeights(k, q, sigma, broken)).abs().max().item<double>(); // softmax(Kq), (m, n)
        }

        // (3): zᵢ = exp(−‖q − kᵢ‖²/(2σ)) against exp(−(‖q‖² + 1)/(2σ))·exp(qᵀkᵢ), unit-norm keys.
        double Step(double sigma)
        {
            using var inner = NewDisposeScope();
            var z = q.unsqueeze(1).sub(unit.unsqueeze(0)).pow(2).sum(-1).div(broken ? -sigma : -2 * sigma).exp(); // (m, n)
            var y = q.matmul(unit.transpose(0, 1)).exp(); // (m, n)
            var factor = q.pow(2).sum(-1, keepdim: true).add(1).div(-2 * sigma).exp(); // (m, 1)
            return factor.mul(y).sub(z).abs().div(z).max().item<double>();
        }

        var keyBias = unequal.pow(2).sum(dim: 1).div(-2).unsqueeze(0); // (1, n): −‖kᵢ‖²/2
        return new RbfKernelResult(keys, dimension, bandwidths,
            bandwidths.Select(s => Difference(unit, s)).ToArray(),
            bandwidths.Select(s => Difference(equal, s)).ToArray(),
            bandwidths.Select(s => Difference(unequal, s)).ToArray(),
            bandwidths.Select(s => Difference(unequal, s, keyBias)).ToArray(),
            equalNorm,
            bandwidths.Select(s => Plain(unit, s)).ToArray(),
            bandwidths.Select(Step).ToArray(),
            bandwidths.Select(s => Plain(unequal, s)).ToArray());
    }
}
