using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>Claim 3.3's measurements for one dimension d (with n = d orthonormal keys, a full basis).</summary>
/// <param name="Dimension">d = n.</param>
/// <param name="Error">‖c − (v₁+v₂)/2‖ per s.</param>
/// <param name="ClosedForm">e^{−s}/(2+(n−2)e^{−s}) · ‖Σ_{j&gt;2} vⱼ − (n−2)(v₁+v₂)/2‖ per s.</param>
/// <param name="MaxWeightRelativeError">Largest |α₁ − w(s)|/w(s) and |α₂ − w(s)|/w(s) with w(s) = 1/(2+(n−2)e^{−s}).</param>
/// <param name="ValueScale">max‖vⱼ‖.</param>
public sealed record AveragingCurve(int Dimension, IReadOnlyList<double> Error, IReadOnlyList<double> ClosedForm,
    double MaxWeightRelativeError, double ValueScale)
{
    /// <summary>Largest relative gap to the closed form where it is far above float64 rounding (&gt; 1e-4·max‖v‖).</summary>
    public double MaxClosedFormRelativeError =>
        Error.Zip(ClosedForm, (e, c) => c > 1e-4 * ValueScale ? Math.Abs(e - c) / c : 0).Max();

    /// <summary>Smallest s on the grid at which the error falls below 1e-3·max‖v‖; grows like ln d.</summary>
    public double ScaleForError(IReadOnlyList<double> scales, double relative = 1e-3)
    {
        for (int i = 0; i < scales.Count; i++)
            if (Error[i] <= relative * ValueScale) return scales[i];
        return double.PositiveInfinity;
    }
}

/// <summary>The solution's own query q = 100d·(k₁ + k₂) with n = d orthonormal keys, for one d.</summary>
/// <param name="Dimension">d = n.</param>
/// <param name="Alpha1">α₁ by libtorch's (stable) softmax, float64.</param>
/// <param name="Alpha2">α₂.</param>
/// <param name="ClosedForm">The solution's exp(100d)/(2exp(100d) + d − 2), evaluated stably as 1/(2 + (d − 2)e^(−100d)).</param>
/// <param name="OutputError">‖c − (v₁ + v₂)/2‖ / max‖vⱼ‖.</param>
/// <param name="NaiveFloat64">The solution's formula evaluated literally in float64 (NaN once exp(100d) overflows).</param>
/// <param name="NaiveFloat32">The same in float32.</param>
public sealed record SolutionQuery(int Dimension, double Alpha1, double Alpha2, double ClosedForm, double OutputError, double NaiveFloat64, double NaiveFloat32)
{
    /// <summary>Largest relative error of the two computed attention weights α₁, α₂ against the closed form (a
    /// fraction, 0 is exact).</summary>
    public double WeightRelativeError => Math.Max(Math.Abs(Alpha1 - ClosedForm), Math.Abs(Alpha2 - ClosedForm)) / ClosedForm;
}

/// <summary>What claim 3.3's check measured.</summary>
public sealed record AveragingResult(IReadOnlyList<double> Scales, IReadOnlyList<AveragingCurve> Curves, IReadOnlyList<SolutionQuery> Solution)
{
    /// <summary>The smallest d (1 … 64) at which the solution's formula, evaluated literally, is not finite in float64 / float32.</summary>
    public static int FirstNaiveFailure(Func<int, double> naive) => Enumerable.Range(1, 64).FirstOrDefault(d => !double.IsFinite(naive(d)));

    /// <summary>exp(100d)/(2exp(100d) + d − 2) as written, in float64.</summary>
    public static double NaiveFloat64(int d) => Math.Exp(100.0 * d) / (2 * Math.Exp(100.0 * d) + d - 2);

    /// <summary>The same in float32.</summary>
    public static double NaiveFloat32(int d) => MathF.Exp(100f * d) / (2 * MathF.Exp(100f * d) + d - 2);

}

/// <summary>
/// Claim 3.3: with q = s(k₁ + k₂) the scores are s, s, 0, …, 0, so α₁ = α₂ = 1/(2+(n−2)e^{−s}) and
/// c − (v₁+v₂)/2 = e^{−s}/(2+(n−2)e^{−s}) · (Σ_{j&gt;2} vⱼ − (n−2)(v₁+v₂)/2): the error shrinks like e^{−s}
/// but grows with n = d, so the s needed for a given error grows like ln d.
/// </summary>
internal static class AveragingCheck
{
    /// <param name="dimensions">The d to try; n = d keys each.</param>
    /// <param name="maxScale">Largest s; s runs over 0, 1, …, maxScale.</param>
    /// <param name="broken">Fault injection: q = s(k₁ + ½k₂), a wrong weight on k₂.</param>
    public static AveragingResult Run(IReadOnlyList<int> dimensions, int maxScale = 30, bool broken = false)
    {
        var scales = Enumerable.Range(0, maxScale + 1).Select(s => (double)s).ToArray();
        var curves = dimensions.Select(d => Curve(d, scales, broken)).ToList();
        return new AveragingResult(scales, curves, dimensions.Select(d => Solution(d, broken)).ToList());
    }

    /// <summary>The solution's q = 100d·(k₁ + k₂) (with the same fault as <see cref="Run"/>), n = d keys.</summary>
    static SolutionQuery Solution(int d, bool broken)
    {
        using var scope = NewDisposeScope();
        // The standard basis: orthonormal exactly in float64, as the solution's kᵢᵀkⱼ = 0, kᵢᵀkᵢ = 1 (a rotated basis adds
        // rounding of order d·u·100d to the scores, which the claim is not about).
        var k = eye(d, dtype: ScalarType.Float64); // (n, d)
        var v = randn(d, d, dtype: ScalarType.Float64).div(Math.Sqrt(d)); // (n, dᵥ)
        var q = k[0].add(k[1].mul(broken ? 0.5 : 1.0)).mul(100.0 * d); // (d)
        var alpha = SoftmaxAttention.Weights(k, q); // (n)
        double error = alpha.matmul(v).sub(v[0].add(v[1]).div(2)).norm().item<double>() / v.norm(dim: 1).max().item<double>();
        return new SolutionQuery(d, alpha[0].item<double>(), alpha[1].item<double>(), 1 / (2 + (d - 2) * Math.Exp(-100.0 * d)), error,
            AveragingResult.NaiveFloat64(d), AveragingResult.NaiveFloat32(d));
    }

    static AveragingCurve Curve(int d, double[] scales, bool broken)
    {
        if (d < 2) throw new ArgumentOutOfRangeException(nameof(d), "averaging needs at least two keys");
        using var scope = NewDisposeScope();
        int n = d;
        var k = AttentionInputs.OrthonormalKeys(n, d); // (n, d)
        var v = randn(n, d, dtype: ScalarType.Float64).div(Math.Sqrt(d)); // (n, dᵥ), ‖vⱼ‖ ≈ 1
        var target = v[0].add(v[1]).div(2); // (dᵥ)
        double residualNorm = v.narrow(0, 2, n - 2).sum(dim: 0).sub(target.mul(n - 2)).norm().item<double>();
        var direction = k[0].add(k[1].mul(broken ? 0.5 : 1.0)); // (d)
        var error = new double[scales.Length];
        var closed = new double[scales.Length];
        double weightError = 0;
        for (int j = 0; j < scales.Length; j++)
        {
            double s = scales[j];
            var alpha = SoftmaxAttention.Weights(k, direction.mul(s)); // (n)
            error[j] = alpha.matmul(v).sub(target).norm().item<double>();
            double w = 1 / (2 + (n - 2) * Math.Exp(-s));
            closed[j] = Math.Exp(-s) * w * residualNorm;
            weightError = Math.Max(weightError, Math.Max(
                Math.Abs(alpha[0].item<double>() - w), Math.Abs(alpha[1].item<double>() - w)) / w);
        }
        return new AveragingCurve(d, error, closed, weightError, v.norm(dim: 1).max().item<double>());
    }
}
