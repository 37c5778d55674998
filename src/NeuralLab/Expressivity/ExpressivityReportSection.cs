using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>Homework section 1: the exact ReLU constructions, what ReLU networks cannot do, and the constructive approximator.</summary>
public sealed class ExpressivityReportSection : IReportSection
{
    public int Number => 1;

    public string Title => "Expressivity: exact ReLU networks, their limits, and a constructive universal approximator";

    public SectionResult Run(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        using var singleThreaded = LibtorchThreads.One();
        var budget = ExpressivityBudget.For(context.Profile);
        var figures = new List<Figure>();
        string Save(string name, Action<string> draw)
        {
            draw(Path.Combine(context.FigureDirectory, name));
            return name;
        }
        double Lap() => Math.Round(clock.Elapsed.TotalSeconds, 1);

        var constructions = ConstructionSuite.Run(context.BrokenClaims);
        string constructionsFigure = Save("expressivity-constructions.png", p => ExpressivityFigures.Constructions(p, "Answers 1.1–1.4: networks with set weights"));
        figures.Add(new Figure(constructionsFigure,
            "The constructions of 1.1–1.4 on [−4, 4] (lines) over their targets (dots), float64. 1.1 with the stated w1 = [1, −1] computes x, " +
            "not |x|; 1.3's w1 = 2b gives b with the sigmoid and 0 with ReLU. Checked on 20001 points of [−5, 5] plus the kinks."));

        context.Progress?.Report(new ProgressReport("expressivity 1.5", 0, 1, []));
        var homogeneity = Homogeneity.Run(budget, context.Seed, addBiases: context.IsBroken("1.5"), context.Progress);
        string homogeneityFigure = Save("expressivity-bias-free.png", p => ExpressivityFigures.BiasFreeTraining(p, homogeneity,
            "Answer 1.5: bias-free ReLU networks cannot fit x² below the homogeneous bound"));
        figures.Add(new Figure(homogeneityFigure,
            $"Full-batch Adam (lr 1e-2 → 1e-4, {budget.TrainingSteps} steps, seed {context.Seed}) on x² at 401 points of [−2, 2], float64, width {budget.Width}, " +
            $"depths {string.Join("/", budget.Depths)}. Solid: no biases; dashed: with biases. Black: the least MSE any positively homogeneous f can reach, " +
            $"{homogeneity.Bound.Mse:G4} (L⁴/80 = {homogeneity.Bound.ContinuousMse:G3} in the continuum). {Lap()} s into the section."));

        context.Progress?.Report(new ProgressReport("expressivity 1.6", 0, 1, []));
        var outside = OutsideGrowth.Run(budget.OutsideFits, budget.TrainingSteps, context.Seed, clampToInterval: context.IsBroken("1.6"), context.Progress);
        string outsideFigure = Save("expressivity-outside-error.png", p => ExpressivityFigures.OutsideError(p, outside,
            "Answer 1.6: fitted on [−L, L], wrong without bound outside"));
        figures.Add(new Figure(outsideFigure,
            $"x² fitted on [−L, L] by exact interpolation on equal knots (solid) and by Adam ({budget.TrainingSteps} steps, dashed); " +
            $"(L, units) = {string.Join(", ", budget.OutsideFits.Select(f => $"({f.HalfWidth:G}, {f.Units})"))}. Beyond the last kink the network is a line, " +
            $"so the error grows like x². {Lap()} s into the section."));

        context.Progress?.Report(new ProgressReport("expressivity 1.7", 0, 1, []));
        var study = ApproximatorStudy.Run(budget, context.Seed, dropUnit: context.IsBroken("1.7"), context.Progress);
        string unitsFigure = Save("expressivity-units-vs-eps.png", p => ExpressivityFigures.UnitsVsEps(p, study.Sweep,
            "Answer 1.7: hidden units needed to certify ε"));
        figures.Add(new Figure(unitsFigure,
            $"The adaptive approximator's units against ε ({string.Join(", ", budget.EpsValues.Select(e => e.ToString("G2", CultureInfo.InvariantCulture)))}), " +
            "each certified on the knots plus 101 points per piece; dashed: the fewest equal pieces meeting the same ε; dotted: x²'s bound ⌈1/(2√ε)⌉. " +
            $"{Lap()} s into the section."));

        var claims = new List<Claim>
        {
            ExpressivityClaims.AbsoluteValue(constructions, constructionsFigure),
            ExpressivityClaims.AbsoluteAffine(constructions, constructionsFigure),
            ExpressivityClaims.Constant(constructions, constructionsFigure),
            ExpressivityClaims.Hat(constructions, constructionsFigure),
            ExpressivityClaims.Homogeneity(homogeneity, homogeneityFigure),
            ExpressivityClaims.OutsideGrowth(outside, outsideFigure),
            ExpressivityClaims.Approximator(study, unitsFigure),
        };
        return new SectionResult(claims, figures, Markdown(study, budget), clock.Elapsed.TotalSeconds);
    }

    static string Markdown(ApproximatorStudyResult study, ExpressivityBudget budget)
    {
        var md = new StringBuilder();
        md.AppendLine("Every network here is a TorchSharp module in float64. The constructions of 1.1–1.4 have set weights and are checked to 1e-12; ");
        md.AppendLine("1.5 and 1.6 train networks with Adam to show what no training can fix; 1.7 builds a certified network for any formula (`neurallab relu approx`).");
        md.AppendLine();
        md.AppendLine($"Constructed network against Adam at the same width (ε = {budget.ComparisonEps:G2}, {budget.AdamSteps} steps), max error on the certification grid:");
        md.AppendLine();
        md.AppendLine("| function | units | constructed | Adam |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var c in study.Comparisons)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| `{c.Function}` on [{c.A:G}, {c.B:G}] | {c.Units} | {c.ConstructedMaxError:G3} | {c.AdamMaxError:G3} |"));
        return md.ToString();
    }
}
