using NeuralLab.Expressivity;

namespace NeuralLab.Tests.Expressivity;

public class PiecewiseLinearTests
{
    // Oracle: locating the piece and interpolating, in plain .NET, against the network computed by libtorch.
    [Theory]
    [InlineData(1, 0.0, 0.0)]
    [InlineData(2, 1.5, -0.5)]
    [InlineData(5, 0.0, 2.0)]
    [InlineData(17, -3.0, 0.0)]
    [InlineData(60, 0.7, -1.3)]
    public void NetworkEqualsTheInterpolantEverywhere(int knotCount, double leftSlope, double rightSlope)
    {
        var rng = new Random(knotCount);
        // Knots jittered around an even grid on [−5, 5]. With 60 knots the slopes reach ~70 and the network's
        // terms ~1e3 that cancel to O(1), so the allowance is float64's rounding of the sum, as the approximator
        // uses it: (m + 4)·u·(|f(x)| + Σ|terms|) (ShallowNetwork.TermMagnitude), not a fixed 1e-12.
        double spacing = 10.0 / knotCount;
        var xs = Enumerable.Range(0, knotCount).Select(i => -5 + spacing * (i + 0.25 + 0.5 * rng.NextDouble())).ToArray();
        var ys = xs.Select(_ => 6 * rng.NextDouble() - 3).ToArray();
        using var network = PiecewiseLinear.FromKnots(xs, ys, leftSlope, rightSlope);
        var grid = Enumerable.Range(0, 20_001).Select(i => -8 + 16.0 * i / 20_000).Concat(xs).ToArray();
        var values = network.Evaluate(grid);
        // The standard forward-error bound of the network's sums, (m + 4)·u·(size of the terms), plus the oracle's own
        // few roundings (its terms are at most about 10 here: values in [−3, 3], end slopes ≤ 1.5 over ≤ 3 beyond the knots);
        // with 60 units at |x| ≤ 8 it reaches ~2e-12, above a fixed 1e-12, depending on libtorch's GEMM path.
        var magnitude = network.TermMagnitude(grid);
        double gamma = (network.Units + 4) * Math.Pow(2, -53);
        double worstExcess = grid.Select((x, i) =>
        {
            double oracle = PiecewiseLinear.Evaluate(xs, ys, x, leftSlope, rightSlope);
            return Math.Abs(values[i] - oracle) - (gamma * (magnitude[i] + Math.Abs(oracle)) + 8 * Math.Pow(2, -53) * (Math.Abs(oracle) + 10));
        }).Max();
        Assert.True(worstExcess <= 0, $"error above the rounding bound by {worstExcess}");
        // It passes through the knots themselves.
        var atKnots = network.Evaluate(xs);
        double u = Math.Pow(2, -53);
        var atKnotsMagnitude = network.TermMagnitude(xs);
        for (int i = 0; i < xs.Length; i++)
            Assert.True(Math.Abs(atKnots[i] - ys[i]) <= (network.Units + 4) * u * (Math.Abs(ys[i]) + atKnotsMagnitude[i]), $"knot {i}: {atKnots[i]} vs {ys[i]}");
    }

    [Fact]
    public void OneUnitPerKinkPlusOneForALeftSlope()
    {
        // Knots at 0, 1, 2, 3 with values 0, 1, 2, 0: slopes 0 | 1, 1, −2 | 0. Kinks at 0 (0→1), 3 (−2→0) and 2 (1→−2);
        // 1 is on a straight line and gets no unit.
        double[] xs = [0, 1, 2, 3], ys = [0, 1, 2, 0];
        using var flatEnds = PiecewiseLinear.FromKnots(xs, ys);
        Assert.Equal(3, flatEnds.Units);
        // A left slope adds the mirrored unit ReLU(x₀ − x).
        using var slopedLeft = PiecewiseLinear.FromKnots(xs, ys, leftSlope: 2);
        Assert.Equal(4, slopedLeft.Units);
        // Continuing the last piece removes the kink at 3.
        using var continued = PiecewiseLinear.FromKnots(xs, ys, rightSlope: -2);
        Assert.Equal(2, continued.Units);
    }

    [Fact]
    public void RejectsKnotsThatDoNotIncrease()
    {
        Assert.Throws<ArgumentException>(() => PiecewiseLinear.FromKnots([0, 1, 1], [0, 1, 2]));
        Assert.Throws<ArgumentException>(() => PiecewiseLinear.FromKnots([0, 1], [0]));
        Assert.Throws<ArgumentException>(() => PiecewiseLinear.FromKnots([0, double.NaN], [0, 1]));
    }
}
