using System.Diagnostics;
using NeuralLab.Common;

namespace NeuralLab.Recurrence;

/// <summary>
/// Homework section 2 checked by computation: the unrolled graph (figure 1), the linear case's
/// states (2.2) and gradient (2.3), the formula for ∂h_T/∂h_1 (2.4) and exploding/vanishing
/// gradients with their remedies (2.5).
/// </summary>
public sealed class RecurrenceReportSection : IReportSection
{
    public int Number => 2;

    public string Title => "Recurrence: the scalar RNN and backpropagation through time";

    /// <summary>The wrong weight a broken claim's computation uses (fault injection, see <see cref="ReportContext.BrokenClaims"/>).</summary>
    const double CorruptionFactor = 1.05;

    const int Draws = 25;

    public SectionResult Run(ReportContext ctx)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(ctx.Seed);
        var figures = new List<Figure> { DrawGraph(ctx) };
        var claims = new List<Claim>
        {
            CheckUnrolledStates(ctx, random),
            CheckLinearGradient(ctx, random),
            CheckRecurrentGradientFormula(ctx, random),
        };
        var (exploding, sweepFigure, remedyFigure) = CheckExplodingAndVanishing(ctx);
        claims.Add(exploding);
        figures.Add(sweepFigure);
        figures.Add(remedyFigure);
        string markdown =
            "The network is the homework's scalar RNN, h₀ = 0, yₜ = xₜ + hₜ₋₁, f = h_T, in two forms: outer hₜ = w·σ(yₜ) and inner hₜ = σ(w·yₜ). " +
            "Every gradient is computed by libtorch's autograd, by a hand-written backward pass through time, by the closed forms and by finite " +
            "differences in double-double arithmetic; the claims below compare them in float64.";
        return new SectionResult(claims, figures, markdown, clock.Elapsed.TotalSeconds);
    }

    static Figure DrawGraph(ReportContext ctx)
    {
        var clock = Stopwatch.StartNew();
        var graph = UnrolledGraph.Build(new ScalarRnn(1, Activation.Tanh, RnnForm.Outer), 3);
        string Path(string ext) => System.IO.Path.Combine(ctx.FigureDirectory, $"recurrence-graph.{ext}");
        var renderer = GraphFigure.Write(graph, Path("dot"), Path("svg"), Path("png"));
        return new Figure("recurrence-graph.png",
            $"2.1: the RNN unrolled over T = 3 steps ({graph.Nodes.Count} nodes, {graph.Edges.Count} edges), recorded by running the model's own step " +
            $"over graph nodes; the one weight w feeds every hₜ. Rendered by {renderer.ToString().ToLowerInvariant()} in {clock.Elapsed.TotalSeconds:F1} s.",
            HomeworkFigure: 1);
    }

    static double[] Uniform(Random random, int n, double a = -1, double b = 1) => [.. Enumerable.Range(0, n).Select(_ => a + (b - a) * random.NextDouble())];

    static double RandomWeight(Random random) => (random.NextDouble() < 0.5 ? -1 : 1) * (0.3 + 1.3 * random.NextDouble());

    /// <summary>The network whose numbers decide claim <paramref name="id"/>: with a wrong weight when the claim is marked broken.</summary>
    static ScalarRnn Network(ReportContext ctx, string id, double w, Activation sigma = Activation.Identity, RnnForm form = RnnForm.Outer) =>
        new(ctx.IsBroken(id) ? w * CorruptionFactor : w, sigma, form);

    static Claim CheckUnrolledStates(ReportContext ctx, Random random)
    {
        // Symbolic: the model's step run over polynomials against the solution's expansion.
        var expanded = LinearExpansion.States(3);
        bool symbolic = Enumerable.Range(1, 3).All(t => expanded[t - 1].SameAs(LinearExpansion.Homework(t)));
        // Numeric: the network's forward pass against the solution's formulas.
        double worst = 0;
        for (int d = 0; d < Draws; d++)
        {
            double w = RandomWeight(random);
            var x = Uniform(random, 3);
            var h = Network(ctx, "2.2", w).States(x);
            for (int t = 1; t <= 3; t++) worst = Math.Max(worst, GradientCheck.RelativeError(h[t - 1], ClosedForms.LinearState(w, x, t)));
        }
        bool numeric = worst < 1e-12;
        var evidence = new Dictionary<string, object?>
        {
            ["h1_expanded"] = expanded[0].ToString(),
            ["h2_expanded"] = expanded[1].ToString(),
            ["h3_expanded"] = expanded[2].ToString(),
            ["expansion_matches_solution"] = symbolic,
            ["draws"] = Draws,
            ["max_relative_error_forward_vs_formula"] = worst,
        };
        return new Claim("2.2", "Linear case: h₁ = w x₁, h₂ = w x₂ + w² x₁, h₃ = w x₃ + w² x₂ + w³ x₁.",
            symbolic && numeric ? Verdict.Holds : Verdict.DoesNotHold, evidence,
            symbolic && numeric ? null : $"The network's states differ from the formulas (max relative error {worst:E2}); the expansion of the model's step gives h₃ = {expanded[2]}.");
    }

    static Claim CheckLinearGradient(ReportContext ctx, Random random)
    {
        var symbolic = LinearExpansion.States(3)[2].DerivativeInW();
        double autogradError = 0, manualError = 0, differenceError = 0;
        for (int d = 0; d < Draws; d++)
        {
            double w = RandomWeight(random);
            var x = Uniform(random, 3);
            var rnn = Network(ctx, "2.3", w);
            double formula = ClosedForms.Homework23(w, x[0], x[1], x[2]);
            autogradError = Math.Max(autogradError, GradientCheck.RelativeError(AutogradGradients.OfOutput(rnn, x).DLossDw, formula));
            manualError = Math.Max(manualError, GradientCheck.RelativeError(BackpropThroughTime.OfOutput(rnn, x).DLossDw, formula));
            differenceError = Math.Max(differenceError, GradientCheck.RelativeError(FiniteDifference.DfDw(rnn, x), formula));
        }
        double worst = Math.Max(autogradError, Math.Max(manualError, differenceError));
        bool holds = worst < GradientCheck.Tolerance;
        var evidence = new Dictionary<string, object?>
        {
            ["dh3_dw_expanded"] = symbolic.ToString(),
            ["draws"] = Draws,
            ["max_relative_error_vs_autograd"] = autogradError,
            ["max_relative_error_vs_manual_bptt"] = manualError,
            ["max_relative_error_vs_finite_differences"] = differenceError,
            ["tolerance"] = GradientCheck.Tolerance,
        };
        return new Claim("2.3", "Linear case: ∂h₃/∂w = x₃ + 2w x₂ + 3w² x₁.",
            holds ? Verdict.Holds : Verdict.DoesNotHold, evidence,
            holds ? null : $"The computed gradients differ from the formula by up to {worst:E2} (relative); differentiating the expansion gives {symbolic}.");
    }

    static Claim CheckRecurrentGradientFormula(ReportContext ctx, Random random)
    {
        var sigmas = new[] { Activation.Tanh, Activation.Sigmoid, Activation.Relu, Activation.Identity };
        var evidence = new Dictionary<string, object?>();
        double outerWorst = 0, innerWorst = 0, innerOwnWorst = 0;
        (double W, double[] X, double Autograd, double Solution, double Inner, double Error)? example = null;
        foreach (var sigma in sigmas)
        {
            double outerError = 0, innerError = 0, innerOwn = 0;
            for (int d = 0; d < Draws; d++)
            {
                double w = RandomWeight(random);
                var x = Uniform(random, random.Next(2, 9));
                foreach (var form in new[] { RnnForm.Outer, RnnForm.Inner })
                {
                    var rnn = Network(ctx, "2.4", w, sigma, form);
                    var h = rnn.States(x);
                    double truth = AutogradGradients.OfOutput(rnn, x).DLossDh[0];
                    double solution = ClosedForms.SolutionDhTDh1(w, sigma, x, h);
                    double error = GradientCheck.RelativeError(solution, truth);
                    if (form == RnnForm.Outer) outerError = Math.Max(outerError, error);
                    else
                    {
                        innerError = Math.Max(innerError, error);
                        innerOwn = Math.Max(innerOwn, GradientCheck.RelativeError(ClosedForms.InnerDhTDh1(w, sigma, x, h), truth));
                        if (sigma == Activation.Tanh && (example == null || error > example.Value.Error))
                            example = (w, x, truth, solution, ClosedForms.InnerDhTDh1(w, sigma, x, h), error);
                    }
                }
            }
            evidence[$"{sigma.Name()}_outer_form_max_relative_error"] = outerError;
            evidence[$"{sigma.Name()}_inner_form_max_relative_error"] = innerError;
            outerWorst = Math.Max(outerWorst, outerError);
            innerWorst = Math.Max(innerWorst, innerError);
            innerOwnWorst = Math.Max(innerOwnWorst, innerOwn);
        }
        evidence["draws_per_sigma_and_form"] = Draws;
        evidence["inner_formula_on_inner_form_max_relative_error"] = innerOwnWorst;
        if (example is { } e)
        {
            evidence["example_tanh_inner_w"] = e.W;
            evidence["example_tanh_inner_x"] = e.X;
            evidence["example_tanh_inner_autograd"] = e.Autograd;
            evidence["example_tanh_inner_solution_formula"] = e.Solution;
            evidence["example_tanh_inner_correct_formula"] = e.Inner;
        }
        bool outerHolds = outerWorst < GradientCheck.Tolerance, innerHolds = innerWorst < GradientCheck.Tolerance;
        var verdict = !outerHolds ? Verdict.DoesNotHold : innerHolds ? Verdict.Holds : Verdict.HoldsUnderCondition;
        string? correction = verdict switch
        {
            Verdict.Holds => null,
            Verdict.HoldsUnderCondition =>
                $"Holds for the outer form hₜ = w·σ(yₜ) (max relative error {outerWorst:E1} over tanh, sigmoid, relu, identity). For the inner form " +
                $"hₜ = σ(w·yₜ) the chain rule gives ∂h_T/∂h₁ = ∏ₜ₌₂..T w·σ'(w·yₜ) (max relative error {innerOwnWorst:E1}); the solution's formula, which " +
                $"evaluates σ' at yₜ instead of w·yₜ, is off by up to {innerWorst:P0} there" +
                (example is { } ex ? $" (tanh, w = {ex.W:G4}: autograd {ex.Autograd:G6}, solution's formula {ex.Solution:G6}, ∏ w·σ'(w·yₜ) {ex.Inner:G6})" : "") +
                ". The forms agree for σ = identity, and for relu when w > 0 since relu'(w·y) = relu'(y).",
            _ => $"The formula misses the computed ∂h_T/∂h₁ even for the outer form it is written for (max relative error {outerWorst:E2}).",
        };
        return new Claim("2.4", "∂h_T/∂h₁ = w^(T−1) ∏ₜ₌₂..T σ'(xₜ + hₜ₋₁).", verdict, evidence, correction);
    }

    static (Claim Claim, Figure Sweep, Figure Remedies) CheckExplodingAndVanishing(ReportContext ctx)
    {
        var clock = Stopwatch.StartNew();
        // A broken 2.5 runs the sweep with a wrong weight while comparing with ln|w| of the nominal one.
        var nominal = GradientSweep.HomeworkWeights;
        var simulated = ctx.IsBroken("2.5") ? nominal.Select(w => w * CorruptionFactor).ToArray() : nominal;
        var sweep = GradientSweep.Run(200, simulated, GradientSweep.HomeworkActivations, RnnForm.Outer, ctx.Seed, ctx.Progress);
        var curves = sweep.Curves.Select((c, i) => (Curve: c, W: nominal[i % nominal.Length])).ToList();
        RecurrencePlots.SaveSweep(sweep, Path.Combine(ctx.FigureDirectory, "recurrence-sweep.png"));
        double sweepSeconds = clock.Elapsed.TotalSeconds;

        var linear = curves.Where(c => c.Curve.Activation == "identity").ToList();
        var tanh = curves.Where(c => c.Curve.Activation == "tanh").ToList();
        double slopeError = linear.Max(c => Math.Abs(c.Curve.Slope - Math.Log(Math.Abs(c.W))));
        bool Behaves((SweepCurve Curve, double W) c) =>
            Math.Abs(c.W) > 1 ? c.Curve.Slope > 0 : Math.Abs(c.W) < 1 ? c.Curve.Slope < 0 : true;
        bool linearHolds = slopeError < 1e-9 && linear.All(Behaves);
        var tanhMisses = tanh.Where(c => !Behaves(c)).ToList();

        var remedyClock = Stopwatch.StartNew();
        var task = new RemedyTask(Steps: 200, Seed: ctx.Seed);
        var engine = ctx.Profile == ReportProfile.Test ? TrainingEngine.Manual : TrainingEngine.Autograd;
        int seeds = ctx.Profile switch { ReportProfile.Test => 6, ReportProfile.Quick => 20, _ => 50 };
        var remedies = GradientRemedies.Run(task, seeds, engine, ctx.Progress);
        double engineGap = EngineGap(remedies);
        RecurrencePlots.SaveRemedies(remedies, Path.Combine(ctx.FigureDirectory, "recurrence-remedies.png"));

        var evidence = new Dictionary<string, object?>();
        foreach (var (c, w) in curves)
        {
            evidence[$"{c.Activation}_w{w:G3}_slope"] = c.Slope;
            evidence[$"{c.Activation}_w{w:G3}_abs_dhT_dh1_at_T200"] = c.AbsDhTDh1[^1];
        }
        evidence["identity_max_abs_slope_minus_ln_abs_w"] = slopeError;
        foreach (var s in remedies.Survey)
        {
            evidence[$"{s.Remedy}_converged_runs"] = s.Converged;
            evidence[$"{s.Remedy}_overflowed_runs"] = s.Overflowed;
        }
        evidence["remedy_runs_per_method"] = seeds;
        evidence["autograd_vs_manual_training_max_relative_gap"] = engineGap;

        var verdict = !linearHolds ? Verdict.DoesNotHold : tanhMisses.Count == 0 ? Verdict.Holds : Verdict.HoldsUnderCondition;
        string remedyText = string.Join("; ", remedies.Survey.Select(s => $"{s.Remedy}: {s.Converged}/{s.Runs} converge, {s.Overflowed} overflow"));
        string? correction = verdict switch
        {
            Verdict.Holds => null,
            Verdict.HoldsUnderCondition =>
                $"Exact in the linear case: ln|∂h_T/∂h₁| has slope ln|w| in T (largest deviation {slopeError:E1}). With tanh each step contributes w·σ'(yₜ) " +
                $"and |σ'| ≤ 1, so |w| < 1 always vanishes, but |w| > 1 need not explode: measured slopes " +
                string.Join(", ", tanhMisses.Select(c => $"{c.Curve.Slope:F2} for w = {c.W:G3}")) + " (vanishing). Remedies on the training task: " + remedyText + ".",
            _ => $"In the linear case the slope of ln|∂h_T/∂h₁| should be ln|w|; it deviates by {slopeError:E2}.",
        };
        var claim = new Claim("2.5", "∂h_T/∂h₁ carries w^(T−1): it explodes for |w| > 1 and vanishes for |w| < 1 as T grows.",
            verdict, evidence, correction, "recurrence-sweep.png");
        var sweepFigure = new Figure("recurrence-sweep.png",
            $"2.5: |∂h_T/∂h₁| for T = 1..200 (outer form, N(0,1) inputs, seed {ctx.Seed}), each point a full hand-written backward pass; " +
            $"w ∈ {{{string.Join(", ", nominal)}}}, σ = identity (slopes ln|w|) and tanh. {sweepSeconds:F1} s.");
        var remedyFigure = new Figure("recurrence-remedies.png",
            $"2.5 remedies: SGD (lr {task.LearningRate}) learning w = {task.TrueW} from w₀ = {task.InitialW}, linear RNN, T = {task.Length}, {task.Steps} steps, " +
            $"main runs by {remedies.Engine} (bold), {seeds} input sequences by the hand-written engine (thin): {remedyText}. {remedyClock.Elapsed.TotalSeconds:F1} s.");
        return (claim, sweepFigure, remedyFigure);
    }

    /// <summary>
    /// How far libtorch's training and the hand-written one drift apart on the same sequence: the main
    /// runs against the survey's first sequence when the main runs used autograd, otherwise a short
    /// autograd run of 10 steps per remedy.
    /// </summary>
    static double EngineGap(RemedyResult remedies)
    {
        if (remedies.Engine == "autograd")
            return remedies.Curves.Max(c => TrajectoryGap(c, remedies.SurveyCurves[c.Remedy][0]));
        var shortTask = remedies.Task with { Steps = 10 };
        var (x, target) = GradientRemedies.Data(shortTask, shortTask.Seed);
        return Enum.GetValues<Remedy>().Max(r =>
            TrajectoryGap(GradientRemedies.Train(shortTask, x, target, r), GradientRemedies.TrainManually(shortTask, x, target, r)));
    }

    /// <summary>Largest relative difference between two runs' losses and weights, step by step.</summary>
    static double TrajectoryGap(TrainingCurve a, TrainingCurve b)
    {
        if (a.Loss.Length != b.Loss.Length || a.W.Length != b.W.Length) return double.PositiveInfinity;
        double gap = 0;
        for (int i = 0; i < a.Loss.Length; i++)
            if (double.IsFinite(a.Loss[i]) || double.IsFinite(b.Loss[i])) gap = Math.Max(gap, GradientCheck.RelativeError(a.Loss[i], b.Loss[i]));
        for (int i = 0; i < a.W.Length; i++) gap = Math.Max(gap, GradientCheck.RelativeError(a.W[i], b.W[i]));
        return gap;
    }
}
