using NeuralLab.Common;
using NeuralLab.Expressivity;

namespace NeuralLab.Tests.Expressivity;

public class AdaptiveApproximatorTests
{
    // The issue's functions, typed as formulas, each beside the same function in C# (the oracle).
    public static TheoryData<string, double, double, double> IssueFunctions()
    {
        var data = new TheoryData<string, double, double, double>();
        foreach (var (text, a, b) in ApproximatorStudy.Functions)
            foreach (double eps in new[] { 1e-2, 1e-4 })
                data.Add(text, a, b, eps);
        return data;
    }

    static readonly Dictionary<string, Func<double, double>> InCSharp = new()
    {
        ["x^2"] = x => x * x,
        ["sin(6*x)"] = x => Math.Sin(6 * x),
        ["sqrt(x)"] = Math.Sqrt,
        ["abs(x - 0.3)"] = x => Math.Abs(x - 0.3),
        ["tanh(50*x)"] = x => Math.Tanh(50 * x),
    };

    [Theory]
    [MemberData(nameof(IssueFunctions))]
    public void MeetsEpsOnTheIssuesFunctions(string text, double a, double b, double eps)
    {
        using var approximation = AdaptiveApproximator.Build(Formula.Parse(text), a, b, eps);
        AssertMeets(approximation, InCSharp[text], eps, text == "abs(x - 0.3)" ? KinkExcess(approximation) : SmoothExcess);
    }

    [Fact]
    public void MeetsEpsOnRandomSmoothFunctions()
    {
        var rng = new Random(7);
        for (int i = 0; i < 3; i++)
        {
            var (text, function) = ApproximatorStudy.RandomSmoothFunction(rng);
            using var approximation = AdaptiveApproximator.Build(Formula.Parse(text), -1, 1, 1e-3);
            AssertMeets(approximation, function, 1e-3, SmoothExcess);
        }
    }

    /// <summary>
    /// Between grid points spaced δ = h/102 the error can exceed its grid maximum. For smooth f the error e = f − chord
    /// has e'' = f'' and peaks where e' = 0, so the excess is at most |f''|·(δ/2)²/2 against a peak ≈ |f''|·h²/8 —
    /// a relative 1/102² ≈ 1e-4; 1e-3 leaves room for f'' varying within the piece.
    /// </summary>
    const double SmoothExcess = 1e-3;

    /// <summary>At a kink inside a piece the error peaks at the kink with slopes up to 2, so the excess is up to 2·δ/2 = h/102.</summary>
    static double KinkExcess(ReluApproximation r) => r.Knots.Zip(r.Knots.Skip(1), (x0, x1) => x1 - x0).Max() / 102 / r.Eps;

    static void AssertMeets(ReluApproximation approximation, Func<double, double> f, double eps, double relativeExcess)
    {
        Assert.True(approximation.Certificate.Meets, $"{approximation.Function}: {approximation.Certificate}");
        // The allowance for float64 rounding is far too small to hide a real miss.
        Assert.True(approximation.Certificate.RoundingAllowance < 1e-6 * eps, $"rounding allowance {approximation.Certificate.RoundingAllowance}");
        // The same grid, computed independently: C# f against the interpolant located piece by piece.
        var grid = AdaptiveApproximator.CertificationGrid(approximation.Knots);
        Assert.True(grid.Length >= approximation.Pieces * 101 + approximation.Knots.Length);
        double onGrid = grid.Max(x => Math.Abs(f(x) - PiecewiseLinear.Evaluate(approximation.Knots, approximation.Values, x)));
        // Ties are decided within 8u·max|f| (the search's slack) plus the interpolation's own rounding, as much again.
        double tieSlack = 16 * Math.Pow(2, -53) * grid.Max(x => Math.Abs(f(x)));
        Assert.True(onGrid <= eps + tieSlack, $"{approximation.Function}: {onGrid} > {eps} on the certification grid");
        Assert.Equal(approximation.Certificate.MaxError, onGrid, approximation.Certificate.RoundingAllowance + tieSlack);
        // A grid ten times finer, with the excess allowed by the grid spacing.
        var knots = approximation.Knots;
        double finer = 0;
        for (int p = 0; p + 1 < knots.Length; p++)
            for (int j = 0; j <= 1020; j++)
            {
                double x = knots[p] + (knots[p + 1] - knots[p]) * j / 1020;
                finer = Math.Max(finer, Math.Abs(f(x) - PiecewiseLinear.Evaluate(knots, approximation.Values, x)));
            }
        Assert.True(finer <= eps * (1 + relativeExcess), $"{approximation.Function}: {finer} on a 10× finer grid, ε = {eps}");
    }

    [Fact]
    public void SquareNeedsExactlyTheUniformBound()
    {
        // Greedy chords are optimal for convex f, and x²'s chord error depends only on the width: the count must be
        // exactly ⌈1/(2√ε)⌉ — including ε = 1/(4n²), where a piece of width 2√ε errs by exactly ε.
        var square = Formula.Parse("x^2");
        foreach (double eps in new[] { 1e-2, 2.5e-3, 1e-3, 3.7e-4, 1e-4, 1e-5, 1.0 / (4 * 37 * 37), 1.0 / (4 * 123 * 123) })
        {
            using var approximation = AdaptiveApproximator.Build(square, 0, 1, eps);
            int bound = AdaptiveApproximator.UniformBoundForSquare(eps);
            Assert.True(approximation.Certificate.Meets, $"ε = {eps}: {approximation.Certificate}");
            Assert.True(approximation.Units <= bound, $"ε = {eps}: {approximation.Units} units > bound {bound}");
            Assert.Equal(bound, approximation.Pieces);
            Assert.Equal(bound, AdaptiveApproximator.UniformPieces(x => x * x, 0, 1, eps));
        }
    }

    [Fact]
    public void TiesMeetEpsForEveryPieceCount()
    {
        // ε = 1/(4n²): n pieces of width 1/n err by exactly ε, so both counts must be n, not n + 1.
        var square = Formula.Parse("x^2");
        for (int n = 1; n <= 20; n++)
        {
            double eps = 1.0 / (4.0 * n * n);
            Assert.Equal(n, AdaptiveApproximator.UniformBoundForSquare(eps));
            Assert.Equal(n + 1, AdaptiveApproximator.UniformBoundForSquare(eps * (1 - 1e-6)));
            Assert.Equal(n, AdaptiveApproximator.UniformBoundForSquare(eps * (1 + 1e-6)));
            using var approximation = AdaptiveApproximator.Build(square, 0, 1, eps);
            Assert.Equal(n, approximation.Pieces);
            Assert.True(approximation.Certificate.Meets, $"n = {n}: {approximation.Certificate}");
        }
    }

    [Fact]
    public void AdaptiveKnotsBeatUniformOnesWhereFCurvesUnevenly()
    {
        foreach (var (text, a, b) in new[] { ("sqrt(x)", 0.0, 1.0), ("tanh(50*x)", -1.0, 1.0) })
        {
            var formula = Formula.Parse(text);
            using var approximation = AdaptiveApproximator.Build(formula, a, b, 1e-3);
            int? uniform = AdaptiveApproximator.UniformPieces(formula.AsFunction(), a, b, 1e-3);
            Assert.True(uniform is null || approximation.Units * 3 < uniform, $"{text}: {approximation.Units} adaptive vs {uniform} uniform");
        }
    }

    [Fact]
    public void KinkedLineNeedsTwoUnitsWhateverEps()
    {
        foreach (double eps in new[] { 1e-1, 1e-3, 1e-6 })
        {
            using var approximation = AdaptiveApproximator.Build(x => Math.Abs(x - 0.3), 0, 1, eps);
            Assert.Equal(2, approximation.Units);
        }
    }

    [Fact]
    public void DroppingAUnitFailsTheCertificate()
    {
        using var approximation = AdaptiveApproximator.Build(x => x * x, 0, 1, 1e-3);
        using var damaged = approximation.Network.WithoutUnit(approximation.Units / 2);
        var certificate = AdaptiveApproximator.Certify(damaged, x => x * x, approximation.Knots, 1e-3);
        Assert.False(certificate.Meets);
        Assert.True(certificate.MaxError > 1e-3);
    }

    [Theory]
    [InlineData("log(x)", 0.0, 1.0, 1e-3, "not finite at x = 0")]
    [InlineData("sqrt(x)", -1.0, 1.0, 1e-3, "not finite at x = -1")]
    [InlineData("1/(x - 0.5)", 0.0, 1.0, 1e-3, "not finite at x = 0.5")]
    [InlineData("sign(x)", -1.0, 1.0, 1e-3, "cannot reach")]
    public void BadInputsSayWhatIsWrong(string text, double a, double b, double eps, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => AdaptiveApproximator.Build(Formula.Parse(text), a, b, eps));
        Assert.Contains(expected, e.Message);
    }

    // Arguments out of range name their parameter (the CLI turns it into --eps or --domain) and carry the value; the
    // domain as written ("a,b") is parsed by the library too, and refused by the same name when it is no interval.
    [Theory]
    [InlineData("0,1", 0.0, "eps", "must be a positive number")]
    [InlineData("0,1", -1e-3, "eps", "must be a positive number")]
    [InlineData("1,1", 1e-3, "domain", "needs a < b")]
    [InlineData("2,1", 1e-3, "domain", "needs a < b")]
    [InlineData("0,1e999", 1e-3, "domain", "must be finite")]
    [InlineData("0;1", 1e-3, "domain", "must be two finite numbers a,b")]
    [InlineData("0,1,2", 1e-3, "domain", "must be two finite numbers a,b")]
    [InlineData("0,x", 1e-3, "domain", "must be two finite numbers a,b")]
    public void ArgumentsOutOfRangeNameTheirParameter(string domain, double eps, string parameter, string expected)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var (a, b) = AdaptiveApproximator.ParseDomain(domain);
            AdaptiveApproximator.Build(Formula.Parse("x"), a, b, eps);
        });
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(expected, e.Message);
        Assert.NotNull(e.ActualValue);
    }

    [Fact]
    public void TheDomainParsesAsWrittenAndACurvatureBoundBelowZeroIsRefusedByName()
    {
        Assert.Equal((-1.0, 0.5), AdaptiveApproximator.ParseDomain("-1,5e-1"));
        Assert.Equal("curvatureBound", Assert.Throws<ArgumentOutOfRangeException>(() => IntervalCertificate.CheckCurvatureBound(-1)).ParamName);
    }
}
