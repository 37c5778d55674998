using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>One network fitted to x² on [−L, L] and its error inside and outside that interval.</summary>
/// <remarks>
/// <para><c>Method</c>: "interpolation" (the exact ReLU network of x²'s interpolant on equal knots, end pieces continued) or "adam".</para>
/// <para><c>ErrorAt2L</c>: max of |x² − f(x)| at x = ±2L; likewise at ±10L and ±100L.</para>
/// <para><c>CurveX</c>: x on [−4L, 4L] for the figure.</para>
/// <para><c>CurveError</c>: |x² − f(x)| there.</para>
/// </remarks>
public sealed record OutsideFit(string Method, double HalfWidth, int Units, double MaxErrorInside, double ErrorAt2L, double ErrorAt10L, double ErrorAt100L,
    double[] CurveX, double[] CurveError)
{
    /// <summary>The error keeps growing away from the interval: inside &lt; 2L &lt; 10L &lt; 100L.</summary>
    public bool GrowsOutside => MaxErrorInside < ErrorAt2L && ErrorAt2L < ErrorAt10L && ErrorAt10L < ErrorAt100L;
}

/// <summary>
/// Answer 1.6: a ReLU network is piecewise linear with finitely many pieces, so beyond its last kink it is a line
/// and |x² − f(x)| grows like x². Fitting wider networks on wider intervals moves the problem, never removes it.
/// </summary>
internal static class OutsideGrowth
{
    /// <summary>
    /// Fits x² on [−L, L] for each (L, units) by interpolation and by Adam, and measures the error outside.
    /// <paramref name="clampToInterval"/> is fault injection: points outside are clamped into [−L, L] before evaluation.
    /// </summary>
    public static IReadOnlyList<OutsideFit> Run((double HalfWidth, int Units)[] fits, int adamSteps, int seed, bool clampToInterval = false,
        IProgress<ProgressReport>? progress = null)
    {
        using var singleThreaded = LibtorchThreads.One();
        Seeding.SeedEverything(seed);
        var result = new List<OutsideFit>();
        foreach (var (halfWidth, units) in fits)
        {
            // `units` equal knots: one unit per knot, the two end pieces continued (see PiecewiseLinear.FromKnots).
            var knots = CurveFitting.Linspace(-halfWidth, halfWidth, units);
            double endSlope = (knots[^1] * knots[^1] - knots[^2] * knots[^2]) / (knots[^1] - knots[^2]);
            using (var interpolant = PiecewiseLinear.FromKnots(knots, knots.Select(x => x * x).ToArray(), -endSlope, endSlope))
                result.Add(Measure("interpolation", halfWidth, interpolant.Units, interpolant.Evaluate, clampToInterval));
            if (adamSteps > 0)
            {
                // Fit g(u) ≈ u² on [−1, 1] and use f(x) = L²·g(x/L): still a ReLU network (rescaled weights), trained at unit scale.
                using var network = new ShallowNetwork(units);
                var us = CurveFitting.Linspace(-1, 1, 401);
                CurveFitting.Train(network, us, us.Select(u => u * u).ToArray(), adamSteps, progress: progress, task: $"x² on [−{halfWidth}, {halfWidth}]");
                double[] Scaled(IReadOnlyList<double> xs) =>
                    network.Evaluate(xs.Select(x => x / halfWidth).ToArray()).Select(g => halfWidth * halfWidth * g).ToArray();
                result.Add(Measure("adam", halfWidth, units, Scaled, clampToInterval));
            }
        }
        return result;
    }

    static OutsideFit Measure(string method, double halfWidth, int units, Func<IReadOnlyList<double>, double[]> network, bool clamp)
    {
        double[] Error(double[] xs)
        {
            var at = clamp ? xs.Select(x => Math.Clamp(x, -halfWidth, halfWidth)).ToArray() : xs;
            var f = network(at);
            return at.Select((x, i) => Math.Abs(x * x - f[i])).ToArray();
        }
        double AtMultiple(double k) => Error([-k * halfWidth, k * halfWidth]).Max();
        var curveX = CurveFitting.Linspace(-4 * halfWidth, 4 * halfWidth, 801);
        return new OutsideFit(method, halfWidth, units,
            Error(CurveFitting.Linspace(-halfWidth, halfWidth, 2001)).Max(),
            AtMultiple(2), AtMultiple(10), AtMultiple(100), curveX, Error(curveX));
    }
}
