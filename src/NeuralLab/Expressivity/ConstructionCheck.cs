namespace NeuralLab.Expressivity;

/// <summary>How far a construction is from its target: on a dense grid and at the kinks, in float64.</summary>
public sealed record ConstructionCheck(
    string Id,
    string Name,
    string Target,
    Activation Activation,
    int Units,
    NetworkWeights Weights,
    double[] Domain,
    int GridPoints,
    double MaxErrorGrid,
    double MaxErrorKinks,
    double WorstX,
    bool Exact);

internal static class ConstructionVerifier
{
    /// <summary>"Exact" means within this of the target everywhere checked: float64 leaves ~1e-15 on these sizes.</summary>
    public const double Tolerance = 1e-12;

    /// <summary>Evaluates the network against its target on <paramref name="points"/> equally spaced x in [lo, hi] and at its kinks there.</summary>
    public static ConstructionCheck Verify(Construction c, double lo = -5, double hi = 5, int points = 20_001)
    {
        var grid = Enumerable.Range(0, points).Select(i => lo + (hi - lo) * i / (points - 1)).ToArray();
        var kinks = c.Kinks.Where(k => k >= lo && k <= hi).ToArray();
        var (gridError, worstGrid) = MaxError(c, grid);
        var (kinkError, worstKink) = kinks.Length > 0 ? MaxError(c, kinks) : (0.0, double.NaN);
        double worstX = kinkError > gridError ? worstKink : worstGrid;
        return new ConstructionCheck(c.Id, c.Name, c.Target, c.Network.Activation, c.Network.Units, c.Network.Weights,
            [lo, hi], grid.Length + kinks.Length, gridError, kinkError, worstX,
            gridError <= Tolerance && kinkError <= Tolerance);
    }

    static (double Error, double WorstX) MaxError(Construction c, double[] xs)
    {
        var values = c.Network.Evaluate(xs);
        double worst = -1, worstX = double.NaN;
        for (int i = 0; i < xs.Length; i++)
        {
            double e = Math.Abs(values[i] - c.TargetFunction(xs[i]));
            if (!(e <= worst)) (worst, worstX) = (e, xs[i]);
        }
        return (worst, worstX);
    }
}
