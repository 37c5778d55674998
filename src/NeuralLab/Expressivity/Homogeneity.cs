using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>f(cx) against c·f(x) on one random network.</summary>
/// <remarks>
/// <para><c>MaxRelativeDeviation</c>: max |f(cx) − c·f(x)| over the pairs, divided by max |c·f(x)|.</para>
/// </remarks>
public sealed record HomogeneityCase(int Depth, int Width, bool Biases, int Pairs, double MaxRelativeDeviation, double F2, double F4);

/// <summary>
/// The least mean squared error with which any positively homogeneous f can fit x² on the sample points xs.
/// Such an f is a line through the origin on each side, f(x) = x·f(1) for x ≥ 0 and f(x) = |x|·f(−1) for x &lt; 0,
/// so the best fit is a least-squares line through the origin per side: slope Σx³/Σx² over |x|, leaving
/// Σx⁴ − (Σ|x|³)²/Σx² per side. On [−L, L] in the continuum this is L⁴/80 (slope 3L/4).
/// </summary>
public sealed record BiasFreeBound(double HalfWidth, int Points, double Mse, double ContinuousMse, double SlopePositive, double SlopeNegative)
{
    /// <summary>The bound on the sample points <paramref name="xs"/>; its half-width L is max |x|.</summary>
    public static BiasFreeBound For(double[] xs)
    {
        double halfWidth = xs.Max(Math.Abs);
        var (residualPositive, slopePositive) = Side(xs.Where(x => x > 0).ToArray());
        var (residualNegative, slopeNegative) = Side(xs.Where(x => x < 0).Select(Math.Abs).ToArray());
        return new BiasFreeBound(halfWidth, xs.Length, (residualPositive + residualNegative) / xs.Length,
            Math.Pow(halfWidth, 4) / 80, slopePositive, slopeNegative);
    }

    /// <summary>min over s of Σ (t² − s·t)² for t ≥ 0: s = Σt³/Σt².</summary>
    static (double Residual, double Slope) Side(double[] t)
    {
        if (t.Length == 0) return (0, 0);
        double s2 = t.Sum(v => v * v), s3 = t.Sum(v => v * v * v);
        double slope = s3 / s2;
        return (t.Sum(v => (v * v - slope * v) * (v * v - slope * v)), slope);
    }
}

/// <summary>A network trained by Adam to fit x² on [−L, L].</summary>
/// <remarks>
/// <para><c>LossCurve</c>: Training MSE, sampled at ≤ 200 steps (step index, value).</para>
/// </remarks>
public sealed record TrainedFit(int Depth, int Width, bool Biases, int Steps, double FinalMse, double F2, double F4, (int Step, double Mse)[] LossCurve);

/// <summary>Answer 1.5's measurements.</summary>
/// <param name="RandomNetworks">f(cx) against c·f(x) on random bias-free networks of several shapes.</param>
/// <param name="Bound">The least MSE any positively homogeneous f can reach on x².</param>
/// <param name="Trained">Networks trained on x², with and without biases.</param>
public sealed record HomogeneityStudy(IReadOnlyList<HomogeneityCase> RandomNetworks, BiasFreeBound Bound, IReadOnlyList<TrainedFit> Trained)
{
    /// <summary>The largest relative deviation from f(cx) = c·f(x) over the random networks (rounding size when
    /// homogeneity holds).</summary>
    public double MaxRelativeDeviation => RandomNetworks.Max(c => c.MaxRelativeDeviation);

    /// <summary>The smallest MSE any network without biases reached.</summary>
    public double MinBiasFreeMse => Trained.Where(t => !t.Biases).Min(t => t.FinalMse);

    /// <summary>The smallest MSE any network with biases reached; NaN when none was trained.</summary>
    public double MinMseWithBiases => Trained.Where(t => t.Biases).Select(t => t.FinalMse).DefaultIfEmpty(double.NaN).Min();
}

/// <summary>Answer 1.5: without biases a ReLU network is positively homogeneous, so it cannot be x², and training cannot beat the bound.</summary>
public static class Homogeneity
{
    /// <summary>Homogeneity holds to float64 rounding: a few u per layer, far below this.</summary>
    public const double Tolerance = 1e-12;

    /// <summary>Compares f(c·x) with c·f(x) for <paramref name="pairs"/> random x ∈ [−10, 10] and c ∈ [0, 10] (c = 0 included).</summary>
    public static HomogeneityCase Check(ReluMlp network, Random rng, int pairs = 1000)
    {
        var xs = new double[pairs];
        var cs = new double[pairs];
        for (int i = 0; i < pairs; i++)
        {
            xs[i] = 20 * rng.NextDouble() - 10;
            cs[i] = i == 0 ? 0 : 10 * rng.NextDouble();
        }
        var fx = network.Evaluate(xs);
        var fcx = network.Evaluate(xs.Select((x, i) => cs[i] * x).ToArray());
        double deviation = 0, scale = 0;
        for (int i = 0; i < pairs; i++)
        {
            deviation = Math.Max(deviation, Math.Abs(fcx[i] - cs[i] * fx[i]));
            scale = Math.Max(scale, Math.Abs(cs[i] * fx[i]));
        }
        var f24 = network.Evaluate([2.0, 4.0]);
        return new HomogeneityCase(network.Depth, network.Width, network.Biases, pairs, deviation / Math.Max(scale, double.Epsilon), f24[0], f24[1]);
    }

    /// <summary>
    /// Random networks of several depths and widths, then Adam fits of x² on [−2, 2] with and without biases.
    /// <paramref name="addBiases"/> is fault injection: the "bias-free" networks get biases, which breaks homogeneity.
    /// </summary>
    public static HomogeneityStudy Run(ExpressivityBudget budget, int seed, bool addBiases = false, IProgress<ProgressReport>? progress = null)
    {
        using var singleThreaded = LibtorchThreads.One();
        var rng = Seeding.SeedEverything(seed);
        var cases = new List<HomogeneityCase>();
        foreach (int depth in new[] { 1, 2, 3, 4 })
            foreach (int width in new[] { 3, 16, 64 })
            {
                using var network = new ReluMlp(depth, width, biases: addBiases);
                cases.Add(Check(network, rng));
            }
        var xs = CurveFitting.Linspace(-2, 2, 401);
        var ys = xs.Select(x => x * x).ToArray();
        var trained = new List<TrainedFit>();
        foreach (int depth in budget.Depths)
            foreach (bool biases in new[] { false, true })
            {
                using var network = new ReluMlp(depth, budget.Width, biases: biases || addBiases);
                var losses = CurveFitting.Train(network, xs, ys, budget.TrainingSteps, progress: progress,
                    task: $"x² depth {depth} {(biases ? "with" : "without")} biases");
                var f24 = network.Evaluate([2.0, 4.0]);
                trained.Add(new TrainedFit(depth, budget.Width, biases, budget.TrainingSteps,
                    CurveFitting.Mse(network.Evaluate(xs), ys), f24[0], f24[1], Downsample(losses, 200)));
            }
        return new HomogeneityStudy(cases, BiasFreeBound.For(xs), trained);
    }

    static (int, double)[] Downsample(double[] values, int count)
    {
        if (values.Length == 0) return [];
        int stride = Math.Max(1, values.Length / count);
        return Enumerable.Range(0, values.Length).Where(i => i % stride == 0 || i == values.Length - 1).Select(i => (i, values[i])).ToArray();
    }
}
