namespace NeuralLab.Expressivity;

/// <summary>
/// A bound on max |N(x) − f(x)| over all of [a, b] for a one-hidden-layer ReLU network N, independent of how N was built:
/// it evaluates N at points the construction never chose and bounds what lies between them from a bound on |f''|.
/// </summary>
/// <param name="Eps">The ε to meet.</param>
/// <param name="Points">Evaluation points: an equal grid plus N's kinks in [a, b], read from its weights.</param>
/// <param name="MaxError">max |N(x) − f(x)| at those points (float64).</param>
/// <param name="WorstX">Where that maximum is.</param>
/// <param name="CurvatureBound">The bound M on |f''| over [a, b] the between-points term uses (2 for x²).</param>
/// <param name="Bound">MaxError's neighbours plus the between-points term h²·M/8 and the float64 rounding allowance: a bound on the whole interval.</param>
/// <param name="RoundingAllowance">What float64 rounding in N and f may hide, added to the bound.</param>
/// <param name="Meets">Bound ≤ ε and MaxError ≤ ε (no rounding slack is granted to either).</param>
public sealed record IntervalCertificate(double Eps, int Points, double MaxError, double WorstX, double CurvatureBound, double Bound,
    double RoundingAllowance, bool Meets)
{
    const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>Equal grid points of the default certificate: 2¹⁴ pieces, so h²·M/8 is small beside any ε the approximator accepts.</summary>
    public const int DefaultGridPoints = (1 << 14) + 1;

    /// <summary>x², whose |f''| = 2 everywhere: the between-points term is h²/4.</summary>
    public static IntervalCertificate ForSquare(ShallowNetwork network, double a, double b, double eps, int gridPoints = DefaultGridPoints) =>
        Certify(network, x => x * x, curvatureBound: 2, a, b, eps, gridPoints);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="curvatureBound"/> unless it is a
    /// finite number ≥ 0, as <see cref="Certify"/> needs it (a caller checks it before building the network to certify).</summary>
    public static void CheckCurvatureBound(double curvatureBound)
    {
        if (!(curvatureBound >= 0) || double.IsInfinity(curvatureBound))
            throw new ArgumentOutOfRangeException(nameof(curvatureBound), curvatureBound, "the bound on |f''| must be a finite number ≥ 0");
    }

    /// <summary>
    /// Evaluates N on <paramref name="gridPoints"/> equally spaced points of [a, b] plus its own kinks −b0ᵢ/w0ᵢ, which the
    /// construction never chose. Between two consecutive points N is linear, so e = f − N has |e''| = |f''| ≤ M there, and
    /// e minus its chord is at most h²·M/8 in size (the linear-interpolation remainder (x − xᵢ)(xᵢ₊₁ − x)·e''(ξ)/2), so
    /// |e| ≤ max(|e(xᵢ)|, |e(xᵢ₊₁)|) + h²·M/8 on the whole piece. Float64 rounding of N is at most (m + 4)·u·S with
    /// S = |b1| + Σ|w1ᵢ|·2(|w0ᵢ|·X + |b0ᵢ|), X = max(|a|, |b|) (the size of everything the forward pass adds); f's own
    /// evaluation and the subtraction are granted 4u·(max|f| + S). Both are added to the bound.
    /// </summary>
    /// <param name="network">The network N to check, one hidden ReLU layer.</param>
    /// <param name="f">The target function, evaluated in float64.</param>
    /// <param name="curvatureBound">M ≥ max |f''| on [a, b]; the bound is only as true as M is.</param>
    /// <param name="a">Left end of the interval.</param>
    /// <param name="b">Right end of the interval.</param>
    /// <param name="eps">The ε to meet.</param>
    /// <param name="gridPoints">Equal grid points, ends included.</param>
    public static IntervalCertificate Certify(ShallowNetwork network, Func<double, double> f, double curvatureBound, double a, double b, double eps,
        int gridPoints = DefaultGridPoints)
    {
        CheckCurvatureBound(curvatureBound);
        if (gridPoints < 2) throw new ArgumentOutOfRangeException(nameof(gridPoints), gridPoints, "at least the two ends are needed");
        var w = network.Weights;
        var points = Enumerable.Range(0, gridPoints).Select(i => a + (b - a) * i / (gridPoints - 1)).ToList();
        for (int i = 0; i < w.W0.Length; i++)
            if (w.W0[i] != 0)
            {
                double kink = -w.B0[i] / w.W0[i];
                if (kink > a && kink < b) points.Add(kink);
            }
        var xs = points.Distinct().Order().ToArray();
        var values = network.Evaluate(xs);
        var targets = xs.Select(f).ToArray();
        var error = xs.Select((_, i) => Math.Abs(values[i] - targets[i])).ToArray();
        double x0 = Math.Max(Math.Abs(a), Math.Abs(b));
        double size = Math.Abs(w.B1);
        for (int i = 0; i < w.W0.Length; i++) size += Math.Abs(w.W1[i]) * 2 * (Math.Abs(w.W0[i]) * x0 + Math.Abs(w.B0[i]));
        double largestTarget = targets.Max(Math.Abs);
        double rounding = (w.W0.Length + 4) * UnitRoundoff * size + 4 * UnitRoundoff * (largestTarget + size);
        double bound = 0;
        for (int i = 0; i + 1 < xs.Length; i++)
        {
            double h = xs[i + 1] - xs[i];
            bound = Math.Max(bound, Math.Max(error[i], error[i + 1]) + h * h * curvatureBound / 8);
        }
        bound += rounding;
        int worst = 0;
        for (int i = 1; i < error.Length; i++)
            if (!(error[i] <= error[worst])) worst = i;
        return new IntervalCertificate(eps, xs.Length, error[worst], xs[worst], curvatureBound, bound, rounding,
            bound <= eps && error[worst] <= eps);
    }
}
