namespace NeuralLab.Recurrence;

/// <summary>
/// Derivatives by finite differences, the check that shares no code with either backward pass.
/// A plain central difference in float64 cannot reach 1e-10: its truncation error ~h² and rounding
/// error ~ε|f|/h meet near 1e-11 of f's scale, and a vanishing ∂h_T/∂h_1 is far below f's scale.
/// So the function is evaluated in double-double arithmetic (rounding ~1e-32 |f|) and the
/// differences are extrapolated to h → 0 by Ridders' method (Numerical Recipes §5.7), a Neville
/// tableau of central differences at shrinking steps that also estimates its own error.
/// </summary>
internal static class FiniteDifference
{
    const double Shrink = 1.4, Safe = 2;
    const int TableSize = 12;

    /// <summary>
    /// f'(<paramref name="at"/>), starting from step <paramref name="initialStep"/>. If
    /// <paramref name="samePiece"/> is given (a piecewise function such as a relu network), the
    /// first step is halved until at ± step lies on the same piece as <paramref name="at"/>:
    /// a difference across a kink measures no derivative at all.
    /// </summary>
    public static double Derivative(Func<DoubleDouble, DoubleDouble> f, double at, double initialStep, Func<double, bool>? samePiece = null)
    {
        if (!(initialStep > 0)) throw new ArgumentOutOfRangeException(nameof(initialStep));
        double h = initialStep;
        if (samePiece != null)
            while (h > 1e-12 * Math.Max(1, Math.Abs(at)) && !(samePiece(at + h) && samePiece(at - h))) h /= 2;
        double Central(double step) => ((f((DoubleDouble)at + step) - f((DoubleDouble)at - step)) / (2 * step)).ToDouble();

        var a = new double[TableSize, TableSize];
        a[0, 0] = Central(h);
        double best = a[0, 0], errorEstimate = double.MaxValue;
        for (int i = 1; i < TableSize; i++)
        {
            h /= Shrink;
            a[0, i] = Central(h);
            double factor = Shrink * Shrink;
            for (int j = 1; j <= i; j++)
            {
                // Richardson: removes the h^{2j} error term of the column before.
                a[j, i] = (a[j - 1, i] * factor - a[j - 1, i - 1]) / (factor - 1);
                factor *= Shrink * Shrink;
                double e = Math.Max(Math.Abs(a[j, i] - a[j - 1, i]), Math.Abs(a[j, i] - a[j - 1, i - 1]));
                if (e <= errorEstimate)
                {
                    errorEstimate = e;
                    best = a[j, i];
                }
            }
            // Higher order got worse by a clear margin: rounding has taken over.
            if (Math.Abs(a[i, i] - a[i - 1, i - 1]) >= Safe * errorEstimate) break;
        }
        return best;
    }

    static DoubleDouble[] Wide(IReadOnlyList<double> x) => [.. x.Select(v => (DoubleDouble)v)];

    /// <summary>df/dw of f = h_T.</summary>
    public static double DfDw(ScalarRnn rnn, IReadOnlyList<double> x)
    {
        var wide = Wide(x);
        var pattern = ActivePattern(rnn, x);
        return Derivative(w => rnn.Unroll(DoubleDoubleAlgebra.Instance, w, wide)[^1], rnn.W, 0.1 * Math.Max(1, Math.Abs(rnn.W)),
            pattern == null ? null : w => ActivePattern(rnn.WithWeight(w), x).SequenceEqual(pattern));
    }

    /// <summary>df/dh_k of f = h_T (1-based k), perturbing h_k and rerunning steps k+1..T.</summary>
    public static double DfDh(ScalarRnn rnn, IReadOnlyList<double> x, int k)
    {
        var wide = Wide(x);
        double hk = rnn.States(x)[k - 1];
        var pattern = ActivePattern(rnn, x);
        return Derivative(h => rnn.OutputFrom(DoubleDoubleAlgebra.Instance, rnn.W, k, h, wide), hk, 0.1 * Math.Max(1, Math.Abs(hk)),
            pattern == null ? null : h => ActivePatternFrom(rnn, x, k, h).SequenceEqual(pattern.Skip(k)));
    }

    /// <summary>For relu, which steps' pre-activations are positive: the piece of the piecewise-polynomial f.</summary>
    static bool[]? ActivePattern(ScalarRnn rnn, IReadOnlyList<double> x) =>
        rnn.Activation != Activation.Relu ? null : [.. BackpropThroughTime.Forward(rnn, x).Select(s => s.PreActivation > 0)];

    static bool[] ActivePatternFrom(ScalarRnn rnn, IReadOnlyList<double> x, int k, double hk)
    {
        var pattern = new bool[x.Count - k];
        double h = hk;
        for (int t = k + 1; t <= x.Count; t++)
        {
            double y = x[t - 1] + h;
            double pre = rnn.Form == RnnForm.Outer ? y : rnn.W * y;
            pattern[t - k - 1] = pre > 0;
            h = rnn.Step(DoubleAlgebra.Instance, rnn.W, x[t - 1], h, t);
        }
        return pattern;
    }
}
