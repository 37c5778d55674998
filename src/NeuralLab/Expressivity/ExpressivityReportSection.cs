using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>Homework section 1: the exact ReLU constructions, what ReLU networks cannot do, and the constructive approximator.</summary>
public sealed class ExpressivityReportSection : IReportSection
{
    /// <inheritdoc/>
    public int Number => 1;

    /// <inheritdoc/>
    public string Title => "Expressivity: exact ReLU networks, their limits, and a constructive universal approximator";

    /// <summary>The checks of answers 1.1–1.7 for a budget, in the solution's order (the CLI runs the same ones).</summary>
    public static (IdentityClaim Identity, AffineClaim Affine, ConstantClaim Constant, HatClaim Hat, HomogeneityClaim Homogeneity,
        OutsideGrowthClaim Outside, ApproximatorClaim Approximator) Checks(ExpressivityBudget budget) =>
        (new(), new(), new(), new(), new(budget), new(budget), new(budget));

    /// <inheritdoc/>
    public SectionResult Run(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        using var singleThreaded = LibtorchThreads.One();
        var budget = ExpressivityBudget.For(context.Profile);
        var checks = Checks(budget);
        var figures = new List<Figure>();
        string Save(string name, Action<string> draw)
        {
            draw(Path.Combine(context.FigureDirectory, name));
            return name;
        }
        double Lap() => Math.Round(clock.Elapsed.TotalSeconds, 1);

        var claims = new List<Claim>
        {
            checks.Identity.Run(context),
            checks.Affine.Run(context),
            checks.Constant.Run(context),
            checks.Hat.Run(context),
        };
        Save("expressivity-constructions.png", p => ExpressivityFigures.Constructions(p, "Answers 1.1–1.4: the solution's weights"));
        figures.Add(new Figure("expressivity-constructions.png",
            "The networks of 1.1–1.4 with the solution's weights on [−4, 4] (lines) over their targets (dots), float64: 1.1's w0 = w1 = [1, −1] computes x, " +
            "1.2's computes 2x − 1, 1.3's w1 = 2b gives b with the sigmoid, and 1.4's stated b = [2, −2, 0] leaves the hat that its own f1 + f2 + f3 draws. " +
            "Extra lines: the |x| network (w1 = [1, 1]) and 1.3 under ReLU (0). Checked on 20001 points of [−5, 5] plus the kinks."));

        context.Progress?.Report(new ProgressReport("expressivity 1.5", 0, 1, []));
        var homogeneity = checks.Homogeneity.Measure(context);
        claims.Add(checks.Homogeneity.Judge(homogeneity));
        Save("expressivity-bias-free.png", p => ExpressivityFigures.BiasFreeTraining(p, homogeneity,
            "Answer 1.5: bias-free ReLU networks cannot fit x² below the homogeneous bound"));
        figures.Add(new Figure("expressivity-bias-free.png",
            $"Full-batch Adam (lr 1e-2 → 1e-4, {budget.TrainingSteps} steps, seed {context.Seed}) on x² at 401 points of [−2, 2], float64, width {budget.Width}, " +
            $"depths {string.Join("/", budget.Depths)}. Solid: no biases; dashed: with biases. Black: the least MSE any positively homogeneous f can reach, " +
            $"{homogeneity.Bound.Mse:G4} (L⁴/80 = {homogeneity.Bound.ContinuousMse:G3} in the continuum). {Lap()} s into the section."));

        context.Progress?.Report(new ProgressReport("expressivity 1.6", 0, 1, []));
        var outside = checks.Outside.Measure(context);
        claims.Add(checks.Outside.Judge(outside));
        Save("expressivity-outside-error.png", p => ExpressivityFigures.OutsideError(p, outside.Fits,
            "Answer 1.6: fitted on [−L, L], wrong without bound outside"));
        figures.Add(new Figure("expressivity-outside-error.png",
            $"x² fitted on [−L, L] by exact interpolation on equal knots (solid) and by Adam ({budget.TrainingSteps} steps, dashed); " +
            $"(L, units) = {string.Join(", ", budget.OutsideFits.Select(f => $"({f.HalfWidth:G}, {f.Units})"))}. Beyond the last kink the network is a line, " +
            $"so the error grows like x². {Lap()} s into the section."));

        context.Progress?.Report(new ProgressReport("expressivity 1.7", 0, 1, []));
        var approximator = checks.Approximator.Measure(context);
        claims.Add(checks.Approximator.Judge(approximator));
        Save("expressivity-units-vs-eps.png", p => ExpressivityFigures.UnitsVsEps(p, approximator.Study.Sweep,
            "Answer 1.7 and beyond: hidden units the construction needs for ε"));
        figures.Add(new Figure("expressivity-units-vs-eps.png",
            $"The adaptive construction's units against ε ({string.Join(", ", budget.EpsValues.Select(e => e.ToString("G2", CultureInfo.InvariantCulture)))}) for x² " +
            "(the claim of 1.7, certified independently as its evidence says) and four other functions (within ε on the construction's own grid of the knots plus " +
            "101 points per piece); dashed: the fewest equal pieces meeting the same ε; dotted: x²'s bound ⌈1/(2√ε)⌉. " +
            $"{Lap()} s into the section."));
        return new SectionResult(claims, figures, Markdown(approximator.Study, budget), clock.Elapsed.TotalSeconds);
    }

    static string Markdown(ApproximatorStudyResult study, ExpressivityBudget budget)
    {
        var md = new StringBuilder();
        md.AppendLine("Every network here is a TorchSharp module in float64, f(x) = w1ᵀσ(w0·x + b0), with σ = ReLU except in 1.3, where the homework ");
        md.AppendLine("prescribes the sigmoid. The constructions of 1.1–1.4 use the solution's weights literally and are checked to 1e-12; ");
        md.AppendLine("1.5 and 1.6 train networks with Adam to show what no training can fix; 1.7 builds x² on [0, 1] from linear pieces and certifies ");
        md.AppendLine("each network on its own (`neurallab relu approx` does it for any formula).");
        md.AppendLine();
        md.AppendLine($"Constructed network against Adam at the same width (ε = {budget.ComparisonEps:G2}, {budget.AdamSteps} steps), max error on the construction's grid:");
        md.AppendLine();
        md.AppendLine("| function | units | constructed | Adam |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var c in study.Comparisons)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| `{c.Function}` on [{c.A:G}, {c.B:G}] | {c.Units} | {c.ConstructedMaxError:G3} | {c.AdamMaxError:G3} |"));
        return md.ToString();
    }
}
