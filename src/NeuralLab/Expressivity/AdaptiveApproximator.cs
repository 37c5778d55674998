using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>What the certification grid says about a network against f.</summary>
/// <param name="MaxError">max |network(x) − f(x)| over the grid.</param>
/// <param name="WorstX">Where that maximum is.</param>
/// <param name="GridPoints">Grid size: the knots and <see cref="AdaptiveApproximator.PointsBetweenKnots"/> points inside each piece.</param>
/// <param name="RoundingAllowance">Largest float64 rounding bound granted at a grid point (see <see cref="AdaptiveApproximator.Certify"/>).</param>
/// <param name="Meets">Every grid error is ≤ ε plus that point's rounding bound.</param>
public sealed record Certificate(double MaxError, double WorstX, int GridPoints, double RoundingAllowance, bool Meets);

/// <summary>A certified ReLU approximation of f on [a, b].</summary>
public sealed record ReluApproximation(string Function, double A, double B, double Eps, double[] Knots, double[] Values, ShallowNetwork Network, Certificate Certificate)
    : IDisposable
{
    /// <summary>Frees the network's libtorch tensors.</summary>
    public void Dispose() => Network.Dispose();

    /// <summary>Hidden ReLU units of the network (one per knot but the last).</summary>
    public int Units => Network.Units;

    /// <summary>Linear pieces of the interpolant on [a, b].</summary>
    public int Pieces => Knots.Length - 1;
}

/// <summary>
/// The constructive universal approximator of answer 1.7: the piecewise-linear interpolant of f on knots chosen
/// greedily — from each knot, the furthest next knot whose chord stays within ε of f — turned into its exact ReLU
/// network (<see cref="PiecewiseLinear.FromKnots"/>), one unit per piece.
/// </summary>
/// <remarks>
/// Why greedy-furthest: for convex (or concave) f a chord's error can only shrink on a sub-interval, so the
/// greedy partition has the fewest pieces of any interpolating partition meeting ε; in particular for x², whose
/// chord error on a piece of width h is h²/4 wherever it sits, it never needs more than the uniform ⌈(b − a)/(2√ε)⌉.
/// Where f is nearly linear the chords reach far, where it curves or kinks they are short.
/// Errors are measured on the same grid the certificate uses: <see cref="PointsBetweenKnots"/> equally spaced
/// interior points per piece.
/// </remarks>
public static class AdaptiveApproximator
{
    /// <summary>
    /// A network that must pass an <see cref="IntervalCertificate"/> for ε is built for (1 − 1/64)·ε, leaving room for the
    /// certificate's between-points and rounding terms (answer 1.7 and <c>relu approx</c> both do so).
    /// </summary>
    public const double CertificateMargin = 1.0 / 64;

    /// <summary>Interior grid points per piece. Odd, so the midpoint — where a parabola's chord is furthest — is on the grid.</summary>
    public const int PointsBetweenKnots = 101;

    /// <summary>Beyond this the certificate's dense evaluation (pieces × 102 points × units) becomes minutes.</summary>
    public const int MaxUnits = 10_000;

    /// <summary>Unit roundoff of float64, 2⁻⁵³.</summary>
    const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>As the other overload, for a parsed formula (named by its text in messages).</summary>
    public static ReluApproximation Build(Formula formula, double a, double b, double eps, IProgress<ProgressReport>? progress = null) =>
        Build(formula.AsFunction(), a, b, eps, formula.Text, progress);

    /// <summary>A one-hidden-layer ReLU network interpolating <paramref name="f"/> at greedily furthest knots so that
    /// every chord stays within <paramref name="eps"/> on [<paramref name="a"/>, <paramref name="b"/>], with its
    /// certificate.</summary>
    /// <param name="f">The function; every value on [a, b] must be finite.</param>
    /// <param name="a">Left end of the domain (finite).</param>
    /// <param name="b">Right end of the domain (finite, &gt; a).</param>
    /// <param name="eps">Sup-norm tolerance ε &gt; 0.</param>
    /// <param name="name">How messages name f.</param>
    /// <param name="progress">Progress sink, may be null.</param>
    /// <exception cref="BadInputException">ε or the domain is invalid, f is not finite somewhere on it, or ε needs more
    /// than <see cref="MaxUnits"/> units or pieces narrower than float64 resolves.</exception>
    public static ReluApproximation Build(Func<double, double> f, double a, double b, double eps, string name = "f", IProgress<ProgressReport>? progress = null)
    {
        CheckArguments(a, b, eps);
        using var singleThreaded = LibtorchThreads.One();
        var function = new CheckedFunction(f, name, a, b);
        double slack = RoundingSlack(function.ScanDomain());
        var knots = new List<double> { a };
        var values = new List<double> { function.At(a) };
        double width = b - a;
        // Below this width the x-coordinates inside a piece are no longer distinct in float64.
        double minWidth = 64 * UnitRoundoff * Math.Max(b - a, Math.Max(Math.Abs(a), Math.Abs(b)));
        while (knots[^1] < b)
        {
            if (knots.Count > MaxUnits)
                throw new BadInputException($"'{name}' needs more than {MaxUnits} units for ε = {eps:G4} on [{a:G}, {b:G}]: raise ε");
            double x0 = knots[^1], y0 = values[^1];
            double x1 = FurthestKnot(function, x0, y0, b, width, eps + slack, minWidth);
            knots.Add(x1);
            values.Add(function.At(x1));
            width = x1 - x0;
            progress?.Report(new ProgressReport($"approx {name}", (long)(1000 * (x1 - a) / (b - a)), 1000, [("units", knots.Count - 1)]));
        }
        double lastSlope = (values[^1] - values[^2]) / (knots[^1] - knots[^2]);
        var network = PiecewiseLinear.FromKnots(knots, values, leftSlope: 0, rightSlope: lastSlope);
        var certificate = Certify(network, function.At, knots, eps);
        return new ReluApproximation(name, a, b, eps, [.. knots], [.. values], network, certificate);
    }

    /// <summary>
    /// Checks <paramref name="network"/> against f on the knots and <see cref="PointsBetweenKnots"/> points inside each
    /// piece. A point passes when |network(x) − f(x)| ≤ ε + 8u·max|f| + (m + 4)·u·(|f(x)| + <see cref="ShallowNetwork.TermMagnitude"/>):
    /// the search's tie slack plus the standard bound on float64 rounding in the network's forward pass (u = 2⁻⁵³).
    /// Both matter only where the error is ε to the last bits; the largest allowance granted is reported.
    /// </summary>
    public static Certificate Certify(ShallowNetwork network, Func<double, double> f, IReadOnlyList<double> knots, double eps)
    {
        using var singleThreaded = LibtorchThreads.One();
        double slack = RoundingSlack(new CheckedFunction(f, "f", knots[0], knots[^1]).ScanDomain());
        var grid = CertificationGrid(knots);
        var output = network.Evaluate(grid);
        var target = grid.Select(f).ToArray();
        var error = grid.Select((_, i) => Math.Abs(output[i] - target[i])).ToArray();
        // The forward pass's rounding bound costs another pass over (points × units): only where the slack alone does not do.
        var close = Enumerable.Range(0, grid.Length).Where(i => !(error[i] <= eps + slack)).ToArray();
        var magnitude = network.TermMagnitude(close.Select(i => grid[i]).ToArray());
        double gamma = (network.Units + 4) * UnitRoundoff;
        double maxAllowance = slack;
        bool meets = true;
        for (int k = 0; k < close.Length; k++)
        {
            int i = close[k];
            double allowance = slack + gamma * (Math.Abs(target[i]) + magnitude[k]);
            maxAllowance = Math.Max(maxAllowance, allowance);
            if (!(error[i] <= eps + allowance)) meets = false;
        }
        int worst = 0;
        for (int i = 1; i < grid.Length; i++)
            if (!(error[i] <= error[worst])) worst = i;
        double maxError = error[worst], worstX = grid[worst];
        return new Certificate(maxError, worstX, grid.Length, maxAllowance, meets);
    }

    /// <summary>The knots plus <see cref="PointsBetweenKnots"/> equally spaced points strictly inside each piece, in order.</summary>
    public static double[] CertificationGrid(IReadOnlyList<double> knots)
    {
        var grid = new double[knots.Count + (knots.Count - 1) * PointsBetweenKnots];
        int k = 0;
        for (int p = 0; p + 1 < knots.Count; p++)
        {
            grid[k++] = knots[p];
            for (int j = 1; j <= PointsBetweenKnots; j++) grid[k++] = InteriorPoint(knots[p], knots[p + 1], j);
        }
        grid[k] = knots[^1];
        return grid;
    }

    /// <summary>
    /// The fewest equal pieces whose interpolant meets ε on the same grid, found by doubling then bisection over the
    /// count; null when more than <paramref name="cap"/> are needed. (For non-convex f feasibility need not be monotone
    /// in the count; the bisection then returns a feasible count, not necessarily the least.)
    /// </summary>
    public static int? UniformPieces(Func<double, double> f, double a, double b, double eps, int cap = 16_384, string name = "f")
    {
        CheckArguments(a, b, eps);
        var function = new CheckedFunction(f, name, a, b);
        double tolerance = eps + RoundingSlack(function.ScanDomain());
        bool Feasible(int n)
        {
            double x0 = a, y0 = function.At(a);
            for (int i = 1; i <= n; i++)
            {
                double x1 = i == n ? b : a + (b - a) * i / n, y1 = function.At(x1);
                if (!ChordWithin(function, x0, y0, x1, y1, tolerance)) return false;
                (x0, y0) = (x1, y1);
            }
            return true;
        }
        int hi = 1;
        while (!Feasible(hi))
        {
            if (hi >= cap) return null;
            hi = Math.Min(cap, hi * 2);
        }
        int lo = hi / 2;  // infeasible (or 0)
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (Feasible(mid)) hi = mid; else lo = mid;
        }
        return hi;
    }

    /// <summary>
    /// The uniform-knot count for x² on [a, b]: a chord of x² over width h errs by h²/4 at its midpoint, so h ≤ 2√ε and
    /// n = ⌈(b − a)/(2√ε)⌉. The ratio is rounded to 12 significant digits first: for ε = 1/(4n²) it comes out of float64
    /// as n plus an ulp, and the tie (pieces of width exactly 2√ε err by exactly ε) meets ε.
    /// </summary>
    public static int UniformBoundForSquare(double eps, double a = 0, double b = 1)
    {
        double ratio = (b - a) / (2 * Math.Sqrt(eps));
        double digits = Math.Pow(10, 11 - Math.Floor(Math.Log10(ratio)));
        return (int)Math.Ceiling(Math.Round(ratio * digits) / digits);
    }

    /// <summary>
    /// What float64 rounding in comparing f with a chord may add, 8u·max|f|, granted on top of ε in the search. It decides
    /// only ties: x² on a piece of width exactly 2√ε errs by exactly ε, and the uniform bound counts that piece as meeting ε.
    /// </summary>
    static double RoundingSlack(double scale) => 8 * UnitRoundoff * scale;

    /// <summary>Largest x1 in (x0, b] whose chord from (x0, y0) stays within the tolerance, to a relative width of 1e-14.</summary>
    static double FurthestKnot(CheckedFunction f, double x0, double y0, double b, double width, double tolerance, double minWidth)
    {
        bool Feasible(double x1) => ChordWithin(f, x0, y0, x1, f.At(x1), tolerance);
        if (Feasible(b)) return b;
        double lo, hi = b;
        double trial = Math.Min(b, x0 + width);
        if (trial < b && Feasible(trial))
        {
            lo = trial;
            while (true)
            {
                double next = x0 + 2 * (lo - x0);
                if (next >= b) break;
                if (Feasible(next)) lo = next;
                else { hi = next; break; }
            }
        }
        else
        {
            hi = trial;
            while (true)
            {
                double next = x0 + (hi - x0) / 2;
                if (next - x0 < minWidth)
                    throw new BadInputException(
                        $"cannot reach ε = {tolerance:G4} for '{f.Name}' near x = {x0:G6}: the error stays above ε on pieces as narrow as {next - x0:G3} " +
                        "(f jumps there, or ε is below what float64 resolves)");
                if (Feasible(next)) { lo = next; break; }
                hi = next;
            }
        }
        while (hi - lo > 1e-14 * (lo - x0))
        {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) break;
            if (Feasible(mid)) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>Whether the chord from (x0, y0) to (x1, y1) is within <paramref name="tolerance"/> of f at every interior grid point.</summary>
    static bool ChordWithin(CheckedFunction f, double x0, double y0, double x1, double y1, double tolerance)
    {
        for (int j = 1; j <= PointsBetweenKnots; j++)
        {
            double fx = f.At(InteriorPoint(x0, x1, j));
            double chord = y0 + (y1 - y0) * ((double)j / (PointsBetweenKnots + 1));
            if (!(Math.Abs(fx - chord) <= tolerance)) return false;
        }
        return true;
    }

    static double InteriorPoint(double x0, double x1, int j) => x0 + (x1 - x0) * ((double)j / (PointsBetweenKnots + 1));

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="eps"/> is positive and [<paramref name="a"/>,
    /// <paramref name="b"/>] a finite interval with a &lt; b; the interval's error names the parameter "domain" (a and b together).
    /// </summary>
    public static void CheckArguments(double a, double b, double eps)
    {
        CheckDomain(a, b);
        if (!(eps > 0) || double.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "must be a positive number");
    }

    /// <summary>
    /// The interval written "a,b" (invariant culture, e.g. "-1,1"), checked as <see cref="CheckArguments"/> checks it;
    /// anything else is an <see cref="ArgumentOutOfRangeException"/> naming the parameter "domain" with the text as given.
    /// </summary>
    public static (double A, double B) ParseDomain(string domain)
    {
        var parts = domain.Split(',');
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b))
            throw new ArgumentOutOfRangeException(nameof(domain), domain, "must be two finite numbers a,b (e.g. -1,1)");
        CheckDomain(a, b);
        return (a, b);
    }

    static void CheckDomain(double a, double b)
    {
        string domain = string.Create(CultureInfo.InvariantCulture, $"{a},{b}");
        if (!double.IsFinite(a) || !double.IsFinite(b)) throw new ArgumentOutOfRangeException(nameof(domain), domain, "must be finite");
        if (!(a < b)) throw new ArgumentOutOfRangeException(nameof(domain), domain, "needs a < b");
    }

    /// <summary>f with a check that every value it gives on the domain is finite, saying where it is not.</summary>
    sealed class CheckedFunction(Func<double, double> f, string name, double a, double b)
    {
        public string Name => name;

        public double At(double x)
        {
            double y = f(x);
            if (!double.IsFinite(y))
                throw new BadInputException($"'{name}' is not finite at x = {x:G6} (value {y}) on the domain [{a:G}, {b:G}]: choose a domain where it is defined");
            return y;
        }

        /// <summary>
        /// A first pass over 10001 equally spaced points, so that "not finite" names the first such x from the left.
        /// Returns max |f| there, the scale of float64 rounding.
        /// </summary>
        public double ScanDomain()
        {
            double scale = 0;
            for (int i = 0; i <= 10_000; i++) scale = Math.Max(scale, Math.Abs(At(i == 10_000 ? b : a + (b - a) * i / 10_000)));
            return scale;
        }
    }
}
