using NeuralLab.Common;
using TorchSharp;
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
public sealed record RbfKernelResult(int Keys, int Dimension, IReadOnlyList<double> Bandwidths,
    IReadOnlyList<double> UnitNorm, IReadOnlyList<double> EqualNorm, IReadOnlyList<double> UnequalNorm,
    IReadOnlyList<double> UnequalNormCorrected, double EqualNormValue)
{
    /// <summary>Differences at or below this are float64 rounding of a probability vector.</summary>
    public const double IdentityTolerance = 1e-12;

    public Claim ToClaim()
    {
        bool unitHolds = UnitNorm.Max() <= IdentityTolerance;
        bool unequalHolds = UnequalNorm.Max() <= IdentityTolerance;
        var verdict = !unitHolds ? Verdict.DoesNotHold : unequalHolds ? Verdict.Holds : Verdict.HoldsUnderCondition;
        int sigmaOne = Bandwidths.ToList().IndexOf(1.0);
        var evidence = new Dictionary<string, object?>
        {
            ["keys"] = Keys,
            ["d"] = Dimension,
            ["sigmas"] = Bandwidths.ToArray(),
            ["max_diff_unit_norm"] = UnitNorm.Max(),
            ["max_diff_unit_norm_sigma1"] = sigmaOne >= 0 ? UnitNorm[sigmaOne] : null,
            ["max_diff_equal_norm"] = EqualNorm.Max(),
            ["equal_norm"] = EqualNormValue,
            ["max_diff_unequal_norm"] = UnequalNorm.Max(),
            ["min_diff_unequal_norm"] = UnequalNorm.Min(),
            ["max_diff_unequal_norm_with_bias"] = UnequalNormCorrected.Max(),
        };
        string? correction = verdict switch
        {
            Verdict.HoldsUnderCondition =>
                $"Holds for any bandwidth sigma > 0 (the solution's plain dot product is sigma = 1), but only when all keys have the same norm " +
                $"(unit norm: max difference {UnitNorm.Max():G2}); with norms in [0.5, 2] the weights differ by up to {UnequalNorm.Max():G2}, " +
                $"because exp(-|q-k_i|^2/(2 sigma)) = exp(q.k_i/sigma) exp(-|q|^2/(2 sigma)) exp(-|k_i|^2/(2 sigma)) keeps a per-key factor. " +
                $"Adding -|k_i|^2/(2 sigma) to the scores restores it (max difference {UnequalNormCorrected.Max():G2}).",
            Verdict.DoesNotHold =>
                $"with unit-norm keys |q - k_i|^2 = |q|^2 - 2 q.k_i + 1, so softmax(Kq/sigma) equals the weights exp(-|q-k_i|^2/(2 sigma)) normalised; " +
                $"measured difference {UnitNorm.Max():G2} means the kernel or its bandwidth is wrong.",
            _ => null,
        };
        return new Claim("3.4",
            "With unit-norm keys, softmax attention equals normalised RBF-kernel weights exp(-|q - k_i|^2/2) (derived for the plain dot product).",
            verdict, evidence, correction);
    }
}

/// <summary>
/// Claim 3.4. For keys of equal norm r, ‖q − kᵢ‖² = ‖q‖² − 2qᵀkᵢ + r², so
/// exp(−‖q − kᵢ‖²/(2σ)) = exp(qᵀkᵢ/σ) · exp(−(‖q‖² + r²)/(2σ)): the second factor is the same for every i and
/// cancels in the normalisation, leaving softmax(Kq/σ). With unequal norms a factor exp(−‖kᵢ‖²/(2σ)) per key remains.
/// The two sides are computed independently: one from dot products, one from distances.
/// </summary>
public static class RbfKernelCheck
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

        var keyBias = unequal.pow(2).sum(dim: 1).div(-2).unsqueeze(0); // (1, n): −‖kᵢ‖²/2
        return new RbfKernelResult(keys, dimension, bandwidths,
            bandwidths.Select(s => Difference(unit, s)).ToArray(),
            bandwidths.Select(s => Difference(equal, s)).ToArray(),
            bandwidths.Select(s => Difference(unequal, s)).ToArray(),
            bandwidths.Select(s => Difference(unequal, s, keyBias)).ToArray(),
            equalNorm);
    }
}
