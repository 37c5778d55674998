using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.Attention;

static class AttentionText
{
    public static string G(double v, int digits = 2) => v.ToString("G" + digits, CultureInfo.InvariantCulture);
}

/// <summary>Answer 3.1: αᵢ → 1 as kᵢᵀq → ∞, never beyond; the others → 0, "so it could be zero".</summary>
public sealed class SaturationClaim(AttentionCheckSizes sizes) : ClaimCheck<SaturationResult>("3.1",
    "αᵢ = exp(kᵢᵀq)/Σⱼ exp(kⱼᵀq) tends to 1 as kᵢᵀq → ∞ and cannot be larger; the other αⱼ tend to 0, so they could be zero.")
{
    /// <summary>Largest score gap at which float64 still represents e^(−g) far from underflow: the range where exact arithmetic is tested.</summary>
    const double ExactRange = 30;

    /// <inheritdoc/>
    public override string Criterion =>
        $"softmax weights (libtorch, float64) over 64 random score vectors of {SaturationCheck.RandomKeys} keys and over a top score g = 0..{ExactRange} above " +
        $"n − 1 = {sizes.SaturationKeys - 1} zeros: the conclusion (weights in (0, 1), summing to 1 within 1e-14, αᵢ non-decreasing in g, Σ_(j≠i) αⱼ within 1e-12 " +
        "relative of (n−1)e^(−g)/(1 + (n−1)e^(−g))) must hold, or it does not hold. \"Could be zero\": holds if some other weight is exactly 0 at a gap " +
        $"≤ {ExactRange}; otherwise it holds under a condition — the limit, or floating-point underflow, whose gap is measured by bisection in float32 and float64.";

    /// <summary>Fault injection: the normalisation leaves out the largest term, so weights exceed 1.</summary>
    public override SaturationResult Measure(ReportContext context)
    {
        Seeding.SeedEverything(context.Seed);
        return SaturationCheck.Run(sizes.SaturationKeys, context.IsBroken(Id));
    }

    /// <inheritdoc/>
    public override Claim Judge(SaturationResult r)
    {
        bool conclusion = r.MinAlpha > 0 && r.MaxAlpha < 1 && r.MaxSumError <= 1e-14 && r.MaxComplementRelativeError <= 1e-12 && r.TopWeightMonotone;
        bool zeroInExactRange = r.Gaps.Zip(r.Complement).Any(p => p.First <= ExactRange && p.Second == 0);
        var verdict = !conclusion ? Verdict.DoesNotHold : zeroInExactRange ? Verdict.Holds : Verdict.HoldsUnderCondition;
        var evidence = new Dictionary<string, object?>
        {
            ["keys"] = r.Keys,
            ["random_keys"] = SaturationCheck.RandomKeys,
            ["min_alpha"] = r.MinAlpha,
            ["max_alpha"] = r.MaxAlpha,
            ["max_sum_error"] = r.MaxSumError,
            ["max_complement_relative_error"] = r.MaxComplementRelativeError,
            ["top_weight_monotone"] = r.TopWeightMonotone,
            ["others_at_gap_30"] = r.Complement[^1],
            ["float32_gap_alpha_is_one"] = r.Float32GapAlphaIsOne,
            ["float32_gap_alpha_is_one_predicted"] = SaturationResult.PredictedGapAlphaIsOne(r.Keys, 24),
            ["float64_gap_alpha_is_one"] = r.Float64GapAlphaIsOne,
            ["float64_gap_alpha_is_one_predicted"] = SaturationResult.PredictedGapAlphaIsOne(r.Keys, 53),
            ["float32_gap_others_are_zero"] = r.Float32GapOthersAreZero,
            ["float32_gap_others_are_zero_predicted"] = SaturationResult.PredictedGapUnderflow(150),
            ["float64_gap_others_are_zero"] = r.Float64GapOthersAreZero,
            ["float64_gap_others_are_zero_predicted"] = SaturationResult.PredictedGapUnderflow(1075),
        };
        string underflow = $"float32 returns αⱼ = 0 from a gap of {AttentionText.G(r.Float32GapOthersAreZero, 4)} (e^(−g) below 2^(−150)), float64 from " +
                           $"{AttentionText.G(r.Float64GapOthersAreZero, 4)} (below 2^(−1075))";
        var (summary, correction) = verdict switch
        {
            Verdict.Holds => (
                "Weights stay in (0, 1), αᵢ → 1, and the others reach exactly 0 at a finite gap.",
                null),
            Verdict.HoldsUnderCondition => (
                $"Weights stay in (0, 1) and αᵢ → 1, but the others are > 0 for every finite gap ({AttentionText.G(r.Complement[^1])} at g = {ExactRange}); exactly 0 only by underflow, from g ≈ {AttentionText.G(r.Float32GapOthersAreZero, 4)} in float32, {AttentionText.G(r.Float64GapOthersAreZero, 4)} in float64.",
                $"αᵢ → 1 and αⱼ → 0 are right, but for finite scores no weight is ever 0: Σ_(j≠i) αⱼ = (n−1)e^(−g)/(1 + (n−1)e^(−g)) > 0 (here " +
                    $"{AttentionText.G(r.Complement[^1])} at g = {ExactRange}). \"Could be zero\" holds only in the limit, or by underflow: {underflow}; " +
                    $"αᵢ rounds to exactly 1 earlier, from g = {AttentionText.G(r.Float32GapAlphaIsOne, 4)} (float32) and {AttentionText.G(r.Float64GapAlphaIsOne, 4)} (float64)."),
            _ => (
                $"The weights leave (0, 1): max α = {AttentionText.G(r.MaxAlpha)}.",
                $"The weights measured leave (0, 1) or do not sum to 1 (min {AttentionText.G(r.MinAlpha)}, max {AttentionText.G(r.MaxAlpha)}, |Σα − 1| up to " +
                    $"{AttentionText.G(r.MaxSumError)}): softmax must normalise by the sum of all n exponentials."),
        };
        return Conclude(verdict, evidence, correction) with { Summary = summary };
    }
}

/// <summary>Answer 3.2: "q is highly similar to kᵢ and not related to the other keys", so c = vᵢ.</summary>
public sealed class CopyingClaim(AttentionCheckSizes sizes) : ClaimCheck<CopyingResult>("3.2",
    "When q is highly similar to kᵢ and unrelated to the other keys, c = Σ αₘvₘ = vᵢ: all attention goes to vᵢ.")
{
    /// <summary>c counts as vᵢ when ‖c − vᵢ‖ is below this fraction of max‖vⱼ‖.</summary>
    public const double CopyTolerance = 1e-3;

    /// <inheritdoc/>
    public override string Criterion =>
        $"n = {sizes.CopyKeys} orthonormal keys in d = {sizes.CopyDimension}, q = s·kᵢ for s = 0..30, float64. The statement needs c → vᵢ: it does not hold " +
        "unless ‖c − vᵢ‖ stays under its bound (n−1)e^(−s)/(1+(n−1)e^(−s))·max‖vⱼ − vᵢ‖ (+1e-14·max‖v‖), matches the closed form within 1e-9 relative, and " +
        $"is ≤ 1e-10·max‖v‖ at s = 30. Similarity alone: at q = kᵢ (s = 1, the most similar unit query) it holds if ‖c − vᵢ‖ ≤ {CopyTolerance:G}·max‖v‖; " +
        "otherwise it holds under a condition (q's magnitude s must grow).";

    /// <summary>Fault injection: the weights are applied to the values one position off.</summary>
    public override CopyingResult Measure(ReportContext context)
    {
        Seeding.SeedEverything(context.Seed);
        return CopyingCheck.Run(sizes.CopyKeys, sizes.CopyDimension, broken: context.IsBroken(Id));
    }

    /// <inheritdoc/>
    public override Claim Judge(CopyingResult r)
    {
        bool converges = r.WorstBoundExcess <= 1e-14 && r.MaxClosedFormRelativeError <= 1e-9 && r.Error[^1] / r.ValueScale <= 1e-10;
        int unit = r.Scales.ToList().IndexOf(1.0);
        bool copiesAtUnitQuery = r.Error[unit] / r.ValueScale <= CopyTolerance;
        var verdict = !converges ? Verdict.DoesNotHold : copiesAtUnitQuery ? Verdict.Holds : Verdict.HoldsUnderCondition;
        double predicted = Math.E / (Math.E + r.Keys - 1);
        double sNeeded = r.Scales.FirstOrDefault(s => r.ErrorAt(s) <= CopyTolerance * r.ValueScale, double.PositiveInfinity);
        var evidence = new Dictionary<string, object?>
        {
            ["keys"] = r.Keys,
            ["d"] = r.Dimension,
            ["alpha_i_at_q_equal_k_i"] = r.TopWeight[unit],
            ["alpha_i_at_q_equal_k_i_predicted"] = predicted,
            ["relative_error_at_q_equal_k_i"] = r.Error[unit] / r.ValueScale,
            ["s_for_relative_error_1e-3"] = sNeeded,
            ["error_at_s10"] = r.ErrorAt(10),
            ["error_at_s_max"] = r.Error[^1],
            ["s_max"] = r.Scales[^1],
            ["worst_bound_excess"] = r.WorstBoundExcess,
            ["max_closed_form_relative_error"] = r.MaxClosedFormRelativeError,
            ["note_keys"] = "Like 3.3, this assumes orthonormal keys: then kᵢᵀq = s and kⱼᵀq = 0.",
        };
        var (summary, correction) = verdict switch
        {
            Verdict.Holds => (
                $"c ≈ vᵢ already at q = kᵢ (relative error {AttentionText.G(r.Error[unit] / r.ValueScale)}).",
                null),
            Verdict.HoldsUnderCondition => (
                $"q = kᵢ gives only αᵢ = e/(e + {r.Keys - 1}) = {AttentionText.G(r.TopWeight[unit], 3)}; c → vᵢ needs q = s·kᵢ with s large (error ≤ {CopyTolerance:G} from s = {AttentionText.G(sNeeded)}, {AttentionText.G(r.Error[^1] / r.ValueScale)} at s = {r.Scales[^1]}).",
                $"Similarity without magnitude is not enough: q = kᵢ gives αᵢ = e/(e + n − 1) = {AttentionText.G(r.TopWeight[unit], 4)} (predicted {AttentionText.G(predicted, 4)}), " +
                    $"so c is still {AttentionText.G(r.Error[unit] / r.ValueScale, 3)}·max‖v‖ from vᵢ. c = vᵢ holds only in the limit q = s·kᵢ, s → ∞: " +
                    $"‖c − vᵢ‖ ≤ (n−1)e^(−s)·max‖vⱼ − vᵢ‖, below {CopyTolerance:G}·max‖v‖ from s = {AttentionText.G(sNeeded)} here (about ln((n−1)/δ))."),
            _ => (
                $"c does not approach vᵢ: relative error {AttentionText.G(r.Error[^1] / r.ValueScale)} at s = {r.Scales[^1]}.",
                "With orthonormal keys and q = s·kᵢ the weights are αᵢ = 1/(1 + (n−1)e^(−s)) → 1 and c → vᵢ; the measured c does not approach vᵢ: the weights must be applied to their own values."),
        };
        return Conclude(verdict, evidence, correction, AttentionFigures.CopyFile) with { Summary = summary };
    }
}

/// <summary>Answer 3.3: q = 100d·(k₁ + k₂) gives α₁ = α₂ = exp(100d)/(2exp(100d) + d − 2) ≈ ½, so c ≈ (v₁ + v₂)/2.</summary>
public sealed class AveragingClaim(AttentionCheckSizes sizes) : ClaimCheck<AveragingResult>("3.3",
    "With q = 100d·(k₁ + k₂): α₁ = α₂ = exp(100d)/(2exp(100d) + d − 2) ≈ ½ and the others ≈ 0, so c ≈ (v₁ + v₂)/2.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        $"The solution's own q = 100d·(k₁ + k₂), n = d orthonormal keys (the standard basis), d ∈ {{{string.Join(", ", sizes.AverageDimensions)}}}, libtorch's softmax in float64: " +
        "holds if α₁ and α₂ equal the solution's closed form (evaluated stably as 1/(2 + (d−2)e^(−100d))) within 1e-12 relative and " +
        "‖c − (v₁ + v₂)/2‖ ≤ 1e-12·max‖vⱼ‖ for every d; does not hold otherwise. Where the formula evaluated literally overflows (float64, float32) is a note.";

    /// <summary>Fault injection: q = s(k₁ + ½k₂), a wrong weight on k₂.</summary>
    public override AveragingResult Measure(ReportContext context)
    {
        Seeding.SeedEverything(context.Seed);
        return AveragingCheck.Run(sizes.AverageDimensions, broken: context.IsBroken(Id));
    }

    /// <inheritdoc/>
    public override Claim Judge(AveragingResult r)
    {
        double weightError = r.Solution.Max(s => s.WeightRelativeError);
        double outputError = r.Solution.Max(s => s.OutputError);
        bool holds = weightError <= 1e-12 && outputError <= 1e-12;
        int naive64 = AveragingResult.FirstNaiveFailure(AveragingResult.NaiveFloat64);
        int naive32 = AveragingResult.FirstNaiveFailure(AveragingResult.NaiveFloat32);
        var evidence = new Dictionary<string, object?>
        {
            ["dimensions"] = r.Solution.Select(s => s.Dimension).ToArray(),
            ["alpha1"] = r.Solution.Select(s => s.Alpha1).ToArray(),
            ["alpha2"] = r.Solution.Select(s => s.Alpha2).ToArray(),
            ["max_weight_relative_error"] = weightError,
            ["max_output_relative_error"] = outputError,
            ["literal_formula_float64"] = r.Solution.Select(s => s.NaiveFloat64).ToArray(),
            ["literal_formula_float64_first_nan_d"] = naive64,
            ["literal_formula_float32_first_nan_d"] = naive32,
            ["note"] = $"exp(100d) overflows float64 once 100d > 709.78 (from d = {naive64}) and float32 once 100d > 88.72 (from d = {naive32}): the formula as written " +
                       "then gives inf/inf = NaN, while a softmax that subtracts the largest score still gives ½. \"d − 2\" assumes as many keys as dimensions.",
        };
        foreach (var c in r.Curves) evidence[$"s_for_1e-3_d{c.Dimension}"] = c.ScaleForError(r.Scales);
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold, evidence,
            holds ? null : $"At the stated q the weights are α₁ = {AttentionText.G(r.Solution[0].Alpha1, 4)}, α₂ = {AttentionText.G(r.Solution[0].Alpha2, 4)} (d = {r.Solution[0].Dimension}), " +
                           $"not ½ each (relative error up to {AttentionText.G(weightError)}): q must weigh k₁ and k₂ equally.",
            AttentionFigures.AverageFile) with
        {
            Summary = holds
                ? $"At q = 100d·(k₁ + k₂) softmax gives α₁ = α₂ = ½ (to {AttentionText.G(weightError)}) and c = (v₁ + v₂)/2 (to {AttentionText.G(outputError)}) for d = {string.Join(", ", r.Solution.Select(s => s.Dimension))}; the formula typed literally is NaN in float64 from d = {naive64}."
                : $"At the stated q, α₁ and α₂ miss ½ by up to {AttentionText.G(weightError)} (relative).",
        };
    }
}

/// <summary>Answer 3.4: softmax(Kq) equals the normalised RBF weights exp(−‖q − kᵢ‖²/(2σ)).</summary>
public sealed class RbfKernelClaim(AttentionCheckSizes sizes) : ClaimCheck<RbfKernelResult>("3.4",
    "zᵢ = exp(−‖q − kᵢ‖²/(2σ)) = exp(−(‖q‖² + 1)/(2σ))·exp(qᵀkᵢ), so softmax(Kq) = z/Σz: dot-product attention is RBF-kernel attention.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        $"n = {sizes.RbfKeys} keys in d = {sizes.RbfDimension}, 16 queries, float64, σ ∈ {{{string.Join(", ", sizes.Bandwidths)}}}: the solution's plain softmax(Kq) " +
        "against the normalised RBF weights computed from distances. Holds if they agree within 1e-12 for every σ with unit-norm keys; holds under a " +
        "condition if they agree only at σ = 1 (the condition named, and what σ ≠ 1 gives measured); does not hold if they differ even at σ = 1 with unit-norm keys.";

    /// <summary>Fault injection: exp(−‖q − k‖²/σ), the factor 2 dropped.</summary>
    public override RbfKernelResult Measure(ReportContext context)
    {
        Seeding.SeedEverything(context.Seed);
        return RbfKernelCheck.Run(sizes.RbfKeys, sizes.RbfDimension, sizes.Bandwidths, broken: context.IsBroken(Id));
    }

    /// <inheritdoc/>
    public override Claim Judge(RbfKernelResult r)
    {
        int one = r.Bandwidths.ToList().IndexOf(1.0);
        double tol = RbfKernelResult.IdentityTolerance;
        bool atOne = one >= 0 && r.PlainUnitNorm[one] <= tol;
        bool everySigma = r.PlainUnitNorm.All(d => d <= tol);
        var verdict = !atOne ? Verdict.DoesNotHold : everySigma ? Verdict.Holds : Verdict.HoldsUnderCondition;
        var others = r.Bandwidths.Select((s, i) => (Sigma: s, Plain: r.PlainUnitNorm[i], Step: r.StepRelativeError[i])).Where(t => t.Sigma != 1.0).ToList();
        var evidence = new Dictionary<string, object?>
        {
            ["keys"] = r.Keys,
            ["d"] = r.Dimension,
            ["sigmas"] = r.Bandwidths.ToArray(),
            ["softmax_Kq_vs_rbf_unit_norm"] = r.PlainUnitNorm.ToArray(),
            ["step_3_relative_error_unit_norm"] = r.StepRelativeError.ToArray(),
            ["softmax_Kq_over_sigma_vs_rbf_unit_norm"] = r.UnitNorm.ToArray(),
            ["softmax_Kq_vs_rbf_unequal_norms"] = r.PlainUnequalNorm.ToArray(),
            ["softmax_Kq_over_sigma_vs_rbf_unequal_norms"] = r.UnequalNorm.ToArray(),
            ["with_bias_minus_norm2_over_2sigma_unequal_norms"] = r.UnequalNormCorrected.ToArray(),
        };
        var (summary, correction) = verdict switch
        {
            Verdict.Holds => (
                $"softmax(Kq) equals the RBF weights for every σ (difference ≤ {AttentionText.G(r.PlainUnitNorm.Max())}).",
                null),
            Verdict.HoldsUnderCondition => (
                $"softmax(Kq) equals the RBF weights only at σ = 1 (difference {AttentionText.G(r.PlainUnitNorm[one])}, unit-norm keys); for σ ≠ 1 they are softmax(Kq/σ), off softmax(Kq) by up to {AttentionText.G(r.PlainUnitNorm.Max())}.",
                $"Right for σ = 1 with unit-norm keys (difference {AttentionText.G(r.PlainUnitNorm[one])}), which the working assumes (‖kᵢ‖² = 1) but does not state for σ. " +
                    "The step zᵢ = exp(−(‖q‖² + 1)/(2σ))·yᵢ drops a 1/σ: zᵢ = exp(−(‖q‖² + 1)/(2σ))·exp(qᵀkᵢ/σ) = c·yᵢ^(1/σ), so the normalised RBF weights are " +
                    $"softmax(Kq/σ) (difference {AttentionText.G(r.UnitNorm.Max())} for every σ), not softmax(Kq): at " +
                    string.Join(", ", others.Select(t => $"σ = {AttentionText.G(t.Sigma)} they differ by {AttentionText.G(t.Plain)} (step off by {AttentionText.G(t.Step)} relative)")) +
                    $". With keys of unequal norm even σ = 1 leaves a factor exp(−‖kᵢ‖²/2) per key (difference {AttentionText.G(one >= 0 ? r.PlainUnequalNorm[one] : double.NaN)})."),
            _ => (
                $"softmax(Kq) and the RBF weights differ by {AttentionText.G(one >= 0 ? r.PlainUnitNorm[one] : double.NaN)} even at σ = 1.",
                $"Even at σ = 1 with unit-norm keys softmax(Kq) and the normalised RBF weights differ by {AttentionText.G(one >= 0 ? r.PlainUnitNorm[one] : double.NaN)}: " +
                    "with ‖kᵢ‖ = 1, ‖q − kᵢ‖² = ‖q‖² − 2qᵀkᵢ + 1, so exp(−‖q − kᵢ‖²/2) ∝ exp(qᵀkᵢ); the kernel or its bandwidth is wrong."),
        };
        return Conclude(verdict, evidence, correction) with { Summary = summary };
    }
}

/// <summary>Answer 3.5: if P = softmax(QKᵀ) = AΣBᵀ has rank k, PV costs O(nkd).</summary>
public sealed class LowRankClaim(AttentionCheckSizes sizes) : ClaimCheck<LowRankResult>("3.5",
    "If P = softmax(QKᵀ) = AΣBᵀ has rank k, PV = A(Σ(BV)) is computed in O(nkd) time.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        $"Given a row-stochastic P of rank exactly {sizes.LowRank.ExactRank} (n = {sizes.LowRank.N}, float64) and its rank-k SVD factors, A(Σ(BᵀV)) must equal PV " +
        $"within 1e-10 relative; and timed on one thread (float32, k = {sizes.LowRank.TimingRank}, n ∈ {{{string.Join(", ", sizes.LowRank.TimingSizes)}}}, minimum of " +
        $"{sizes.LowRank.TimingRepeats} runs), the log-log slope in n of A(Σ(BᵀV)) must be at least 0.5 below that of PV with P given. Otherwise it does not hold. " +
        "If both, it holds when the working's products are defined as written, and holds with an error in the working when they are not (\"BV\" with B of " +
        "shape (n, k) and V of shape (n, d)). What the solution leaves out (the cost of the factors, the rank of real softmax matrices) goes in the correction.";

    /// <summary>Fault injection: the factored product drops Σ, computing A(BᵀV).</summary>
    public override LowRankResult Measure(ReportContext context)
    {
        Seeding.SeedEverything(context.Seed);
        return LowRankCheck.Run(sizes.LowRank, context.IsBroken(Id), context.Progress);
    }

    /// <inheritdoc/>
    public override Claim Judge(LowRankResult r)
    {
        bool exact = r.FactoredRelativeError <= 1e-10;
        bool scales = r.GivenPSlope - r.FactoredSlope >= 0.5;
        var verdict = !(exact && scales) ? Verdict.DoesNotHold : r.WorkingProductDefined ? Verdict.Holds : Verdict.HoldsWithErrorInWorking;
        var ranks = r.Settings.Ranks;
        int k64 = ranks.ToList().FindLastIndex(k => k <= r.Settings.TimingRank);
        var nystrom = r.Curve("nystrom").Error;
        var evidence = new Dictionary<string, object?>
        {
            ["exact_rank"] = r.Settings.ExactRank,
            ["exact_rank_measured"] = r.ExactRankMeasured,
            ["factored_relative_error"] = r.FactoredRelativeError,
            ["direct_factors_relative_error"] = r.DirectFactorsRelativeError,
            ["working_BV_defined"] = r.WorkingProductDefined,
            ["timing_sizes"] = r.Settings.TimingSizes.ToArray(),
            ["factored_seconds"] = r.FactoredSeconds.ToArray(),
            ["given_P_seconds"] = r.GivenPSeconds.ToArray(),
            ["factored_slope"] = r.FactoredSlope,
            ["given_P_slope"] = r.GivenPSlope,
            ["n"] = r.Settings.N,
            ["softmax_numerical_rank"] = r.SoftmaxRank,
            ["rank_relative_tolerance"] = r.RankTolerance,
            ["ranks"] = ranks.ToArray(),
            ["svd_error"] = r.Curve("svd").Error.ToArray(),
            ["nystrom_error"] = nystrom.ToArray(),
            ["linformer_error"] = r.Curve("linformer").Error.ToArray(),
            [$"iid_svd_error_k{r.IidRank}"] = r.IidSvdError,
            [$"iid_nystrom_error_k{r.IidRank}"] = r.IidNystromError,
            ["full_attention_seconds"] = r.FullSeconds.ToArray(),
            ["nystrom_seconds"] = r.LowRankSeconds.ToArray(),
            ["full_attention_slope"] = r.FullSlope,
            ["nystrom_slope"] = r.LowRankSlope,
        };
        string leftOut =
            $"What the solution leaves out: the factors cost O(n²d) to form P and more for an SVD, so given only Q, K, V nothing is saved; and softmax(QKᵀ) is " +
            $"generically of full rank: numerical rank {r.SoftmaxRank} of {r.Settings.N} here (singular values above {AttentionText.G(r.RankTolerance)}·σ_max), so AΣBᵀ " +
            $"can only approximate it. The practical route is Nyström, which builds factors from k landmarks without P: relative error " +
            $"{(k64 >= 0 ? AttentionText.G(nystrom[k64]) : "—")} at k = {(k64 >= 0 ? ranks[k64] : 0)} (optimum {(k64 >= 0 ? AttentionText.G(r.Curve("svd").Error[k64]) : "—")}) on a smooth " +
            $"sequence, {AttentionText.G(r.IidNystromError)} on i.i.d. tokens; its time grows with slope {r.LowRankSlope:F2} in n against {r.FullSlope:F2} for full attention.";
        string factored =
            $"Given rank-k factors, A(Σ(BᵀV)) is exact ({AttentionText.G(r.FactoredRelativeError)}) and scales with slope {r.FactoredSlope:F2} in n against {r.GivenPSlope:F2} for PV" +
            (r.WorkingProductDefined ? "." : "; but the working's BV is undefined (B is n×k): it is BᵀV. Real softmax(QKᵀ) is full rank here.");
        var (summary, correction) = verdict switch
        {
            Verdict.Holds => (factored, leftOut),
            Verdict.HoldsWithErrorInWorking => (factored,
                $"The conclusion is right: A(Σ(BᵀV)) equals PV (relative error {AttentionText.G(r.FactoredRelativeError)}) and its time grows with slope {r.FactoredSlope:F2} in n " +
                $"against {r.GivenPSlope:F2} for PV. The working's shapes are wrong: with P = AΣBᵀ, B is (n, k), so \"BV\" is undefined for k < n — it is BᵀV, (k, d); " +
                $"A is (n, k), not (n, m), and Σ (k, k). {leftOut}"),
            _ when !exact => (
                $"A(Σ(BᵀV)) misses PV by {AttentionText.G(r.FactoredRelativeError)} (relative).",
                $"A(Σ(BᵀV)) must equal (AΣBᵀ)V exactly; measured relative error {AttentionText.G(r.FactoredRelativeError)} means a factor was lost."),
            _ => (
                $"A(Σ(BᵀV)) did not scale better than PV (slopes {r.FactoredSlope:F2}, {r.GivenPSlope:F2}).",
                $"The factored product did not scale better than PV here (slopes {r.FactoredSlope:F2} against {r.GivenPSlope:F2})."),
        };
        return Conclude(verdict, evidence, correction, AttentionFigures.LowRankFile) with { Summary = summary };
    }
}
