namespace NeuralLab.Recurrence;

/// <summary>
/// An unevaluated sum hi + lo of two doubles: about 32 significant digits (Dekker 1971; Hida, Li &amp;
/// Bailey's QD library). Finite differences evaluate the network in it, so that f(x+h) − f(x−h) keeps
/// ~1e-32 of f's scale instead of float64's 1e-16: a derivative six orders of magnitude smaller than f
/// (a vanishing ∂h_T/∂h_1) is then still resolved to 1e-10 relative.
/// </summary>
internal readonly record struct DoubleDouble(double Hi, double Lo)
{
    public static implicit operator DoubleDouble(double v) => new(v, 0);

    public double ToDouble() => Hi + Lo;

    static DoubleDouble TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        return new(s, (a - (s - bb)) + (b - bb));
    }

    static DoubleDouble QuickTwoSum(double a, double b)
    {
        double s = a + b;
        return new(s, b - (s - a));
    }

    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        var s = TwoSum(a.Hi, b.Hi);
        var t = TwoSum(a.Lo, b.Lo);
        var u = QuickTwoSum(s.Hi, s.Lo + t.Hi);
        return QuickTwoSum(u.Hi, u.Lo + t.Lo);
    }

    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    public static DoubleDouble operator -(DoubleDouble a, DoubleDouble b) => a + -b;

    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        double p = a.Hi * b.Hi;
        double e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p); // exact rounding error of the product
        return QuickTwoSum(p, e + (a.Hi * b.Lo + a.Lo * b.Hi));
    }

    public static DoubleDouble operator /(DoubleDouble a, DoubleDouble b)
    {
        // Long division: quotient digit, remainder, correction.
        double q1 = a.Hi / b.Hi;
        var r = a - b * q1;
        double q2 = r.Hi / b.Hi;
        r -= b * q2;
        double q3 = r.Hi / b.Hi;
        return QuickTwoSum(q1, q2) + q3;
    }

    public bool IsPositive => Hi > 0 || (Hi == 0 && Lo > 0);

    static readonly DoubleDouble Ln2 = new(6.931471805599452862e-01, 2.319046813846299558e-17);

    public static DoubleDouble Exp(DoubleDouble x)
    {
        if (x.Hi > 709) return double.PositiveInfinity;
        if (x.Hi < -745) return 0;
        // x = k·ln2 + r, then exp(r) = (exp(r/2^10))^(2^10) with a Taylor series on the tiny r/2^10.
        double k = Math.Round(x.Hi / Ln2.Hi);
        var r = (x - Ln2 * k) * (1.0 / 1024);
        DoubleDouble term = r, sum = r;
        for (int n = 2; n <= 14; n++)
        {
            term = term * r / n;
            sum += term;
        }
        for (int i = 0; i < 10; i++) sum = sum * sum + sum * 2; // (1+s)² − 1 keeps the small part exact
        sum += 1;
        double scale = Math.ScaleB(1, (int)k);
        return new(sum.Hi * scale, sum.Lo * scale);
    }

    public static DoubleDouble Tanh(DoubleDouble x)
    {
        // tanh|x| = (1 − e^{−2|x|}) / (1 + e^{−2|x|}): e^{−2|x|} ≤ 1 never overflows.
        bool negative = !x.IsPositive;
        var e = Exp(negative ? x * 2 : x * -2);
        var t = (1 - e) / (1 + e);
        return negative ? -t : t;
    }

    public static DoubleDouble Sigmoid(DoubleDouble x)
    {
        if (x.IsPositive) return 1 / (1 + Exp(-x));
        var e = Exp(x);
        return e / (1 + e);
    }

    public static DoubleDouble Apply(Activation sigma, DoubleDouble x) => sigma switch
    {
        Activation.Identity => x,
        Activation.Tanh => Tanh(x),
        Activation.Relu => x.IsPositive ? x : 0,
        Activation.Sigmoid => Sigmoid(x),
        _ => throw new ArgumentOutOfRangeException(nameof(sigma)),
    };
}

/// <summary>The RNN's step in double-double arithmetic.</summary>
internal sealed class DoubleDoubleAlgebra : IRnnAlgebra<DoubleDouble>
{
    public static readonly DoubleDoubleAlgebra Instance = new();

    public DoubleDouble Constant(double value, string name) => value;

    public DoubleDouble Add(DoubleDouble a, DoubleDouble b, string name) => a + b;

    public DoubleDouble Multiply(DoubleDouble a, DoubleDouble b, string name) => a * b;

    public DoubleDouble Activate(Activation sigma, DoubleDouble a, string name) => DoubleDouble.Apply(sigma, a);
}
