using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>Answer 1.5: no bias-free ReLU network is x², since it is positively homogeneous (f(4) = 2·f(2) = 8, not 16).</summary>
public sealed class HomogeneityClaim(ExpressivityBudget budget) : ClaimCheck<HomogeneityStudy>("1.5",
    "No bias-free ReLU network computes x² exactly: such a network satisfies f(cx) = c·f(x) for c ≥ 0, so f(4) = 2·f(2) = 8 where x² = 16.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        "Holds if every random bias-free network (depths 1–4, widths 3/16/64, 1,000 (x, c) pairs) satisfies |f(cx) − c·f(x)| ≤ 1e-12 relative, " +
        "and no bias-free network trained by Adam on x² at 401 points of [−2, 2] gets below the least MSE any positively homogeneous function can reach " +
        "(computed in closed form, less 1e-9 relative); does not hold otherwise.";

    /// <summary>Fault injection: the "bias-free" networks get biases.</summary>
    public override HomogeneityStudy Measure(ReportContext context) =>
        Homogeneity.Run(budget, context.Seed, addBiases: context.IsBroken(Id), context.Progress);

    /// <inheritdoc/>
    public override Claim Judge(HomogeneityStudy study)
    {
        bool homogeneous = study.MaxRelativeDeviation <= Homogeneity.Tolerance;
        // Any positively homogeneous f is at or above the bound; 1e-9 is float64 noise in two sums of 401 squares.
        bool aboveBound = study.MinBiasFreeMse >= study.Bound.Mse * (1 - 1e-9);
        bool holds = homogeneous && aboveBound;
        var best = study.Trained.Where(t => !t.Biases).MinBy(t => t.FinalMse)!;
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold,
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
            holds ? null
                : $"Measured: f(cx) − c·f(x) up to {study.MaxRelativeDeviation:G3} (relative) and an MSE of {study.MinBiasFreeMse:G4} against the bound {study.Bound.Mse:G4}: these networks are not bias-free.",
            "expressivity-bias-free.png") with
        {
            Summary = string.Create(CultureInfo.InvariantCulture,
                $"f(cx) = c·f(x) to {study.MaxRelativeDeviation:G2} on {study.RandomNetworks.Count} random bias-free networks; the best trained one has f(4)/f(2) = {best.F4 / best.F2:G4} and MSE {study.MinBiasFreeMse:G4} against the homogeneous floor {study.Bound.Mse:G4}."),
        };
    }
}

/// <summary>What 1.6's check computed: fits of x² and their error outside, and a finite network that does approximate x² on [0, 1].</summary>
public sealed record OutsideGrowthMeasurement(IReadOnlyList<OutsideFit> Fits, int BoundedUnits, IntervalCertificate BoundedCertificate);

/// <summary>Answer 1.6: no finite network is within ε of x² on all of ℝ — right; its reason ("finitely many parameters cannot approximate a nonlinear function") is not.</summary>
public sealed class OutsideGrowthClaim(ExpressivityBudget budget) : ClaimCheck<OutsideGrowthMeasurement>("1.6",
    "No fixed finite ReLU network is within ε of x² on all of ℝ, because finitely many parameters cannot approximate a nonlinear function on ℝ.")
{
    /// <summary>The ε of the counter-example to the working: x² on [0, 1] by a finite network.</summary>
    public const double CounterExampleEps = 1e-3;

    /// <inheritdoc/>
    public override string Criterion =>
        "Conclusion: x² is fitted on [−L, L] for growing L (exact interpolation and Adam); it holds if for every fit the error grows from inside to 2L, 10L and " +
        "100L, and the error at 2L grows with L for each method. Argument: it is refuted if a finite one-hidden-layer ReLU network is certified within ε = 1e-3 of the nonlinear x² on [0, 1] " +
        "(the certificate of 1.7). Holds if the conclusion holds and the argument stands; holds with an error in the working if the conclusion holds and the " +
        "argument is refuted; does not hold if the conclusion fails.";

    /// <summary>Fault injection: points outside [−L, L] are clamped into it before evaluation, so nothing grows.</summary>
    public override OutsideGrowthMeasurement Measure(ReportContext context)
    {
        var fits = OutsideGrowth.Run(budget.OutsideFits, budget.TrainingSteps, context.Seed, clampToInterval: context.IsBroken(Id), context.Progress);
        using var singleThreaded = LibtorchThreads.One();
        using var approximation = AdaptiveApproximator.Build(x => x * x, 0, 1, CounterExampleEps * (1 - ApproximatorClaim.Margin), "x^2");
        return new OutsideGrowthMeasurement(fits, approximation.Units, IntervalCertificate.ForSquare(approximation.Network, 0, 1, CounterExampleEps));
    }

    /// <inheritdoc/>
    public override Claim Judge(OutsideGrowthMeasurement m)
    {
        bool eachGrows = m.Fits.All(f => f.GrowsOutside);
        bool growsWithInterval = m.Fits.GroupBy(f => f.Method).All(g =>
        {
            var ordered = g.OrderBy(f => f.HalfWidth).ToArray();
            return ordered.Zip(ordered.Skip(1), (p, q) => q.ErrorAt2L > p.ErrorAt2L).All(x => x);
        });
        bool conclusion = eachGrows && growsWithInterval;
        bool argumentRefuted = m.BoundedCertificate.Meets;
        var verdict = !conclusion ? Verdict.DoesNotHold : argumentRefuted ? Verdict.HoldsWithErrorInWorking : Verdict.Holds;
        var widest = m.Fits.Where(f => f.Method == "interpolation").MaxBy(f => f.HalfWidth)!;
        string growth = string.Create(CultureInfo.InvariantCulture,
            $"x² fitted on [−{widest.HalfWidth:G}, {widest.HalfWidth:G}] with {widest.Units} units errs by {widest.MaxErrorInside:G2} inside but {widest.ErrorAt2L:G3} at 2L, {widest.ErrorAt10L:G3} at 10L and {widest.ErrorAt100L:G3} at 100L");
        string refutation = string.Create(CultureInfo.InvariantCulture,
            $"{m.BoundedUnits} units are certified within {CounterExampleEps:G} of x² on [0, 1] (bound {m.BoundedCertificate.Bound:G4})");
        string? correction = verdict switch
        {
            Verdict.HoldsWithErrorInWorking =>
                $"The conclusion is right, the reason is not: finitely many parameters do approximate a nonlinear function on a bounded set ({refutation}; see 1.7). " +
                "What fails on ℝ is growth: a ReLU network is piecewise linear with finitely many pieces, so beyond its last kink it is a line and " +
                $"|x² − f(x)| grows like x² ({growth}).",
            Verdict.DoesNotHold => $"The error measured outside the fitted interval did not keep growing ({growth}): the measurement does not reach outside [−L, L].",
            _ => null,
        };
        return Conclude(verdict,
            new Dictionary<string, object?>
            {
                ["fits"] = m.Fits.Select(f => new
                {
                    f.Method,
                    half_width = f.HalfWidth,
                    f.Units,
                    max_error_inside = f.MaxErrorInside,
                    error_at_2l = f.ErrorAt2L,
                    error_at_10l = f.ErrorAt10L,
                    error_at_100l = f.ErrorAt100L,
                }).ToArray(),
                ["error_grows_outside"] = conclusion,
                ["bounded_x2_units"] = m.BoundedUnits,
                ["bounded_x2_eps"] = CounterExampleEps,
                ["bounded_x2_certified_bound"] = m.BoundedCertificate.Bound,
                ["argument_refuted"] = argumentRefuted,
            },
            correction, "expressivity-outside-error.png") with
        {
            Summary = verdict switch
            {
                Verdict.HoldsWithErrorInWorking => $"No finite network: {growth}. But the reason is wrong: {refutation}.",
                Verdict.Holds => $"{growth}.",
                _ => $"The error outside did not grow: {growth}.",
            },
        };
    }
}

/// <summary>One ε of 1.7's check: x² on [0, 1] by the piecewise-linear construction, certified independently.</summary>
/// <param name="Eps">ε.</param>
/// <param name="Units">Hidden units of the constructed network.</param>
/// <param name="Certificate">The independent bound on max|N − x²|.</param>
/// <param name="UniformBound">⌈1/(2√ε)⌉: the fewest equal pieces any interpolant of x² needs for ε (a chord of width h errs by h²/4).</param>
public sealed record SquareApproximation(double Eps, int Units, int UniformBound, IntervalCertificate Certificate);

/// <summary>What 1.7's check computed: the x² approximations per ε, and the wider study behind the section's figures.</summary>
public sealed record ApproximatorMeasurement(IReadOnlyList<SquareApproximation> Square, ApproximatorStudyResult Study);

/// <summary>Answer 1.7: on [0, 1] a finite ReLU network is within ε of x², built from n linear pieces.</summary>
public sealed class ApproximatorClaim(ExpressivityBudget budget) : ClaimCheck<ApproximatorMeasurement>("1.7",
    "On [0, 1] a finite ReLU network is within any ε of x²: split x² into n linear pieces (as in 1.4) and build one unit per piece.")
{
    /// <summary>The construction aims at (1 − 1/64)·ε, leaving the certificate room for the between-points and rounding terms.</summary>
    public const double Margin = AdaptiveApproximator.CertificateMargin;

    /// <inheritdoc/>
    public override string Criterion =>
        "For each ε of the sweep, x² on [0, 1] is split into linear pieces (the furthest knot whose chord stays within (1 − 1/64)ε) and turned into a ReLU " +
        "network; the network is then certified on its own, independent of the knots: N is evaluated on 16,385 equal points plus its kinks read from its " +
        "weights, and max|N − x²| over all of [0, 1] is bounded by the larger neighbouring error plus h²/4 (x'' = 2) plus float64 rounding. Holds if " +
        "that bound and the reported max_error are ≤ ε for every ε; does not hold otherwise. How many pieces ε needs (the solution does not say) is reported.";

    /// <summary>Fault injection: each constructed network loses its last hidden unit before certification.</summary>
    public override ApproximatorMeasurement Measure(ReportContext context)
    {
        bool broken = context.IsBroken(Id);
        var square = new List<SquareApproximation>();
        using (var singleThreaded = LibtorchThreads.One())
        {
            foreach (double eps in budget.EpsValues)
            {
                using var approximation = AdaptiveApproximator.Build(x => x * x, 0, 1, eps * (1 - Margin), "x^2");
                using var damaged = broken && approximation.Units > 1 ? approximation.Network.WithoutUnit(approximation.Units - 1) : null;
                square.Add(new SquareApproximation(eps, approximation.Units, AdaptiveApproximator.UniformBoundForSquare(eps),
                    IntervalCertificate.ForSquare(damaged ?? approximation.Network, 0, 1, eps)));
            }
        }
        context.Progress?.Report(new ProgressReport("expressivity 1.7 study", 0, 1, []));
        var study = ApproximatorStudy.Run(budget, context.Seed, dropUnit: broken, context.Progress);
        return new ApproximatorMeasurement(square, study);
    }

    /// <inheritdoc/>
    public override Claim Judge(ApproximatorMeasurement m)
    {
        int certified = m.Square.Count(s => s.Certificate.Meets);
        bool holds = certified == m.Square.Count;
        var finest = m.Square.MinBy(s => s.Eps)!;
        var failed = m.Square.FirstOrDefault(s => !s.Certificate.Meets);
        var others = m.Study.Sweep.Concat(m.Study.RandomSmooth).ToList();
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["eps"] = m.Square.Select(s => s.Eps).ToArray(),
                ["units"] = m.Square.Select(s => s.Units).ToArray(),
                ["fewest_equal_pieces"] = m.Square.Select(s => s.UniformBound).ToArray(),
                ["max_error"] = m.Square.Select(s => s.Certificate.MaxError).ToArray(),
                ["certified_bound"] = m.Square.Select(s => s.Certificate.Bound).ToArray(),
                ["certificate_points"] = m.Square.Select(s => s.Certificate.Points).ToArray(),
                ["certified"] = $"{certified} of {m.Square.Count}",
                ["note_pieces"] = "The solution never says how many pieces ε needs: for x² on [0, 1] equal pieces need n ≥ 1/(2√ε), since a chord of width h errs by h²/4.",
                ["other_functions_within_eps_on_construction_grid"] = $"{others.Count(r => r.Certified)} of {others.Count}",
                ["other_functions"] = ApproximatorStudy.Functions.Select(f => f.Formula).ToArray(),
                ["adam_same_width_beaten"] = $"{m.Study.Comparisons.Count(c => c.ConstructedWins)} of {m.Study.Comparisons.Count}",
            },
            holds ? null : string.Create(CultureInfo.InvariantCulture,
                $"At ε = {failed!.Eps:G} the network of {failed.Units} units is only certified to {failed.Certificate.Bound:G4} (max error {failed.Certificate.MaxError:G4}): one unit per linear piece is needed."),
            "expressivity-units-vs-eps.png") with
        {
            Summary = holds
                ? string.Create(CultureInfo.InvariantCulture,
                    $"x² on [0, 1] certified for all {m.Square.Count} ε down to {finest.Eps:G}: {finest.Units} units (⌈1/(2√ε)⌉ = {finest.UniformBound}), bound {finest.Certificate.Bound:G4} ≤ ε on {finest.Certificate.Points:N0} points + h²/4.")
                : string.Create(CultureInfo.InvariantCulture, $"Only {certified} of {m.Square.Count} networks certified within ε (e.g. ε = {failed!.Eps:G}: bound {failed.Certificate.Bound:G4})."),
        };
    }
}
