namespace NeuralLab.Expressivity;

/// <summary>A network with set weights and the function it is meant to compute.</summary>
/// <param name="Id">Homework answer it belongs to ("1.1" …).</param>
/// <param name="Name">What it is, with the weights' origin ("as stated", "corrected", "with bias").</param>
/// <param name="Target">The target in words, e.g. "|2x − 1|".</param>
/// <param name="Network">The network.</param>
/// <param name="TargetFunction">The target, computed directly in .NET (the oracle).</param>
/// <param name="Kinks">Where the target or the network bends; checked individually besides the grid.</param>
internal sealed record Construction(string Id, string Name, string Target, ShallowNetwork Network, Func<double, double> TargetFunction, double[] Kinks);

/// <summary>
/// The exact constructions of homework section 1 (answers 1.1–1.4). One hidden layer,
/// f(x) = w1ᵀ σ(w0·x + b0) (+ b1 where said), weights set rather than trained.
/// </summary>
internal static class Constructions
{
    /// <summary>The output weights the written solution gives for 1.1 and 1.2: w1 = [1, −1], so f = σ(z) − σ(−z) = z.</summary>
    public static readonly double[] SolutionOutputWeights = [1, -1];

    /// <summary>
    /// 1.1 as the solution writes it: w0 = [1, −1], no biases, w1 = <paramref name="w1"/> (default the solution's [1, −1]),
    /// target f(x) = x. σ(x) − σ(−x) = x for every x.
    /// </summary>
    public static Construction Identity(double[]? w1 = null)
    {
        w1 ??= SolutionOutputWeights;
        return new("1.1", $"x: w0 = [1, −1], w1 = [{Format(w1)}]", "x", new ShallowNetwork([1, -1], [0, 0], w1), x => x, [0]);
    }

    /// <summary>
    /// 1.2 as the solution writes it: w0 = [m, −m], b0 = [b, −b], w1 = <paramref name="w1"/> (default [1, −1]), target m·x + b:
    /// σ(mx + b) − σ(−mx − b) = mx + b.
    /// </summary>
    public static Construction Affine(double m, double b, double[]? w1 = null)
    {
        w1 ??= SolutionOutputWeights;
        double[] kinks = m != 0 ? [-b / m] : [];
        string target = AffineText(m, b);
        return new("1.2", $"{target}: w0 = [{F(m)}, {F(-m)}], b0 = [{F(b)}, {F(-b)}], w1 = [{Format(w1)}]", target,
            new ShallowNetwork([m, -m], [b, -b], w1), x => m * x + b, kinks);
    }

    /// <summary>1.1 |x| = ReLU(x) + ReLU(−x): w0 = [1, −1], no biases, output weights <paramref name="w1"/> (default the correct [1, 1]).</summary>
    public static Construction AbsoluteValue(double[]? w1 = null)
    {
        w1 ??= [1, 1];
        return new("1.1", $"|x| with w1 = [{Format(w1)}]", "|x|", new ShallowNetwork([1, -1], [0, 0], w1), Math.Abs, [0]);
    }

    /// <summary>1.2 |mx + b| = ReLU(mx + b) + ReLU(−mx − b): w0 = [m, −m], b0 = [b, −b], output weights <paramref name="w1"/>.</summary>
    public static Construction AbsoluteAffine(double m, double b, double[]? w1 = null)
    {
        w1 ??= [1, 1];
        double[] kinks = m != 0 ? [-b / m] : [];
        string target = $"|{AffineText(m, b)}|";
        return new("1.2", $"{target} with w1 = [{Format(w1)}]", target,
            new ShallowNetwork([m, -m], [b, -b], w1), x => Math.Abs(m * x + b), kinks);
    }

    /// <summary>
    /// 1.3 as written: w0 = 0, w1 = 2b, so f(x) = 2b·σ(0). Equal to b exactly when σ(0) = 1/2 (the sigmoid);
    /// with ReLU σ(0) = 0 and f ≡ 0. <paramref name="outputScale"/> is the 2 in 2b (fault injection changes it).
    /// </summary>
    public static Construction ConstantAsWritten(double b, Activation activation, double outputScale = 2) =>
        new("1.3", $"constant {b}: w0 = 0, w1 = {outputScale}b, σ = {Name(activation)}", $"{b}",
            new ShallowNetwork([0], [0], [outputScale * b], 0, activation), _ => b, []);

    /// <summary>1.3 for ReLU: a bias is needed. b0 = [b, −b], w1 = [1, −1] gives ReLU(b) − ReLU(−b) = b for either sign of b.</summary>
    public static Construction ConstantWithBias(double b, Activation activation) =>
        new("1.3", $"constant {b}: w0 = 0, b0 = [b, −b], w1 = [1, −1], σ = {Name(activation)}", $"{b}",
            new ShallowNetwork([0, 0], [b, -b], [1, -1], 0, activation), _ => b, []);

    /// <summary>1.4 3σ(x+2) − 6σ(x) + 3σ(x−2): w0 = [1, 1, 1], b0 = [2, 0, −2], w1 = [3, <paramref name="middleWeight"/>, 3].</summary>
    public static Construction Hat(double middleWeight = -6) =>
        new("1.4", "3σ(x+2) − 6σ(x) + 3σ(x−2)", "max(0, 6 − 3|x|)",
            new ShallowNetwork([1, 1, 1], [2, 0, -2], [3, middleWeight, 3]), HatFunction, [-2, 0, 2]);

    /// <summary>
    /// 1.4's network with the vectors exactly as the solution states them: w0 = [1, 1, 1], b = [2, −2, 0], w1 = [3, −6, 3].
    /// The biases pair −6 with x − 2 and the last 3 with x: 3σ(x+2) − 6σ(x−2) + 3σ(x), not its own f1 + f2 + f3.
    /// </summary>
    public static Construction HatAsStated() =>
        new("1.4", "w0 = [1, 1, 1], b = [2, −2, 0], w1 = [3, −6, 3] (as stated)", "max(0, 6 − 3|x|)",
            new ShallowNetwork([1, 1, 1], [2, -2, 0], [3, -6, 3]), HatFunction, [-2, 0, 2]);

    /// <summary>The hat through (−2, 0), (0, 6), (2, 0), zero outside: what 1.4's network should compute.</summary>
    public static double HatFunction(double x) => Math.Max(0, 6 - 3 * Math.Abs(x));

    /// <summary>1.4's principle: the same hat from its knots alone.</summary>
    public static Construction HatFromKnots() =>
        new("1.4", "PiecewiseLinear.FromKnots([−2, 0, 2], [0, 6, 0])", "max(0, 6 − 3|x|)",
            PiecewiseLinear.FromKnots([-2, 0, 2], [0, 6, 0]), HatFunction, [-2, 0, 2]);

    /// <summary>mx + b as a person writes it: "2x − 1", "−0.5x + 6", "2".</summary>
    static string AffineText(double m, double b)
    {
        string F(double v) => v.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
        string slope = m switch { 0 => "", 1 => "x", -1 => "−x", _ => $"{F(m).Replace("-", "−")}x" };
        if (slope == "") return F(b).Replace("-", "−");
        return b == 0 ? slope : $"{slope} {(b < 0 ? "−" : "+")} {F(Math.Abs(b))}";
    }

    static string F(double v) => v.ToString("G", System.Globalization.CultureInfo.InvariantCulture).Replace("-", "−");

    static string Format(double[] v) => string.Join(", ", v.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    static string Name(Activation a) => a == Activation.Relu ? "ReLU" : "sigmoid";
}
