using NeuralLab.Common;

namespace NeuralLab.Tests.Report;

/// <summary>How a stand-in claim is decided.</summary>
public enum FakeKind
{
    /// <summary>a·x reproduces x on a grid (a = 1): holds; broken, a = 1.25 and it does not.</summary>
    Identity,
    /// <summary>A constant b from w1 = 2b with no bias works when σ(0) = 1/2 (sigmoid), not for ReLU: holds under a condition.</summary>
    Conditional,
    /// <summary>A bias-free ReLU network equals x² at 2 and 4: homogeneity makes f(4) = 2 f(2), so it does not hold.</summary>
    False,
}

/// <summary>
/// Test double for a homework section (the real ones live in the library and are merged separately).
/// Its verdicts are computed, in float64, from tiny computations, and <see cref="ReportContext.IsBroken"/>
/// corrupts a weight in them, exactly as the contract asks of a real section.
/// </summary>
public class FakeSection(int number, string title, params (string Id, FakeKind Kind)[] claims) : IReportSection
{
    public int Number => number;

    public string Title => title;

    public IReadOnlyList<(string Id, FakeKind Kind)> Claims => claims;

    /// <summary>The context the report handed over (for the tests that check what reaches a section).</summary>
    public ReportContext? SeenContext { get; private set; }

    public bool CrashAfterFirstFigure { get; init; }

    public bool WithSvgFigure { get; init; }

    /// <summary>A figure listed in the result but never written.</summary>
    public string? UnwrittenFigure { get; init; }

    public string Markdown { get; init; } = "";

    public virtual SectionResult Run(ReportContext context)
    {
        SeenContext = context;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        context.Progress?.Report(new ProgressReport($"fake {number}", 0, 2, [("error", 0.5)]));
        var figures = new List<Figure>();
        string png = $"identity-{number}.png";
        FakeFigures.Line(Path.Combine(context.FigureDirectory, png), number);
        figures.Add(new Figure(png, $"Stand-in figure of section {number}: a·x against x on 201 points in [-1, 1], seed {context.Seed}, " +
                                    $"{context.Profile} profile, {clock.Elapsed.TotalSeconds:F2} s.", number == 5 ? 2 : null));
        if (CrashAfterFirstFigure) throw new InvalidOperationException($"fake section {number} crashed on purpose");
        if (WithSvgFigure)
        {
            FakeFigures.Bars(Path.Combine(context.FigureDirectory, "bars.svg"));
            figures.Add(new Figure("bars.svg", "Stand-in SVG figure: three bars, no data."));
        }
        if (UnwrittenFigure != null) figures.Add(new Figure(UnwrittenFigure, "A figure the section forgot to write."));
        context.Progress?.Report(new ProgressReport($"fake {number}", 2, 2, [("error", 0.0)]));
        var checkedClaims = claims.Select(c => Decide(c.Id, c.Kind, context.IsBroken(c.Id), png)).ToList();
        return new SectionResult(checkedClaims, figures, Markdown, clock.Elapsed.TotalSeconds);
    }

    static Claim Decide(string id, FakeKind kind, bool broken, string figure)
    {
        const double tolerance = 1e-12;
        switch (kind)
        {
            case FakeKind.Identity:
            {
                double a = broken ? 1.25 : 1.0;
                double maxError = Enumerable.Range(0, 201).Select(k => -1 + k / 100.0).Max(x => Math.Abs(a * x - x));
                var verdict = maxError <= tolerance ? Verdict.Holds : Verdict.DoesNotHold;
                return new Claim(id, $"Stand-in claim {id}: a·x with a = 1 reproduces x on [-1, 1].", verdict,
                    new Dictionary<string, object?> { ["max_error"] = maxError, ["a"] = a, ["grid_points"] = 201 },
                    verdict == Verdict.Holds ? null : "Use a = 1.", figure);
            }
            case FakeKind.Conditional:
            {
                const double b = 0.7;
                double w1 = broken ? 2.5 * b : 2 * b;
                double sigmoidError = Math.Abs(w1 / (1 + Math.Exp(0)) - b);
                double reluError = Math.Abs(w1 * Math.Max(0, 0.0) - b);
                var verdict = sigmoidError <= tolerance && reluError <= tolerance ? Verdict.Holds
                    : sigmoidError <= tolerance ? Verdict.HoldsUnderCondition : Verdict.DoesNotHold;
                return new Claim(id, $"Stand-in claim {id}: w0 = 0, w1 = 2b gives the constant b.", verdict,
                    new Dictionary<string, object?> { ["sigmoid_error"] = sigmoidError, ["relu_error"] = reluError, ["b"] = b },
                    verdict == Verdict.Holds ? null : "Only when σ(0) = 1/2; with ReLU use the biases b0 = [b, −b], w1 = [1, −1].");
            }
            default:
            {
                // A bias-free ReLU net f(x) = Σ v_i relu(w_i x) is positively homogeneous: f(4) = 2 f(2) for any weights.
                double[] w = [0.3, 1.1, -0.4], v = [1.5, -0.2, 0.9];
                double F(double x) => w.Zip(v, (wi, vi) => vi * Math.Max(0, wi * x)).Sum();
                double target4 = broken ? 2 * 4 : 4 * 4, target2 = 2 * 2; // broken: a wrong target that homogeneity can meet
                double ratioNeeded = target4 / target2, ratioHad = F(4) / F(2);
                var verdict = Math.Abs(ratioNeeded - ratioHad) <= tolerance ? Verdict.Holds : Verdict.DoesNotHold;
                return new Claim(id, $"Stand-in claim {id}: a bias-free ReLU network can equal x².", verdict,
                    new Dictionary<string, object?> { ["ratio_needed"] = ratioNeeded, ["ratio_had"] = ratioHad, ["weights"] = w },
                    verdict == Verdict.Holds ? null : "Without biases f(cx) = c·f(x); x² needs biases (and a bounded interval).");
            }
        }
    }
}

/// <summary>A discoverable section: public, parameterless (discovery test).</summary>
public sealed class DiscoverableFakeSection() : FakeSection(3, "Discoverable", ("3.1", FakeKind.Identity));

/// <summary>Not discoverable: no parameterless constructor.</summary>
public sealed class ParameterisedFakeSection(int n) : FakeSection(n, "Needs a parameter");

/// <summary>Not discoverable: abstract.</summary>
public abstract class AbstractFakeSection() : FakeSection(4, "Abstract");

/// <summary>Not discoverable: not public.</summary>
internal sealed class InternalFakeSection() : FakeSection(2, "Internal");

/// <summary>Discoverable, but its constructor throws: the report must show it as failed, not crash.</summary>
public sealed class ThrowingConstructorFakeSection : FakeSection
{
    public ThrowingConstructorFakeSection() : base(9, "Throws when built") => throw new InvalidOperationException("cannot build this section");
}

public static class FakeFigures
{
    /// <summary>A small line plot (PNG) drawn with ScottPlot, as the real sections draw theirs.</summary>
    public static void Line(string path, int number)
    {
        var plt = new ScottPlot.Plot();
        double[] xs = Enumerable.Range(0, 201).Select(k => -1 + k / 100.0).ToArray();
        plt.Add.Scatter(xs, xs.Select(x => Math.Sin(number * x * 2) * 0.5 + x * 0.5).ToArray());
        plt.Add.Scatter(xs, xs);
        plt.Title($"Stand-in figure, section {number}");
        plt.XLabel("x");
        plt.YLabel("f(x)");
        plt.SavePng(path, 520, 280);
    }

    public static void Bars(string path) => File.WriteAllText(path, """
        <svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120">
          <rect width="300" height="120" fill="#ffffff"/>
          <rect x="20" y="60" width="60" height="50" fill="#1a7f37"/>
          <rect x="120" y="30" width="60" height="80" fill="#9a6700"/>
          <rect x="220" y="10" width="60" height="100" fill="#cf222e"/>
        </svg>
        """);

    /// <summary>Five stand-in sections covering every numbered answer, with all three verdicts present.</summary>
    public static List<FakeSection> AllSections() =>
    [
        // Given out of order on purpose: the report orders by number.
        new(3, "Attention", ("3.1", FakeKind.Identity), ("3.2", FakeKind.Identity), ("3.3", FakeKind.Identity), ("3.4", FakeKind.Conditional), ("3.5", FakeKind.Identity))
            { Markdown = "Softmax attention against libtorch's, **float64**.\n\n| n | seconds |\n|---:|---:|\n| 256 | 0.01 |\n| 4096 | 0.9 |" },
        new(1, "Expressivity of ReLU networks",
            ("1.1", FakeKind.Identity), ("1.2", FakeKind.Identity), ("1.3", FakeKind.Identity), ("1.4", FakeKind.Identity),
            ("1.5", FakeKind.False), ("1.6", FakeKind.Identity), ("1.7", FakeKind.Conditional))
            { Markdown = "The exact networks of the homework, evaluated in `float64`:\n\n- |x| with two units\n- a constant *needs a bias*\n\nSee [the claims](#claims).", WithSvgFigure = true },
        new(2, "Recurrence and backpropagation through time", ("2.2", FakeKind.Identity), ("2.3", FakeKind.Identity), ("2.4", FakeKind.Conditional), ("2.5", FakeKind.Identity)),
        new(5, "Neural fields", ("5.1", FakeKind.Identity), ("5.2", FakeKind.Identity), ("5.3", FakeKind.Identity), ("5.4", FakeKind.False), ("5.5", FakeKind.Identity), ("5.6", FakeKind.Identity)),
        new(4, "Residual networks and BatchNorm", ("4", FakeKind.Conditional)),
    ];
}
