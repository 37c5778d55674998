using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>One run of the approximator, with the uniform-knot count it is measured against.</summary>
/// <remarks>
/// <para><c>UniformPieces</c>: Fewest equal pieces meeting ε on the same grid (null: more than the search cap).</para>
/// <para><c>SquareBound</c>: ⌈(b − a)/(2√ε)⌉ — the closed-form uniform count, given for x² only.</para>
/// </remarks>
public sealed record ApproximationRow(string Function, double A, double B, double Eps, int Units, int Pieces, double MaxError, bool Certified,
    int? UniformPieces, int? SquareBound);

/// <summary>The constructed network against one of the same width trained by Adam, both measured on the certification grid.</summary>
public sealed record AdamComparison(string Function, double A, double B, double Eps, int Units, double ConstructedMaxError, double AdamMaxError, int Steps)
{
    /// <summary>True when the constructed network's sup error is below the Adam-trained one's.</summary>
    public bool ConstructedWins => ConstructedMaxError < AdamMaxError;
}

/// <summary>Answer 1.7's measurements.</summary>
/// <param name="Sweep">Units against ε for each of the functions.</param>
/// <param name="Comparisons">The constructed network against Adam at equal width, one per function.</param>
/// <param name="RandomSmooth">Units at the comparison ε for random smooth functions on [−1, 1].</param>
public sealed record ApproximatorStudyResult(IReadOnlyList<ApproximationRow> Sweep, IReadOnlyList<AdamComparison> Comparisons, IReadOnlyList<ApproximationRow> RandomSmooth);

/// <summary>Answer 1.7 in numbers: units against ε for the functions, the x² economy, and Adam at equal width.</summary>
public static class ApproximatorStudy
{
    /// <summary>The functions of issue 3: smooth, steep at an end, kinked, and a step smoothed by tanh.</summary>
    public static readonly (string Formula, double A, double B)[] Functions =
        [("x^2", 0, 1), ("sin(6*x)", 0, 1), ("sqrt(x)", 0, 1), ("abs(x - 0.3)", 0, 1), ("tanh(50*x)", -1, 1)];

    /// <summary><paramref name="dropUnit"/> is fault injection: each constructed network loses its last hidden unit before certification.</summary>
    public static ApproximatorStudyResult Run(ExpressivityBudget budget, int seed, bool dropUnit = false, IProgress<ProgressReport>? progress = null)
    {
        var sweep = new List<ApproximationRow>();
        var comparisons = new List<AdamComparison>();
        foreach (var (text, a, b) in Functions)
        {
            var formula = Formula.Parse(text);
            foreach (double eps in budget.EpsValues)
                sweep.Add(Row(formula, a, b, eps, dropUnit, uniform: true));
            using var approximation = AdaptiveApproximator.Build(formula, a, b, budget.ComparisonEps);
            comparisons.Add(CompareWithAdam(approximation, formula.AsFunction(), budget.AdamSteps, seed, progress));
        }
        var rng = new Random(seed);
        var randomSmooth = Enumerable.Range(0, budget.RandomSmoothFunctions)
            .Select(_ => Row(Formula.Parse(RandomSmoothFunction(rng).Text), -1, 1, budget.ComparisonEps, dropUnit, uniform: false))
            .ToList();
        return new ApproximatorStudyResult(sweep, comparisons, randomSmooth);
    }

    static ApproximationRow Row(Formula formula, double a, double b, double eps, bool dropUnit, bool uniform)
    {
        using var approximation = AdaptiveApproximator.Build(formula, a, b, eps);
        var network = approximation.Network;
        var certificate = approximation.Certificate;
        if (dropUnit && network.Units > 1)
        {
            using var damaged = network.WithoutUnit(network.Units - 1);
            certificate = AdaptiveApproximator.Certify(damaged, formula.AsFunction(), approximation.Knots, eps);
        }
        return new ApproximationRow(formula.Text, a, b, eps, approximation.Units, approximation.Pieces, certificate.MaxError, certificate.Meets,
            uniform ? AdaptiveApproximator.UniformPieces(formula.AsFunction(), a, b, eps, name: formula.Text) : null,
            formula.Text == "x^2" ? AdaptiveApproximator.UniformBoundForSquare(eps, a, b) : null);
    }

    /// <summary>
    /// Trains a one-hidden-layer ReLU network with as many units as <paramref name="approximation"/> by full-batch Adam
    /// (MSE on 1024 equally spaced points), then measures both on the certification grid.
    /// </summary>
    public static AdamComparison CompareWithAdam(ReluApproximation approximation, Func<double, double> f, int steps, int seed,
        IProgress<ProgressReport>? progress = null, ResourceBudget? budget = null)
    {
        (budget ?? ResourceBudget.Default).Check(EstimateComparison(approximation.Units, steps));
        Seeding.SeedEverything(seed);
        using var network = new ShallowNetwork(approximation.Units);
        var xs = CurveFitting.Linspace(approximation.A, approximation.B, ComparisonPoints);
        CurveFitting.Train(network, xs, xs.Select(f).ToArray(), steps, progress: progress, task: $"adam {approximation.Function}");
        var grid = AdaptiveApproximator.CertificationGrid(approximation.Knots);
        var trained = network.Evaluate(grid);
        double adamError = grid.Select((x, i) => Math.Abs(trained[i] - f(x))).Max();
        return new AdamComparison(approximation.Function, approximation.A, approximation.B, approximation.Eps, approximation.Units,
            approximation.Certificate.MaxError, adamError, steps);
    }

    /// <summary>Points the Adam-trained network is fitted on.</summary>
    public const int ComparisonPoints = 1024;

    /// <summary>
    /// What <see cref="CompareWithAdam"/> costs: full-batch float64 Adam on <see cref="ComparisonPoints"/> points, forward and
    /// backward about 12 flops per unit and point, and about 30 libtorch calls per step (forward, loss, backward, Adam's
    /// update of four parameter tensors) — the calls dominate for narrow networks.
    /// </summary>
    public static ResourceEstimate EstimateComparison(int units, int steps) =>
        new($"the Adam comparison ({units:N0} units, {steps:N0} steps)",
            8.0 * ComparisonPoints * units * 6 + 8.0 * units * 3 * 4,
            ResourceEstimate.SecondsAtLeast(12.0 * ComparisonPoints * units * steps, 30.0 * steps));

    /// <summary>
    /// A random trigonometric polynomial Σₖ aₖ·sin(3k·x + φₖ), k = 1…4, aₖ ~ U(−1, 1)/k, φₖ ~ U(0, 2π), both rounded to
    /// 4 decimals: as formula text for the parser, and as the same sum in C# for checking it.
    /// </summary>
    public static (string Text, Func<double, double> Function) RandomSmoothFunction(Random rng)
    {
        var terms = Enumerable.Range(1, 4)
            .Select(k => (A: Math.Round((2 * rng.NextDouble() - 1) / k, 4), K: 3.0 * k, Phi: Math.Round(2 * Math.PI * rng.NextDouble(), 4)))
            .ToArray();
        string text = string.Join(" + ", terms.Select(t => string.Create(CultureInfo.InvariantCulture, $"({t.A})*sin({t.K}*x + {t.Phi})")));
        return (text, x => terms.Sum(t => t.A * Math.Sin(t.K * x + t.Phi)));
    }
}
