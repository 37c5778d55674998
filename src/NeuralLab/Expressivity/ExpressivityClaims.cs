using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>Turns this run's numbers into the verdicts on answers 1.1–1.7. Nothing here is decided in advance.</summary>
public static class ExpressivityClaims
{
    public static Claim AbsoluteValue(IReadOnlyList<ConstructionResult> results, string figure)
    {
        var rows = results.Where(r => r.Check.Id == "1.1").ToList();
        var stated = rows.Single(r => r.Role == "stated").Check;
        var corrected = rows.Single(r => r.Role == "corrected").Check;
        return new Claim("1.1",
            $"|x| is computed by one hidden ReLU layer with w0 = [1, −1], w1 = [{Weights(stated.Weights.W1)}] and no biases.",
            stated.Exact ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["stated_max_error"] = Max(stated),
                ["stated_domain"] = stated.Domain,
                ["corrected_w1"] = corrected.Weights.W1,
                ["corrected_max_error"] = Max(corrected),
                ["grid_points"] = stated.GridPoints,
            },
            stated.Exact ? null
                : $"With w1 = [{Weights(stated.Weights.W1)}] the network computes σ(x) − σ(−x) = x (off by {Max(stated):G3} on [−5, 5]). " +
                  $"|x| = σ(x) + σ(−x): w1 = [{Weights(corrected.Weights.W1)}] is exact (max error {Max(corrected):G2}).",
            figure);
    }

    public static Claim AbsoluteAffine(IReadOnlyList<ConstructionResult> results, string figure)
    {
        var rows = results.Where(r => r.Check.Id == "1.2").ToList();
        var stated = rows.Where(r => r.Role == "stated").Select(r => r.Check).ToList();
        var corrected = rows.Where(r => r.Role == "corrected").Select(r => r.Check).ToList();
        bool holds = stated.All(c => c.Exact);
        return new Claim("1.2",
            $"|mx + b| is computed for any m, b with w0 = [m, −m], b0 = [b, −b], w1 = [{Weights(stated[0].Weights.W1)}].",
            holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["cases"] = stated.Select(c => c.Target).ToArray(),
                ["stated_max_error"] = stated.Select(Max).ToArray(),
                ["corrected_max_error"] = corrected.Select(Max).ToArray(),
            },
            holds ? null
                : "σ(mx + b) − σ(−mx − b) = mx + b, which equals |mx + b| only where mx + b ≥ 0 " +
                  $"(errors {string.Join(", ", stated.Select(c => $"{c.Target}: {Max(c):G3}"))}). " +
                  $"w1 = [1, 1] gives σ(mx + b) + σ(−mx − b) = |mx + b| exactly (max error {corrected.Max(Max):G2}).",
            figure);
    }

    public static Claim Constant(IReadOnlyList<ConstructionResult> results, string figure)
    {
        var rows = results.Where(r => r.Check.Id == "1.3").Select(r => (r.Role, r.Check)).ToList();
        double Error(string role, Activation a) => rows.Where(r => r.Role == role && r.Check.Activation == a).Max(r => Max(r.Check));
        bool Exact(string role, Activation a) => rows.Where(r => r.Role == role && r.Check.Activation == a).All(r => r.Check.Exact);
        bool sigmoid = Exact("written", Activation.Sigmoid), relu = Exact("written", Activation.Relu);
        var verdict = sigmoid && relu ? Verdict.Holds : sigmoid || relu ? Verdict.HoldsUnderCondition : Verdict.DoesNotHold;
        string? correction = verdict switch
        {
            Verdict.Holds => null,
            Verdict.HoldsUnderCondition when sigmoid =>
                "Holds only when σ(0) = 1/2, as for the logistic sigmoid: f = 2b·σ(0). With ReLU σ(0) = 0 and f ≡ 0 " +
                $"(off by |b|, {Error("written", Activation.Relu):G3} here). For ReLU a bias is needed: b0 = [b, −b], w1 = [1, −1] gives " +
                $"σ(b) − σ(−b) = b (max error {Error("with bias", Activation.Relu):G2}; with the sigmoid that gives tanh(b/2) instead).",
            _ => $"w0 = 0, w1 = 2b is off by {Error("written", Activation.Sigmoid):G3} with the sigmoid and {Error("written", Activation.Relu):G3} with ReLU.",
        };
        return new Claim("1.3", "A constant b is computed with w0 = 0 and w1 = 2b.", verdict,
            new Dictionary<string, object?>
            {
                ["b_values"] = ConstructionSuite.Constants,
                ["written_sigmoid_max_error"] = Error("written", Activation.Sigmoid),
                ["written_relu_max_error"] = Error("written", Activation.Relu),
                ["bias_relu_max_error"] = Error("with bias", Activation.Relu),
                ["bias_sigmoid_max_error"] = Error("with bias", Activation.Sigmoid),
            },
            correction, figure);
    }

    public static Claim Hat(IReadOnlyList<ConstructionResult> results, string figure)
    {
        var hat = results.Single(r => r.Role == "hat").Check;
        var fromKnots = results.Single(r => r.Role == "from knots").Check;
        bool holds = hat.Exact && fromKnots.Exact;
        return new Claim("1.4",
            "3σ(x+2) − 6σ(x) + 3σ(x−2) is the hat through (−2, 0), (0, 6), (2, 0); any continuous piecewise-linear function is a ReLU network with one unit per kink.",
            holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["hat_w1"] = hat.Weights.W1,
                ["hat_max_error"] = Max(hat),
                ["from_knots_max_error"] = Max(fromKnots),
                ["from_knots_units"] = fromKnots.Units,
                ["from_knots_w1"] = fromKnots.Weights.W1,
            },
            holds ? null : $"The network with w1 = [{Weights(hat.Weights.W1)}] is off the hat by {Max(hat):G3}; FromKnots gives w1 = [{Weights(fromKnots.Weights.W1)}] (error {Max(fromKnots):G2}).",
            figure);
    }

    public static Claim Homogeneity(HomogeneityStudy study, string figure)
    {
        bool homogeneous = study.MaxRelativeDeviation <= Expressivity.Homogeneity.Tolerance;
        // Any positively homogeneous f is at or above the bound; 1e-9 is float64 noise in two sums of 401 squares.
        bool aboveBound = study.MinBiasFreeMse >= study.Bound.Mse * (1 - 1e-9);
        var best = study.Trained.Where(t => !t.Biases).MinBy(t => t.FinalMse)!;
        return new Claim("1.5",
            "Without biases a ReLU network is positively homogeneous, f(cx) = c·f(x) for c ≥ 0, so it cannot be x² (f(4) would be 2·f(2)).",
            homogeneous && aboveBound ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["random_networks"] = study.RandomNetworks.Count,
                ["max_relative_deviation"] = study.MaxRelativeDeviation,
                ["bound_mse"] = study.Bound.Mse,
                ["bound_mse_continuum"] = study.Bound.ContinuousMse,
                ["bound_slopes"] = new[] { study.Bound.SlopeNegative, study.Bound.SlopePositive },
                ["min_trained_mse_without_biases"] = study.MinBiasFreeMse,
                ["min_trained_mse_with_biases"] = study.MinMseWithBiases,
                ["best_bias_free_f2"] = best.F2,
                ["best_bias_free_f4"] = best.F4,
                ["steps"] = best.Steps,
            },
            homogeneous && aboveBound ? null
                : $"Measured: f(cx) − c·f(x) up to {study.MaxRelativeDeviation:G3} (relative) and an MSE of {study.MinBiasFreeMse:G4} against the bound {study.Bound.Mse:G4}: these networks are not bias-free.",
            figure);
    }

    public static Claim OutsideGrowth(IReadOnlyList<OutsideFit> fits, string figure)
    {
        bool eachGrows = fits.All(f => f.GrowsOutside);
        bool growsWithInterval = fits.GroupBy(f => f.Method).All(g =>
        {
            var ordered = g.OrderBy(f => f.HalfWidth).ToArray();
            return ordered.Zip(ordered.Skip(1), (p, q) => q.ErrorAt2L > p.ErrorAt2L).All(x => x);
        });
        bool holds = eachGrows && growsWithInterval;
        return new Claim("1.6",
            "No finite ReLU network approximates x² uniformly on all of ℝ: it is piecewise linear with finitely many pieces, so |x² − f(x)| → ∞.",
            holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["fits"] = fits.Select(f => new
                {
                    f.Method,
                    half_width = f.HalfWidth,
                    f.Units,
                    max_error_inside = f.MaxErrorInside,
                    error_at_2l = f.ErrorAt2L,
                    error_at_10l = f.ErrorAt10L,
                    error_at_100l = f.ErrorAt100L,
                }).ToArray(),
            },
            holds ? null : "The error measured outside the fitted interval did not keep growing: the measurement does not reach outside [−L, L].",
            figure);
    }

    public static Claim Approximator(ApproximatorStudyResult study, string figure)
    {
        var all = study.Sweep.Concat(study.RandomSmooth).ToList();
        int certified = all.Count(r => r.Certified);
        var squares = study.Sweep.Where(r => r.SquareBound != null).ToList();
        bool economical = squares.All(r => r.Units <= r.SquareBound);
        bool holds = certified == all.Count && economical;
        return new Claim("1.7",
            "On a bounded interval a one-hidden-layer ReLU network approximates any continuous function to any ε.",
            holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["certified"] = $"{certified} of {all.Count}",
                ["worst_error_over_eps"] = all.Max(r => r.MaxError / r.Eps),
                ["functions"] = ApproximatorStudy.Functions.Select(f => f.Formula).ToArray(),
                ["eps_values"] = study.Sweep.Select(r => r.Eps).Distinct().ToArray(),
                ["x2_units"] = squares.Select(r => r.Units).ToArray(),
                ["x2_uniform_bound"] = squares.Select(r => r.SquareBound).ToArray(),
                ["adam_comparison"] = study.Comparisons.Select(c => new
                {
                    c.Function,
                    c.Units,
                    c.Eps,
                    constructed_max_error = c.ConstructedMaxError,
                    adam_max_error = c.AdamMaxError,
                    c.Steps,
                }).ToArray(),
                ["constructed_wins"] = $"{study.Comparisons.Count(c => c.ConstructedWins)} of {study.Comparisons.Count}",
            },
            holds ? null
                : $"Only {certified} of {all.Count} constructed networks met ε on their grids" +
                  (economical ? "." : ", and x² needed more units than the uniform bound."),
            figure);
    }

    static double Max(ConstructionCheck c) => Math.Max(c.MaxErrorGrid, c.MaxErrorKinks);

    static string Weights(double[] w) => string.Join(", ", w.Select(v => v.ToString("G", System.Globalization.CultureInfo.InvariantCulture).Replace("-", "−")));
}
