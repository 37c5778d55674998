namespace NeuralLab.Expressivity;

/// <summary>
/// A bound on max |N(x) − x²| over all of [a, b] for a one-hidden-layer ReLU network N, independent of how N was built.
/// </summary>
/// <param name="Eps">The ε to meet.</param>
/// <param name="Points">Evaluation points: an equal grid plus N's kinks in [a, b], read from its weights.</param>
/// <param name="MaxError">max |N(x) − x²| at those points (float64).</param>
/// <param name="Bound">MaxError's neighbours plus the between-points term h²/4 and the float64 rounding allowance: a bound on the whole interval.</param>
/// <param name="RoundingAllowance">What float64 rounding in N and x² may hide, added to the bound.</param>
/// <param name="Meets">Bound ≤ ε (and so MaxError ≤ ε).</param>
public sealed record SquareCertificate(double Eps, int Points, double MaxError, double Bound, double RoundingAllowance, bool Meets)
{
    const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>
    /// Evaluates N on <paramref name="gridPoints"/> equally spaced points of [a, b] plus its own kinks −b0ᵢ/w0ᵢ, which the
    /// construction never chose. Between two consecutive points N is linear, so e = x² − N has e'' = 2 there and
    /// |e| ≤ max(|e(xᵢ)|, |e(xᵢ₊₁)|) + h²/4 on the whole piece (e lies above its chord less (x − xᵢ)(xᵢ₊₁ − x) ≤ h²/4 and,
    /// being convex, below the larger end value). Float64 rounding of N is at most (m + 4)·u·S with
    /// S = |b1| + Σ|w1ᵢ|·2(|w0ᵢ|·X + |b0ᵢ|), X = max(|a|, |b|) (the size of everything the forward pass adds), and is added.
    /// </summary>
    public static SquareCertificate Certify(ShallowNetwork network, double a, double b, double eps, int gridPoints = (1 << 14) + 1)
    {
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
        var error = xs.Select((x, i) => Math.Abs(values[i] - x * x)).ToArray();
        double x0 = Math.Max(Math.Abs(a), Math.Abs(b));
        double size = Math.Abs(w.B1);
        for (int i = 0; i < w.W0.Length; i++) size += Math.Abs(w.W1[i]) * 2 * (Math.Abs(w.W0[i]) * x0 + Math.Abs(w.B0[i]));
        // N's forward pass, x², and the subtraction each round once more.
        double rounding = (w.W0.Length + 4) * UnitRoundoff * size + 4 * UnitRoundoff * (x0 * x0 + size);
        double bound = 0;
        for (int i = 0; i + 1 < xs.Length; i++)
        {
            double h = xs[i + 1] - xs[i];
            bound = Math.Max(bound, Math.Max(error[i], error[i + 1]) + h * h / 4);
        }
        bound += rounding;
        double maxError = error.Max();
        return new SquareCertificate(eps, xs.Length, maxError, bound, rounding, bound <= eps && maxError <= eps);
    }
}
