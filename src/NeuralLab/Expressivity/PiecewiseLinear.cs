namespace NeuralLab.Expressivity;

/// <summary>
/// Continuous piecewise-linear functions and their exact one-hidden-layer ReLU networks — the principle
/// behind construction 1.4. A continuous function with knots x₀ &lt; … &lt; xₙ₋₁, values yᵢ and slope sᵢ
/// on the i-th piece (s₀ left of x₀, sₙ right of xₙ₋₁) is
///   f(x) = y₀ + s₀·(x − x₀) + Σᵢ (sᵢ₊₁ − sᵢ)·ReLU(x − xᵢ),
/// because each ReLU(x − xᵢ) switches on at its knot and changes the slope by exactly its weight.
/// The linear term costs two units, s₀·ReLU(x − x₀) − s₀·ReLU(x₀ − x), the first merged into x₀'s unit;
/// so the network has one unit per kink plus one when s₀ ≠ 0.
/// </summary>
internal static class PiecewiseLinear
{
    /// <summary>
    /// The exact ReLU network of the continuous piecewise-linear function through (xs[i], ys[i]) that continues
    /// with slope <paramref name="leftSlope"/> left of the first knot and <paramref name="rightSlope"/> right of
    /// the last (0: constant, as the hat 3σ(x+2) − 6σ(x) + 3σ(x−2)). Knots where the slope does not change get no unit.
    /// </summary>
    public static ShallowNetwork FromKnots(IReadOnlyList<double> xs, IReadOnlyList<double> ys, double leftSlope = 0, double rightSlope = 0)
    {
        var slopes = Slopes(xs, ys, leftSlope, rightSlope);
        var w0 = new List<double>();
        var b0 = new List<double>();
        var w1 = new List<double>();
        void AddUnit(double direction, double knot, double weight)
        {
            w0.Add(direction);
            b0.Add(-direction * knot + 0.0);  // + 0.0 turns −0 into 0 (a knot at 0 would print as "-0")
            w1.Add(weight);
        }
        // Left end: y₀ + s₀·(x − x₀) = y₀ + s₀·ReLU(x − x₀) − s₀·ReLU(x₀ − x); the first ReLU merges with x₀'s kink.
        if (leftSlope != 0) AddUnit(-1, xs[0], -leftSlope);
        if (slopes[1] != 0) AddUnit(1, xs[0], slopes[1]);
        for (int i = 1; i < xs.Count; i++)
        {
            double change = slopes[i + 1] - slopes[i];
            if (change != 0) AddUnit(1, xs[i], change);
        }
        // A constant has no kink; a module needs a unit, so it gets one that contributes nothing.
        if (w0.Count == 0) AddUnit(1, xs[0], 0);
        return new ShallowNetwork([.. w0], [.. b0], [.. w1], ys[0]);
    }

    /// <summary>The same function evaluated directly (locate the piece, interpolate): the oracle for <see cref="FromKnots"/>.</summary>
    public static double Evaluate(IReadOnlyList<double> xs, IReadOnlyList<double> ys, double x, double leftSlope = 0, double rightSlope = 0)
    {
        int n = xs.Count;
        if (x <= xs[0]) return ys[0] + leftSlope * (x - xs[0]);
        if (x >= xs[n - 1]) return ys[n - 1] + rightSlope * (x - xs[n - 1]);
        int lo = 0, hi = n - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (xs[mid] <= x) lo = mid; else hi = mid;
        }
        double t = (x - xs[lo]) / (xs[hi] - xs[lo]);
        return ys[lo] + t * (ys[hi] - ys[lo]);
    }

    /// <summary>Slopes s₀ … sₙ: left end, each piece, right end.</summary>
    static double[] Slopes(IReadOnlyList<double> xs, IReadOnlyList<double> ys, double leftSlope, double rightSlope)
    {
        if (xs.Count == 0 || xs.Count != ys.Count)
            throw new ArgumentException($"need as many knots as values, at least one (got {xs.Count} and {ys.Count})");
        if (!double.IsFinite(leftSlope) || !double.IsFinite(rightSlope)) throw new ArgumentException("end slopes must be finite");
        for (int i = 0; i < xs.Count; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) throw new ArgumentException($"knot {i} ({xs[i]}, {ys[i]}) is not finite");
            if (i > 0 && !(xs[i] > xs[i - 1])) throw new ArgumentException($"knots must increase strictly: x[{i - 1}] = {xs[i - 1]}, x[{i}] = {xs[i]}");
        }
        var slopes = new double[xs.Count + 1];
        slopes[0] = leftSlope;
        for (int i = 1; i < xs.Count; i++) slopes[i] = (ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1]);
        slopes[xs.Count] = rightSlope;
        return slopes;
    }
}
