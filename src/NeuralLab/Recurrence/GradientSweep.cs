using NeuralLab.Common;

namespace NeuralLab.Recurrence;

/// <param name="Activation">σ.</param>
/// <param name="W">The weight.</param>
/// <param name="AbsDhTDh1">|∂h_T/∂h_1| for T = 1..MaxT (index T−1).</param>
/// <param name="Slope">Least-squares slope of ln|∂h_T/∂h_1| against T: the per-step growth rate.</param>
/// <param name="LogAbsW">ln|w|, the slope the linear case must have.</param>
public sealed record SweepCurve(string Activation, double W, double[] AbsDhTDh1, double Slope, double LogAbsW);

/// <summary>|∂h_T/∂h_1| against T for each (σ, w).</summary>
/// <param name="Form">Where σ sits: "outer" or "inner".</param>
/// <param name="MaxT">Longest sequence length T.</param>
/// <param name="Seed">Seed of the standard normal inputs.</param>
/// <param name="X">The inputs x_1..x_maxT shared by every curve.</param>
/// <param name="Curves">One curve per (σ, w).</param>
/// <param name="Seconds">Wall time of the sweep.</param>
public sealed record SweepResult(string Form, int MaxT, int Seed, double[] X, IReadOnlyList<SweepCurve> Curves, double Seconds);

/// <summary>
/// Homework 2.5: how ∂h_T/∂h_1 = ∏_{t=2..T} ∂h_t/∂h_{t−1} grows or shrinks with T. Each length T is a
/// separate network on the first T inputs, differentiated by the hand-written BPTT, so every point is
/// a full backward pass rather than a running product.
/// </summary>
public static class GradientSweep
{
    internal static readonly double[] HomeworkWeights = [0.5, 0.9, 1.0, 1.1, 1.5];

    internal static readonly Activation[] HomeworkActivations = [Activation.Identity, Activation.Tanh];

    /// <summary>Standard normal inputs from <paramref name="random"/> (Box–Muller).</summary>
    public static double[] GaussianInputs(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))];

    /// <summary>Throws unless <paramref name="maxT"/> is a sweep length <see cref="Run"/> accepts (check before spending).</summary>
    public static void CheckMaxT(int maxT)
    {
        if (maxT < 2 || maxT > 100_000) throw new ArgumentOutOfRangeException(nameof(maxT), maxT, "must be between 2 and 100000");
    }

    /// <summary>|∂h_T/∂h_1| for T = 2..<paramref name="maxT"/>, each by a full backward pass on the first T
    /// inputs.</summary>
    /// <param name="maxT">Longest T, 2..100000.</param>
    /// <param name="weights">Values of w; null: the homework's 0.5, 0.9, 1, 1.1, 1.5.</param>
    /// <param name="activations">Values of σ; null: identity and tanh.</param>
    /// <param name="form">Where σ sits.</param>
    /// <param name="seed">Seed of the standard normal inputs.</param>
    /// <param name="progress">Progress sink, may be null.</param>
    /// <exception cref="ArgumentOutOfRangeException">maxT is outside 2..100000.</exception>
    public static SweepResult Run(int maxT = 200, IReadOnlyList<double>? weights = null, IReadOnlyList<Activation>? activations = null,
        RnnForm form = RnnForm.Outer, int seed = 0, IProgress<ProgressReport>? progress = null)
    {
        CheckMaxT(maxT);
        weights ??= HomeworkWeights;
        activations ??= HomeworkActivations;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var x = GaussianInputs(new Random(seed), maxT);
        var curves = new List<SweepCurve>();
        int done = 0, total = weights.Count * activations.Count;
        foreach (var sigma in activations)
            foreach (double w in weights)
            {
                var rnn = new ScalarRnn(w, sigma, form);
                var magnitudes = new double[maxT];
                for (int T = 1; T <= maxT; T++)
                    magnitudes[T - 1] = Math.Abs(BackpropThroughTime.OfOutput(rnn, new ArraySegment<double>(x, 0, T)).DLossDh[0]);
                curves.Add(new SweepCurve(sigma.Name(), w, magnitudes, LogSlope(magnitudes), Math.Log(Math.Abs(w))));
                progress?.Report(new ProgressReport("sweep", ++done, total, [("slope", curves[^1].Slope)]));
            }
        return new SweepResult(form.Name(), maxT, seed, x, curves, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Least-squares slope of ln v_T against T over the finite, non-zero points.</summary>
    public static double LogSlope(IReadOnlyList<double> values)
    {
        var points = values.Select((v, i) => (T: i + 1.0, L: Math.Log(v))).Where(p => double.IsFinite(p.L)).ToList();
        if (points.Count < 2) return double.NaN;
        double meanT = points.Average(p => p.T), meanL = points.Average(p => p.L);
        double covariance = points.Sum(p => (p.T - meanT) * (p.L - meanL));
        double variance = points.Sum(p => (p.T - meanT) * (p.T - meanT));
        return covariance / variance;
    }
}
