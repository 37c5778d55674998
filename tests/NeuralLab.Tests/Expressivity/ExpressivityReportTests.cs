using NeuralLab.Common;
using NeuralLab.Expressivity;
using NeuralLab.Tests.Common;

namespace NeuralLab.Tests.Expressivity;

[Trait("Speed", "Slow")]
public class ExpressivityReportTests
{
    static readonly string[] Ids = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

    static readonly ExpressivityBudget Budget = ExpressivityBudget.For(ReportProfile.Test);

    [Fact]
    public void TestProfileChecksEveryClaimWithFigures()
    {
        using var dir = new TempDir();
        var result = ClaimCheckHarness.AssertVerdicts(new ExpressivityReportSection(), dir, ("1.1", Verdict.Holds), ("1.2", Verdict.Holds),
            ("1.3", Verdict.Holds), ("1.4", Verdict.HoldsWithErrorInWorking), ("1.5", Verdict.Holds), ("1.6", Verdict.HoldsWithErrorInWorking), ("1.7", Verdict.Holds));
        foreach (var claim in result.Claims)
        {
            Assert.NotEmpty(claim.Evidence);
            Assert.Equal(claim.Verdict != Verdict.Holds, claim.Correction != null);
            Assert.True(claim.Figure == null || File.Exists(Path.Combine(dir.Path, claim.Figure)), claim.Figure);
        }
        Assert.Equal(4, result.Figures.Count);
        foreach (var figure in result.Figures)
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir.Path, figure.FileName));
            Assert.True(bytes.Length > 10_000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', figure.FileName);
            Assert.NotEmpty(figure.Caption);
        }
    }

    public static TheoryData<string> CheckIds => new(Ids);

    static ClaimCheck CheckOf(string id)
    {
        var c = ExpressivityReportSection.Checks(Budget);
        return id switch
        {
            "1.1" => c.Identity,
            "1.2" => c.Affine,
            "1.3" => c.Constant,
            "1.4" => c.Hat,
            "1.5" => c.Homogeneity,
            "1.6" => c.Outside,
            _ => c.Approximator,
        };
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void BreakingAClaimsComputationFlipsThatClaimAlone(string id) => ClaimCheckHarness.AssertFlipsAlone(CheckOf(id));

    [Fact]
    public void BrokenOneOneIsTheAbsoluteValueNetwork()
    {
        var (normal, broken) = ClaimCheckHarness.AssertFlipsAlone(CheckOf("1.1"));
        Assert.Equal(new[] { 1.0, -1.0 }, (double[])normal.Evidence["w1"]!);
        Assert.Equal(new[] { 1.0, 1.0 }, (double[])broken.Evidence["w1"]!);
        Assert.Equal(0.0, (double)normal.Evidence["max_error"]!);
    }

    [Fact]
    public void TargetsAreTheSolutions()
    {
        // 1.1: f(x) = x with w0 = w1 = [1, −1] and no biases.
        var identity = Constructions.Identity();
        Assert.Equal("x", identity.Target);
        Assert.Equal(-2.75, identity.TargetFunction(-2.75));
        Assert.Equal([1.0, -1.0], identity.Network.Weights.W0);
        Assert.Equal([1.0, -1.0], identity.Network.Weights.W1);
        Assert.Equal([0.0, 0.0], identity.Network.Weights.B0);
        // 1.2: f(x) = m·x + b with w0 = [m, −m], b0 = [b, −b], w1 = [1, −1].
        foreach (var (m, b) in AffineClaim.Cases)
        {
            var affine = Constructions.Affine(m, b);
            Assert.Equal(m * 1.5 + b, affine.TargetFunction(1.5));
            Assert.Equal(m * -4 + b, affine.TargetFunction(-4));
            Assert.Equal([m, -m], affine.Network.Weights.W0);
            Assert.Equal([b, -b], affine.Network.Weights.B0);
            Assert.Equal([1.0, -1.0], affine.Network.Weights.W1);
        }
        // 1.3: the sigmoid, w0 = 0, w1 = 2b.
        var constant = Constructions.ConstantAsWritten(1.5, Activation.Sigmoid);
        Assert.Equal(Activation.Sigmoid, constant.Network.Activation);
        Assert.Equal([0.0], constant.Network.Weights.W0);
        Assert.Equal([3.0], constant.Network.Weights.W1);
        Assert.Equal(1.5, constant.TargetFunction(7));
        // 1.4: the stated vectors literally, against the hat of the solution's f1 + f2 + f3.
        var stated = Constructions.HatAsStated();
        Assert.Equal([1.0, 1.0, 1.0], stated.Network.Weights.W0);
        Assert.Equal([2.0, -2.0, 0.0], stated.Network.Weights.B0);
        Assert.Equal([3.0, -6.0, 3.0], stated.Network.Weights.W1);
        static double Relu(double v) => Math.Max(v, 0);
        foreach (double x in new[] { -3.0, -1, 0.5, 1, 2, 4 })
        {
            Assert.Equal(3 * Relu(x + 2) - 6 * Relu(x) + 3 * Relu(x - 2), stated.TargetFunction(x), 12);
            Assert.Equal(3 * Relu(x + 2) - 6 * Relu(x - 2) + 3 * Relu(x), stated.Network.Evaluate([x])[0], 12);
        }
    }

    [Fact]
    public void OneFourSaysWhatTheStatedVectorsCompute()
    {
        using var dir = new TempDir();
        var claim = CheckOf("1.4").Run(new ReportContext(ReportProfile.Test, 0, dir.Path));
        Assert.Equal(Verdict.HoldsWithErrorInWorking, claim.Verdict);
        Assert.Equal("0 for x ≤ −2, 3x + 6 on [−2, 0], 6x + 6 on [0, 2], 18 for x ≥ 2", claim.Evidence["stated_computes"]);
        Assert.Contains("b = [2, 0, −2]", claim.Correction);
    }

    [Fact]
    public void OneSevenCertifiesXSquaredWithinEpsIndependentlyOfTheKnots()
    {
        // Built for (1 − 1/64)ε, certified against ε: the reported max error never exceeds ε, not even by rounding.
        using var approximation = AdaptiveApproximator.Build(x => x * x, 0, 1, 1e-3 * (1 - ApproximatorClaim.Margin), "x^2");
        var certificate = IntervalCertificate.ForSquare(approximation.Network, 0, 1, 1e-3);
        Assert.True(certificate.Meets);
        Assert.True(certificate.MaxError <= 1e-3 && certificate.Bound <= 1e-3, $"{certificate.MaxError}, {certificate.Bound}");
        // The bound is a bound: a much denser grid never finds a larger error.
        var dense = Enumerable.Range(0, 1_000_001).Select(i => i / 1e6).ToArray();
        var values = approximation.Network.Evaluate(dense);
        Assert.True(dense.Select((x, i) => Math.Abs(values[i] - x * x)).Max() <= certificate.Bound);
        // A network one unit short is caught.
        using var damaged = approximation.Network.WithoutUnit(approximation.Units - 1);
        Assert.False(IntervalCertificate.ForSquare(damaged, 0, 1, 1e-3).Meets);
    }

    [Fact]
    public void IntervalCertificateBoundsTheErrorBetweenItsPointsForAnySmoothFunction()
    {
        // sin(6x) has |f''| ≤ 36. The bound from 16,385 points must hold at a million others (the oracle).
        Func<double, double> f = x => Math.Sin(6 * x);
        using var approximation = AdaptiveApproximator.Build(f, 0, 1, 1e-3 * (1 - AdaptiveApproximator.CertificateMargin), "sin(6*x)");
        var certificate = IntervalCertificate.Certify(approximation.Network, f, 36, 0, 1, 1e-3);
        Assert.True(certificate.Meets, certificate.ToString());
        var dense = Enumerable.Range(0, 1_000_001).Select(i => i / 1e6).ToArray();
        var values = approximation.Network.Evaluate(dense);
        Assert.True(dense.Select((x, i) => Math.Abs(values[i] - f(x))).Max() <= certificate.Bound);
        // Few points with the same M give a bound that no longer meets ε: the between-points term is really there.
        Assert.False(IntervalCertificate.Certify(approximation.Network, f, 36, 0, 1, 1e-3, gridPoints: 9).Meets);
        Assert.Throws<ArgumentOutOfRangeException>(() => IntervalCertificate.Certify(approximation.Network, f, double.NaN, 0, 1, 1e-3));
    }
}
