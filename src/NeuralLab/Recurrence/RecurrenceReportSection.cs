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
    /// <inheritdoc/>
    public int Number => 2;

    /// <inheritdoc/>
    public string Title => "Recurrence: the scalar RNN and backpropagation through time";

    /// <summary>The checks of answers 2.2–2.5, in the solution's order.</summary>
    public static (UnrolledStatesClaim States, LinearGradientClaim Gradient, GradientFormulaClaim Formula, ExplodingVanishingClaim Sweep) Checks() =>
        (new(), new(), new(), new());

    /// <inheritdoc/>
    public SectionResult Run(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        var checks = Checks();
        var figures = new List<Figure> { DrawGraph(context) };
        var claims = new List<Claim> { checks.States.Run(context), checks.Gradient.Run(context), checks.Formula.Run(context) };

        var sweepClock = Stopwatch.StartNew();
        var sweep = checks.Sweep.Measure(context);
        claims.Add(checks.Sweep.Judge(sweep));
        RecurrencePlots.SaveSweep(sweep.Sweep, Path.Combine(context.FigureDirectory, "recurrence-sweep.png"));
        figures.Add(new Figure("recurrence-sweep.png",
            $"2.5: |∂h_T/∂h₁| for T = 1..{ExplodingVanishingClaim.MaxT} on h_t = w·σ(x_t + h_{{t−1}}) (N(0,1) inputs, seed {context.Seed}), each point a full hand-written " +
            $"backward pass; w ∈ {{{string.Join(", ", sweep.Weights)}}}, σ = identity (slopes ln|w|), tanh and sigmoid. {sweepClock.Elapsed.TotalSeconds:F1} s."));

        var (remedies, remedyFigure) = Remedies(context);
        figures.Add(remedyFigure);
        string markdown =
            "The network is the homework's scalar RNN h_t = w·σ(x_t + h_{t−1}), h₀ = 0, f = h_T: no public copy of section 2's question was found, so this form " +
            "is read from the solution's 2.4 (in 2.2 σ is the identity, where w·σ(y) and σ(w·y) coincide). Figure 1, the computation graph of 2.1, is not in " +
            "the written solution's text, so 2.1 is drawn here and not judged. Every gradient is computed by libtorch's autograd, by a hand-written backward " +
            "pass through time, by the closed forms and by finite differences in double-double arithmetic; the claims below compare them in float64.";
        return new SectionResult(claims, figures, markdown, clock.Elapsed.TotalSeconds) { Reproductions = [remedies] };
    }

    static Figure DrawGraph(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        var graph = UnrolledGraph.Build(new ScalarRnn(1, Activation.Tanh, RnnForm.Outer), 3);
        string Path(string ext) => System.IO.Path.Combine(context.FigureDirectory, $"recurrence-graph.{ext}");
        var renderer = GraphFigure.Write(graph, Path("dot"), Path("svg"), Path("png"));
        return new Figure("recurrence-graph.png",
            $"2.1: the RNN unrolled over T = 3 steps ({graph.Nodes.Count} nodes, {graph.Edges.Count} edges), recorded by running the model's own step " +
            $"over graph nodes; the one weight w feeds every hₜ. Rendered by {renderer.ToString().ToLowerInvariant()} in {clock.Elapsed.TotalSeconds:F1} s.",
            HomeworkFigure: 1);
    }

    /// <summary>Remedies for exploding and vanishing gradients on a training task: a reproduction beyond 2.5's statement, not a claim.</summary>
    static (Reproduction, Figure) Remedies(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        var task = new RemedyTask(Steps: 200, Seed: context.Seed);
        var engine = context.Profile == ReportProfile.Test ? TrainingEngine.Manual : TrainingEngine.Autograd;
        int seeds = context.Profile switch { ReportProfile.Test => 6, ReportProfile.Quick => 20, _ => 50 };
        var remedies = GradientRemedies.Run(task, seeds, engine, context.Progress);
        double engineGap = EngineGap(remedies);
        RecurrencePlots.SaveRemedies(remedies, Path.Combine(context.FigureDirectory, "recurrence-remedies.png"));
        string remedyText = string.Join("; ", remedies.Survey.Select(s => $"{s.Remedy}: {s.Converged}/{s.Runs} converge, {s.Overflowed} overflow"));
        var evidence = new Dictionary<string, object?>();
        foreach (var s in remedies.Survey)
        {
            evidence[$"{s.Remedy}_converged_runs"] = s.Converged;
            evidence[$"{s.Remedy}_overflowed_runs"] = s.Overflowed;
        }
        evidence["remedy_runs_per_method"] = seeds;
        evidence["autograd_vs_manual_training_max_relative_gap"] = engineGap;
        var reproduction = new Reproduction("2.5.remedies",
            $"Remedies for exploding gradients: SGD learning w = {task.TrueW} from w₀ = {task.InitialW} on a linear RNN, T = {task.Length}, {task.Steps} steps, {seeds} input sequences",
            remedyText + ".", evidence, "recurrence-remedies.png");
        var figure = new Figure("recurrence-remedies.png",
            $"Beyond 2.5, remedies: SGD (lr {task.LearningRate}) learning w = {task.TrueW} from w₀ = {task.InitialW}, linear RNN, T = {task.Length}, {task.Steps} steps, " +
            $"main runs by {remedies.Engine} (bold), {seeds} input sequences by the hand-written engine (thin): {remedyText}. {clock.Elapsed.TotalSeconds:F1} s.");
        return (reproduction, figure);
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
