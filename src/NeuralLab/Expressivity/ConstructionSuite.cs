using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>A checked construction, labelled by the role it plays in its claim.</summary>
/// <param name="Role">"stated" (the weights as written), "corrected", "written" / "with bias" (1.3), "hat" / "from knots" (1.4).</param>
/// <param name="Check">The numbers.</param>
public sealed record ConstructionResult(string Role, ConstructionCheck Check);

/// <summary>
/// Every construction of 1.1–1.4 checked on [−5, 5] (20001 points and the kinks): the weights as the written
/// solution states them beside the corrected ones, and 1.3 under both σ. Fault injection takes claim ids
/// whose check is corrupted on purpose (see <see cref="Run"/>).
/// </summary>
public static class ConstructionSuite
{
    /// <summary>The (m, b) of 1.2's checks: a kink inside the grid, one outside it (mx + b &gt; 0 throughout), and a flat line.</summary>
    public static readonly (double M, double B)[] AffineCases = [(2, -1), (-0.5, 6), (0, 2)];

    /// <summary>The constants of 1.3's checks, of both signs.</summary>
    public static readonly double[] Constants = [1.5, -2];

    /// <summary>
    /// Runs the checks. Fault injection per claim id: "1.1"/"1.2" check only where the inner value is ≥ 0 (so x
    /// cannot be told from |x|); "1.3" uses w1 = b instead of 2b; "1.4" uses −5 instead of −6.
    /// </summary>
    public static IReadOnlyList<ConstructionResult> Run(IReadOnlySet<string>? broken = null)
    {
        bool Broken(string id) => broken?.Contains(id) == true;
        using var singleThreaded = LibtorchThreads.One();
        var results = new List<ConstructionResult>();
        void Add(string role, Construction c, double lo = -5, double hi = 5)
        {
            using var network = c.Network;
            results.Add(new ConstructionResult(role, ConstructionVerifier.Verify(c, lo, hi)));
        }

        var stated = Constructions.StatedAbsoluteValueOutputWeights;
        Add("stated", Constructions.AbsoluteValue(stated), Broken("1.1") ? 0 : -5);
        Add("corrected", Constructions.AbsoluteValue());

        foreach (var (m, b) in AffineCases)
        {
            var (lo, hi) = Broken("1.2") ? NonNegativeSide(m, b) : (-5.0, 5.0);
            Add("stated", Constructions.AbsoluteAffine(m, b, stated), lo, hi);
            Add("corrected", Constructions.AbsoluteAffine(m, b));
        }

        double scale = Broken("1.3") ? 1 : 2;
        foreach (double b in Constants)
        {
            Add("written", Constructions.ConstantAsWritten(b, Activation.Sigmoid, scale));
            Add("written", Constructions.ConstantAsWritten(b, Activation.Relu, scale));
            Add("with bias", Constructions.ConstantWithBias(b, Activation.Relu));
            Add("with bias", Constructions.ConstantWithBias(b, Activation.Sigmoid));
        }

        Add("hat", Constructions.Hat(Broken("1.4") ? -5 : -6));
        Add("from knots", Constructions.HatFromKnots());
        return results;
    }

    /// <summary>The part of [−5, 5] where mx + b ≥ 0 (the cases above all have one).</summary>
    static (double, double) NonNegativeSide(double m, double b)
    {
        if (m == 0) return (-5, 5);
        double root = -b / m;
        return m > 0 ? (Math.Clamp(root, -5, 5), 5) : (-5, Math.Clamp(root, -5, 5));
    }
}
