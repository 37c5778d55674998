using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.Recurrence;

/// <summary>What the checks of 2.2–2.5 share: random draws and the corrupted network of fault injection.</summary>
static class RecurrenceDraws
{
    /// <summary>Random (w, x) draws per check.</summary>
    public const int Draws = 25;

    /// <summary>The wrong weight a broken claim's computation uses.</summary>
    public const double CorruptionFactor = 1.05;

    public static double[] Uniform(Random random, int n, double a = -1, double b = 1) => [.. Enumerable.Range(0, n).Select(_ => a + (b - a) * random.NextDouble())];

    public static double RandomWeight(Random random) => (random.NextDouble() < 0.5 ? -1 : 1) * (0.3 + 1.3 * random.NextDouble());

    /// <summary>The network whose numbers decide claim <paramref name="id"/>: with a wrong weight when the claim is marked broken.</summary>
    public static ScalarRnn Network(ReportContext context, string id, double w, Activation sigma = Activation.Identity, RnnForm form = RnnForm.Outer) =>
        new(context.IsBroken(id) ? w * CorruptionFactor : w, sigma, form);

    public static string E(double v) => v.ToString("G2", CultureInfo.InvariantCulture);
}

/// <summary>What 2.2's check computed.</summary>
public sealed record UnrolledStates(string[] Expanded, bool MatchesSolution, double MaxRelativeError);

/// <summary>Answer 2.2: the linear case's states h₁ = w x₁, h₂ = w x₂ + w² x₁, h₃ = w x₃ + w² x₂ + w³ x₁.</summary>
public sealed class UnrolledStatesClaim() : ClaimCheck<UnrolledStates>("2.2",
    "Linear case: h₁ = w x₁, h₂ = w x₂ + w² x₁, h₃ = w x₃ + w² x₂ + w³ x₁.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        "The model's step run over polynomials in w, x₁, x₂, x₃ must equal the solution's expansions term by term, and the network's forward pass " +
        $"(σ = identity) must match the formulas to relative error < 1e-12 on {RecurrenceDraws.Draws} random (w, x) draws: holds if both, does not hold otherwise.";

    /// <summary>Fault injection: the forward pass runs with w·1.05.</summary>
    public override UnrolledStates Measure(ReportContext context)
    {
        var random = new Random(context.Seed);
        var expanded = LinearExpansion.States(3);
        bool symbolic = Enumerable.Range(1, 3).All(t => expanded[t - 1].SameAs(LinearExpansion.Homework(t)));
        double worst = 0;
        for (int d = 0; d < RecurrenceDraws.Draws; d++)
        {
            double w = RecurrenceDraws.RandomWeight(random);
            var x = RecurrenceDraws.Uniform(random, 3);
            var h = RecurrenceDraws.Network(context, Id, w).States(x);
            for (int t = 1; t <= 3; t++) worst = Math.Max(worst, GradientCheck.RelativeError(h[t - 1], ClosedForms.LinearState(w, x, t)));
        }
        return new UnrolledStates(expanded.Select(e => e.ToString()).ToArray(), symbolic, worst);
    }

    /// <inheritdoc/>
    public override Claim Judge(UnrolledStates m)
    {
        bool holds = m.MatchesSolution && m.MaxRelativeError < 1e-12;
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["h1_expanded"] = m.Expanded[0],
                ["h2_expanded"] = m.Expanded[1],
                ["h3_expanded"] = m.Expanded[2],
                ["expansion_matches_solution"] = m.MatchesSolution,
                ["draws"] = RecurrenceDraws.Draws,
                ["max_relative_error_forward_vs_formula"] = m.MaxRelativeError,
            },
            holds ? null : $"The network's states differ from the formulas (max relative error {m.MaxRelativeError:E2}); the expansion of the model's step gives h₃ = {m.Expanded[2]}.") with
        {
            Summary = holds
                ? $"The model's step expands to h₃ = {m.Expanded[2]}, as written; the forward pass matches to {RecurrenceDraws.E(m.MaxRelativeError)} on {RecurrenceDraws.Draws} draws."
                : $"The forward pass misses the formulas by {RecurrenceDraws.E(m.MaxRelativeError)} (relative).",
        };
    }
}

/// <summary>What 2.3's check computed.</summary>
public sealed record LinearGradient(string Expanded, double Autograd, double Manual, double FiniteDifferences)
{
    /// <summary>The largest of the three relative errors against the expanded formula.</summary>
    public double Worst => Math.Max(Autograd, Math.Max(Manual, FiniteDifferences));
}

/// <summary>Answer 2.3: ∂h₃/∂w = x₃ + 2w x₂ + 3w² x₁ in the linear case.</summary>
public sealed class LinearGradientClaim() : ClaimCheck<LinearGradient>("2.3",
    "Linear case: ∂h₃/∂w = x₃ + 2w x₂ + 3w² x₁.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        $"The formula against libtorch's autograd, a hand-written backward pass and double-double finite differences on {RecurrenceDraws.Draws} random " +
        $"(w, x) draws: holds if the largest relative difference is < {GradientCheck.Tolerance:G}, does not hold otherwise.";

    /// <summary>Fault injection: the network runs with w·1.05.</summary>
    public override LinearGradient Measure(ReportContext context)
    {
        var random = new Random(context.Seed + 1);
        var symbolic = LinearExpansion.States(3)[2].DerivativeInW();
        double autogradError = 0, manualError = 0, differenceError = 0;
        for (int d = 0; d < RecurrenceDraws.Draws; d++)
        {
            double w = RecurrenceDraws.RandomWeight(random);
            var x = RecurrenceDraws.Uniform(random, 3);
            var rnn = RecurrenceDraws.Network(context, Id, w);
            double formula = ClosedForms.Homework23(w, x[0], x[1], x[2]);
            autogradError = Math.Max(autogradError, GradientCheck.RelativeError(AutogradGradients.OfOutput(rnn, x).DLossDw, formula));
            manualError = Math.Max(manualError, GradientCheck.RelativeError(BackpropThroughTime.OfOutput(rnn, x).DLossDw, formula));
            differenceError = Math.Max(differenceError, GradientCheck.RelativeError(FiniteDifference.DfDw(rnn, x), formula));
        }
        return new LinearGradient(symbolic.ToString(), autogradError, manualError, differenceError);
    }

    /// <inheritdoc/>
    public override Claim Judge(LinearGradient m)
    {
        bool holds = m.Worst < GradientCheck.Tolerance;
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["dh3_dw_expanded"] = m.Expanded,
                ["draws"] = RecurrenceDraws.Draws,
                ["max_relative_error_vs_autograd"] = m.Autograd,
                ["max_relative_error_vs_manual_bptt"] = m.Manual,
                ["max_relative_error_vs_finite_differences"] = m.FiniteDifferences,
                ["tolerance"] = GradientCheck.Tolerance,
            },
            holds ? null : $"The computed gradients differ from the formula by up to {m.Worst:E2} (relative); differentiating the expansion gives {m.Expanded}.") with
        {
            Summary = holds
                ? $"x₃ + 2w x₂ + 3w² x₁ matches autograd, hand-written BPTT and finite differences to {RecurrenceDraws.E(m.Worst)} (relative) on {RecurrenceDraws.Draws} draws."
                : $"The formula misses the computed gradients by {RecurrenceDraws.E(m.Worst)} (relative).",
        };
    }
}

/// <summary>What 2.4's check computed: the formula against autograd on the homework's RNN, per σ; the inner form as a side note.</summary>
public sealed record GradientFormula(IReadOnlyDictionary<Activation, double> OuterError, double InnerError, double InnerOwnFormulaError);

/// <summary>Answer 2.4: ∂h_T/∂h₁ = w^(T−1) ∏ σ'(x_t + h_{t−1}) for the RNN h_t = w·σ(x_t + h_{t−1}).</summary>
public sealed class GradientFormulaClaim() : ClaimCheck<GradientFormula>("2.4",
    "For h_t = w·σ(x_t + h_{t−1}): ∂h_T/∂h₁ = w^(T−1) ∏ₜ₌₂..T σ'(x_t + h_{t−1}).")
{
    internal static readonly Activation[] Sigmas = [Activation.Tanh, Activation.Sigmoid, Activation.Relu, Activation.Identity];

    /// <inheritdoc/>
    public override string Criterion =>
        "The RNN is the homework's h_t = w·σ(x_t + h_{t−1}), h₀ = 0 (the form read from 2.4 itself; no public copy of the question was found). The formula " +
        $"against libtorch's autograd for σ = tanh, sigmoid, relu, identity, {RecurrenceDraws.Draws} random (w, x) draws each, T = 2..8: holds if the largest " +
        $"relative difference is < {GradientCheck.Tolerance:G}, does not hold otherwise. The inner form σ(w·y_t) is a side note.";

    /// <summary>Fault injection: the network runs with w·1.05 while the formula uses w.</summary>
    public override GradientFormula Measure(ReportContext context)
    {
        var random = new Random(context.Seed + 2);
        var outer = new Dictionary<Activation, double>();
        double innerError = 0, innerOwn = 0;
        foreach (var sigma in Sigmas)
        {
            double outerError = 0;
            for (int d = 0; d < RecurrenceDraws.Draws; d++)
            {
                double w = RecurrenceDraws.RandomWeight(random);
                var x = RecurrenceDraws.Uniform(random, random.Next(2, 9));
                foreach (var form in new[] { RnnForm.Outer, RnnForm.Inner })
                {
                    var rnn = RecurrenceDraws.Network(context, Id, w, sigma, form);
                    var h = rnn.States(x);
                    double truth = AutogradGradients.OfOutput(rnn, x).DLossDh[0];
                    double error = GradientCheck.RelativeError(ClosedForms.SolutionDhTDh1(w, sigma, x, h), truth);
                    if (form == RnnForm.Outer) outerError = Math.Max(outerError, error);
                    else
                    {
                        innerError = Math.Max(innerError, error);
                        innerOwn = Math.Max(innerOwn, GradientCheck.RelativeError(ClosedForms.InnerDhTDh1(w, sigma, x, h), truth));
                    }
                }
            }
            outer[sigma] = outerError;
        }
        return new GradientFormula(outer, innerError, innerOwn);
    }

    /// <inheritdoc/>
    public override Claim Judge(GradientFormula m)
    {
        double worst = m.OuterError.Values.Max();
        bool holds = worst < GradientCheck.Tolerance;
        var evidence = new Dictionary<string, object?> { ["rnn"] = "h_t = w·σ(x_t + h_{t−1}), h₀ = 0, f = h_T" };
        foreach (var (sigma, error) in m.OuterError) evidence[$"{sigma.Name()}_max_relative_error"] = error;
        evidence["draws_per_sigma"] = RecurrenceDraws.Draws;
        evidence["tolerance"] = GradientCheck.Tolerance;
        evidence["note_inner_form"] =
            $"Side note: for the inner form h_t = σ(w·y_t) the chain rule gives ∏ w·σ'(w·y_t) (max relative error {RecurrenceDraws.E(m.InnerOwnFormulaError)}); " +
            $"the solution's formula is off by up to {m.InnerError:P0} there. Both forms coincide for σ = identity.";
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold, evidence,
            holds ? null : $"The formula misses autograd's ∂h_T/∂h₁ by up to {worst:E2} (relative) on the RNN it is written for.") with
        {
            Summary = holds
                ? $"w^(T−1) ∏ σ'(x_t + h_{{t−1}}) matches autograd to {RecurrenceDraws.E(worst)} (relative) for tanh, sigmoid, relu and identity, {RecurrenceDraws.Draws} draws each."
                : $"The formula misses autograd by {RecurrenceDraws.E(worst)} (relative).",
        };
    }
}

/// <summary>What 2.5's check computed: the sweep of |∂h_T/∂h₁| over T for each (σ, w).</summary>
public sealed record ExplodingVanishing(SweepResult Sweep, IReadOnlyList<double> Weights);

/// <summary>Answer 2.5: w &gt; 1 explodes, w &lt; 1 vanishes, because of w^(T−1).</summary>
public sealed class ExplodingVanishingClaim() : ClaimCheck<ExplodingVanishing>("2.5",
    "As T → ∞, w^(T−1) makes the gradient explode for w > 1 and vanish for w < 1.")
{
    /// <summary>The weights swept, negative ones included: the statement is about w, not |w|.</summary>
    public static readonly double[] Weights = [-1.5, -0.5, 0.5, 0.9, 1.0, 1.1, 1.5, 2.0];

    internal static readonly Activation[] Sigmas = [Activation.Identity, Activation.Tanh, Activation.Sigmoid];

    /// <summary>A curve explodes (vanishes) when ln|∂h_T/∂h₁| grows (falls) by more than this per step.</summary>
    public const double SlopeThreshold = 1e-3;

    internal const int MaxT = 200;

    /// <inheritdoc/>
    public override string Criterion =>
        $"|∂h_T/∂h₁| for T = 1..{MaxT} (each a full hand-written backward pass, N(0, 1) inputs) on the RNN h_t = w·σ(x_t + h_{{t−1}}) for " +
        $"w ∈ {{{string.Join(", ", Weights.Select(w => w.ToString(CultureInfo.InvariantCulture).Replace("-", "−")))}}} and σ = identity, tanh, sigmoid; a curve explodes if the least-squares slope of ln|∂h_T/∂h₁| against T is " +
        $"> {SlopeThreshold:G}, vanishes if < −{SlopeThreshold:G}. The statement as written predicts explode for w > 1, vanish for w < 1. Holds if every curve " +
        "matches; does not hold if a σ = identity curve (the case its w^(T−1) reasoning covers exactly) contradicts it; holds under a condition if only " +
        "the nonlinear σ contradict it (the condition: σ' ≡ 1, which its own 2.4 does not have).";

    /// <summary>Fault injection: the sweep leaves out the negative weights (the sweep before this issue).</summary>
    public override ExplodingVanishing Measure(ReportContext context)
    {
        var weights = context.IsBroken(Id) ? Weights.Where(w => w >= 0).ToArray() : Weights;
        return new ExplodingVanishing(GradientSweep.Run(MaxT, weights, Sigmas, RnnForm.Outer, context.Seed, context.Progress), weights);
    }

    /// <summary>+1 explodes, −1 vanishes, 0 neither.</summary>
    public static int Behaviour(double slope) => slope > SlopeThreshold ? 1 : slope < -SlopeThreshold ? -1 : 0;

    /// <summary>What the statement as written predicts for w.</summary>
    public static int Predicted(double w) => w > 1 ? 1 : w < 1 ? -1 : 0;

    /// <inheritdoc/>
    public override Claim Judge(ExplodingVanishing m)
    {
        var curves = m.Sweep.Curves;
        var contradictions = curves.Where(c => Behaviour(c.Slope) != Predicted(c.W)).ToList();
        var linear = contradictions.Where(c => c.Activation == Activation.Identity.Name()).ToList();
        var verdict = linear.Count > 0 ? Verdict.DoesNotHold : contradictions.Count > 0 ? Verdict.HoldsUnderCondition : Verdict.Holds;
        var identity = curves.Where(c => c.Activation == Activation.Identity.Name()).ToList();
        double slopeError = identity.Max(c => Math.Abs(c.Slope - c.LogAbsW));
        string Word(int b) => b > 0 ? "explodes" : b < 0 ? "vanishes" : "neither";
        string Describe(SweepCurve c) =>
            string.Create(CultureInfo.InvariantCulture, $"σ = {c.Activation}, w = {c.W.ToString("G3", CultureInfo.InvariantCulture).Replace("-", "−")}: slope {c.Slope:F3}, {Word(Behaviour(c.Slope))}");
        var evidence = new Dictionary<string, object?>
        {
            ["rnn"] = "h_t = w·σ(x_t + h_{t−1}), h₀ = 0",
            ["weights"] = m.Weights.ToArray(),
            ["max_T"] = MaxT,
        };
        foreach (var c in curves) evidence[$"{c.Activation}_w{c.W.ToString("G3", CultureInfo.InvariantCulture)}_slope"] = c.Slope;
        evidence["identity_max_abs_slope_minus_ln_abs_w"] = slopeError;
        evidence["contradictions"] = contradictions.Select(Describe).ToArray();
        string rule = string.Create(CultureInfo.InvariantCulture,
            $"Each step multiplies by w·σ'(x_t + h_{{t−1}}) (2.4), so what decides is |w|·σ': for σ = identity the slope is ln|w| (to {slopeError:G2}), so |w| > 1 explodes, ") +
            "|w| < 1 vanishes and w = ±1 does neither; with the sigmoid (σ' ≤ ¼) even w = 2 vanishes, and with tanh |w| > 1 need not explode.";
        string? correction = verdict switch
        {
            Verdict.DoesNotHold => $"Contradicted in the linear case itself: {string.Join("; ", linear.Select(Describe))}. {rule}",
            Verdict.HoldsUnderCondition => $"True for σ = identity only: {string.Join("; ", contradictions.Select(Describe))}. {rule}",
            _ => null,
        };
        return Conclude(verdict, evidence, correction, "recurrence-sweep.png") with
        {
            Summary = verdict switch
            {
                Verdict.Holds => $"Every curve explodes for w > 1 and vanishes for w < 1 ({curves.Count} curves).",
                Verdict.DoesNotHold => $"{Describe(linear[0])}, where the statement predicts {(Predicted(linear[0].W) > 0 ? "exploding" : "vanishing")}; {contradictions.Count} of {curves.Count} curves contradict it.",
                _ => $"The linear case follows it, but {Describe(contradictions[0])}, where the statement predicts {(Predicted(contradictions[0].W) > 0 ? "exploding" : "vanishing")}; {contradictions.Count} of {curves.Count} curves contradict it.",
            },
        };
    }
}
