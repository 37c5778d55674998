using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>What the checks of 1.1–1.4 share: verifying a set-weight network against its target, and the wording of numbers.</summary>
internal static class ConstructionClaimText
{
    /// <summary>Verifies <paramref name="construction"/> on 20001 points of [−5, 5] plus its kinks, then frees its network.</summary>
    public static ConstructionCheck Verify(Construction construction)
    {
        using var network = construction.Network;
        using var singleThreaded = LibtorchThreads.One();
        return ConstructionVerifier.Verify(construction);
    }

    public static double MaxError(ConstructionCheck c) => Math.Max(c.MaxErrorGrid, c.MaxErrorKinks);

    public static string Vector(IEnumerable<double> v) => "[" + string.Join(", ", v.Select(Number)) + "]";

    public static string Number(double v) => v.ToString("G4", CultureInfo.InvariantCulture).Replace("-", "−");

    /// <summary>"0 on 20,002 points" or "4 at x = −5": the max error and where.</summary>
    public static string ErrorText(ConstructionCheck c) =>
        MaxError(c) <= ConstructionVerifier.Tolerance
            ? string.Create(CultureInfo.InvariantCulture, $"max error {MaxError(c):G2} on {c.GridPoints:N0} points of [−5, 5]")
            : $"max error {Number(MaxError(c))} (at x = {Number(c.WorstX)})";

    /// <summary>
    /// The function a one-input ReLU network computes, piece by piece between <paramref name="kinks"/>, read off the
    /// network's own values: "0 for x ≤ −2, 3x + 6 on [−2, 0], …". Exact for piecewise-linear networks whose kinks are given.
    /// </summary>
    public static string Pieces(ShallowNetwork network, IReadOnlyList<double> kinks)
    {
        var bounds = new List<double> { kinks[0] - 1 };
        bounds.AddRange(kinks);
        bounds.Add(kinks[^1] + 1);
        var values = network.Evaluate(bounds);
        var parts = new List<string>();
        for (int i = 0; i + 1 < bounds.Count; i++)
        {
            double slope = (values[i + 1] - values[i]) / (bounds[i + 1] - bounds[i]);
            double intercept = values[i] - slope * bounds[i];
            string formula = Linear(Math.Round(slope, 9), Math.Round(intercept, 9));
            string where = i == 0 ? $"x ≤ {Number(kinks[0])}" : i == bounds.Count - 2 ? $"x ≥ {Number(kinks[^1])}" : $"[{Number(bounds[i])}, {Number(bounds[i + 1])}]";
            parts.Add(i == 0 || i == bounds.Count - 2 ? $"{formula} for {where}" : $"{formula} on {where}");
        }
        return string.Join(", ", parts);
    }

    static string Linear(double m, double b)
    {
        string slope = m switch { 0 => "", 1 => "x", -1 => "−x", _ => $"{Number(m)}x" };
        if (slope == "") return Number(b + 0.0);
        return b == 0 ? slope : $"{slope} {(b < 0 ? "−" : "+")} {Number(Math.Abs(b))}";
    }
}

/// <summary>Answer 1.1: f(x) = x with σ = ReLU and no biases, by w0 = [1, −1], w1 = [1, −1].</summary>
public sealed class IdentityClaim() : ClaimCheck<ConstructionCheck>("1.1",
    "f(x) = x is computed by one hidden ReLU layer without biases: w0 = [1, −1], w1 = [1, −1] gives σ(x) − σ(−x) = x.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        "The solution's weights, evaluated literally in float64 on 20,001 points of [−5, 5] and at the kink x = 0: holds if max |f(x) − x| ≤ 1e-12, does not hold otherwise.";

    /// <summary>Fault injection: w1 = [1, 1], the |x| network.</summary>
    public override ConstructionCheck Measure(ReportContext context) =>
        ConstructionClaimText.Verify(Constructions.Identity(context.IsBroken(Id) ? [1, 1] : Constructions.SolutionOutputWeights));

    /// <inheritdoc/>
    public override Claim Judge(ConstructionCheck c)
    {
        string weights = $"w0 = {ConstructionClaimText.Vector(c.Weights.W0)}, w1 = {ConstructionClaimText.Vector(c.Weights.W1)}";
        return Conclude(c.Exact ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["target"] = c.Target,
                ["w0"] = c.Weights.W0,
                ["b0"] = c.Weights.B0,
                ["w1"] = c.Weights.W1,
                ["max_error"] = ConstructionClaimText.MaxError(c),
                ["worst_x"] = c.WorstX,
                ["points"] = c.GridPoints,
                ["domain"] = c.Domain,
            },
            c.Exact ? null : $"With {weights} the network is off x by {ConstructionClaimText.Number(ConstructionClaimText.MaxError(c))}; σ(x) − σ(−x) = x needs w1 = [1, −1].",
            "expressivity-constructions.png") with
        {
            Summary = $"{weights} {(c.Exact ? "computes x" : "does not compute x")}; {ConstructionClaimText.ErrorText(c)}.",
        };
    }
}

/// <summary>Answer 1.2: f(x) = m·x + b with σ = ReLU, by w0 = [m, −m], b0 = [b, −b], w1 = [1, −1].</summary>
public sealed class AffineClaim() : ClaimCheck<IReadOnlyList<ConstructionCheck>>("1.2",
    "f(x) = m·x + b is computed for any m, b by w0 = [m, −m], b0 = [b, −b], w1 = [1, −1]: σ(mx + b) − σ(−mx − b) = mx + b.")
{
    /// <summary>(m, b): a kink inside the checked interval, one outside it, a negative slope, and a flat line.</summary>
    public static readonly (double M, double B)[] Cases = [(2, -1), (-0.5, 6), (-3, 2), (0, 2)];

    /// <inheritdoc/>
    public override string Criterion =>
        $"The solution's weights, evaluated literally in float64 for (m, b) = {string.Join(", ", Cases.Select(c => $"({ConstructionClaimText.Number(c.M)}, {ConstructionClaimText.Number(c.B)})"))} on 20,001 points of [−5, 5] " +
        "and at the kink −b/m: holds if max |f(x) − (mx + b)| ≤ 1e-12 in every case, does not hold otherwise. The working's \"w0 x = [mx + b, −mx − b]\" " +
        "(it means w0·x + b0) is a slip of notation, reported as a note, not judged.";

    /// <summary>Fault injection: w1 = [1, 1], which computes |mx + b|.</summary>
    public override IReadOnlyList<ConstructionCheck> Measure(ReportContext context)
    {
        double[] w1 = context.IsBroken(Id) ? [1, 1] : Constructions.SolutionOutputWeights;
        return Cases.Select(c => ConstructionClaimText.Verify(Constructions.Affine(c.M, c.B, w1))).ToList();
    }

    /// <inheritdoc/>
    public override Claim Judge(IReadOnlyList<ConstructionCheck> checks)
    {
        bool holds = checks.All(c => c.Exact);
        double worst = checks.Max(ConstructionClaimText.MaxError);
        var w1 = checks[0].Weights.W1;
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["targets"] = checks.Select(c => c.Target).ToArray(),
                ["w1"] = w1,
                ["max_error"] = checks.Select(ConstructionClaimText.MaxError).ToArray(),
                ["points_per_case"] = checks[0].GridPoints,
                ["note"] = "The working writes w0 x = [mx + b, −mx − b]; that is w0·x + b0 (w0·x alone is [mx, −mx]). A slip of notation: the weights are right.",
            },
            holds ? null
                : $"With w1 = {ConstructionClaimText.Vector(w1)} the network is off m·x + b by up to {ConstructionClaimText.Number(worst)} " +
                  $"({string.Join(", ", checks.Where(c => !c.Exact).Select(c => c.Target))}); σ(z) − σ(−z) = z needs w1 = [1, −1].",
            "expressivity-constructions.png") with
        {
            Summary = holds
                ? $"w0 = [m, −m], b0 = [b, −b], w1 = [1, −1] computes m·x + b exactly in all {checks.Count} cases (max error {worst.ToString("G2", CultureInfo.InvariantCulture)}); the working's w0·x stands for w0·x + b0."
                : $"w1 = {ConstructionClaimText.Vector(w1)} misses m·x + b by up to {ConstructionClaimText.Number(worst)}.",
        };
    }
}

/// <summary>What 1.3's check computed: the judged reading (one unit, sigmoid) and the notes.</summary>
public sealed record ConstantMeasurement(
    IReadOnlyList<ConstructionCheck> Sigmoid, IReadOnlyList<ConstructionCheck> Relu, IReadOnlyList<ConstructionCheck> TwoUnits, double OutputScale);

/// <summary>Answer 1.3: a constant b with σ = the logistic sigmoid, by w0 = 0, w1 = 2b (σ(0) = ½).</summary>
public sealed class ConstantClaim() : ClaimCheck<ConstantMeasurement>("1.3",
    "A constant f(x) = b is computed with the sigmoid by w0 = 0 and w1 = 2b, since σ(0) = ½.")
{
    /// <summary>The constants b checked, of both signs.</summary>
    public static readonly double[] Constants = [1.5, -2, 0.25];

    /// <inheritdoc/>
    public override string Criterion =>
        $"The homework prescribes σ = the logistic sigmoid. One hidden unit, w0 = 0, w1 = 2b, evaluated literally in float64 for b = {string.Join(", ", Constants.Select(ConstructionClaimText.Number))} " +
        "on 20,001 points of [−5, 5]: holds if max |f(x) − b| ≤ 1e-12 for every b, does not hold otherwise. The loose \"[b ½]\" notation (two units) and " +
        "what ReLU would give are notes, not the verdict.";

    /// <summary>Fault injection: w1 = b instead of 2b.</summary>
    public override ConstantMeasurement Measure(ReportContext context)
    {
        double scale = context.IsBroken(Id) ? 1 : 2;
        var sigmoid = Constants.Select(b => ConstructionClaimText.Verify(Constructions.ConstantAsWritten(b, Activation.Sigmoid, scale))).ToList();
        var relu = Constants.Select(b => ConstructionClaimText.Verify(Constructions.ConstantAsWritten(b, Activation.Relu, scale))).ToList();
        // Two units, σ([0, 0]ᵀ) = [½, ½]: the output weights must then be [b, b].
        var twoUnits = Constants.Select(b => ConstructionClaimText.Verify(new Construction("1.3", $"constant {b}: two units, w1 = [b, b]", $"{b}",
            new ShallowNetwork([0, 0], [0, 0], [b, b], 0, Activation.Sigmoid), _ => b, []))).ToList();
        return new ConstantMeasurement(sigmoid, relu, twoUnits, scale);
    }

    /// <inheritdoc/>
    public override Claim Judge(ConstantMeasurement m)
    {
        bool holds = m.Sigmoid.All(c => c.Exact);
        double worst = m.Sigmoid.Max(ConstructionClaimText.MaxError);
        return Conclude(holds ? Verdict.Holds : Verdict.DoesNotHold,
            new Dictionary<string, object?>
            {
                ["sigma"] = "logistic sigmoid, σ(0) = 0.5",
                ["b_values"] = Constants,
                ["w1_over_b"] = m.OutputScale,
                ["max_error"] = m.Sigmoid.Select(ConstructionClaimText.MaxError).ToArray(),
                ["note_two_units"] = $"The working also writes σ([0, 0]ᵀ) and \"[b ½]\": with two units w1 must be [b, b] (max error {m.TwoUnits.Max(ConstructionClaimText.MaxError):G2}); the one-unit reading w1 = 2b is the one judged, as it is the stated weight.",
                ["note_relu"] = $"With ReLU σ(0) = 0 and the same weights give f ≡ 0 (off by |b|, up to {m.Relu.Max(ConstructionClaimText.MaxError):G3}); ReLU would need a bias, b0 = [b, −b], w1 = [1, −1].",
            },
            holds ? null : $"w1 = {ConstructionClaimText.Number(m.OutputScale)}b gives {ConstructionClaimText.Number(m.OutputScale)}b·σ(0) = {ConstructionClaimText.Number(m.OutputScale / 2)}b, off b by up to {ConstructionClaimText.Number(worst)}; w1 = 2b is needed.",
            "expressivity-constructions.png") with
        {
            Summary = holds
                ? $"With the sigmoid, w0 = 0, w1 = 2b gives 2b·σ(0) = b exactly for b = {string.Join(", ", Constants.Select(ConstructionClaimText.Number))} (max error {worst:G2})."
                : $"w1 = {ConstructionClaimText.Number(m.OutputScale)}b misses b by up to {ConstructionClaimText.Number(worst)} with the sigmoid.",
        };
    }
}

/// <summary>What 1.4's check computed: the stated vectors, and the solution's own decomposition f1 + f2 + f3.</summary>
public sealed record HatMeasurement(ConstructionCheck Stated, string StatedPieces, ConstructionCheck Decomposition, string DecompositionPieces);

/// <summary>Answer 1.4: the hat 3σ(x+2) − 6σ(x) + 3σ(x−2), stated as w0 = [1, 1, 1], b = [2, −2, 0], w1 = [3, −6, 3].</summary>
public sealed class HatClaim() : ClaimCheck<HatMeasurement>("1.4",
    "The piecewise-linear function is f1 + f2 + f3 = 3σ(x+2) − 6σ(x) + 3σ(x−2), i.e. the network w0 = [1, 1, 1], b = [2, −2, 0], w1 = [3, −6, 3].")
{
    static readonly double[] Kinks = [-2, 0, 2];

    /// <inheritdoc/>
    public override string Criterion =>
        "The target is the hat through (−2, 0), (0, 6), (2, 0), zero outside, as the solution's own f1 + f2 + f3 describes it. The stated vectors are " +
        "evaluated literally (20,001 points of [−5, 5] and the kinks, float64): holds if they compute the target within 1e-12; holds with an error in the " +
        "working if they do not but the decomposition f1 + f2 + f3 does; does not hold if neither does.";

    /// <summary>Fault injection: the decomposition's middle weight −5 instead of −6.</summary>
    public override HatMeasurement Measure(ReportContext context)
    {
        using var singleThreaded = LibtorchThreads.One();
        var stated = Constructions.HatAsStated();
        string statedPieces = ConstructionClaimText.Pieces(stated.Network, Kinks);
        var decomposition = Constructions.Hat(context.IsBroken(Id) ? -5 : -6);
        string decompositionPieces = ConstructionClaimText.Pieces(decomposition.Network, Kinks);
        return new HatMeasurement(ConstructionClaimText.Verify(stated), statedPieces, ConstructionClaimText.Verify(decomposition), decompositionPieces);
    }

    /// <inheritdoc/>
    public override Claim Judge(HatMeasurement m)
    {
        var verdict = m.Stated.Exact ? Verdict.Holds : m.Decomposition.Exact ? Verdict.HoldsWithErrorInWorking : Verdict.DoesNotHold;
        string? correction = verdict switch
        {
            Verdict.Holds => null,
            Verdict.HoldsWithErrorInWorking =>
                $"The decomposition f1 + f2 + f3 is right (max error {ConstructionClaimText.MaxError(m.Decomposition):G2}), but the stated b = [2, −2, 0] pairs " +
                $"the biases with the wrong output weights: the network computes 3σ(x+2) − 6σ(x−2) + 3σ(x) = {m.StatedPieces}, off the hat by " +
                $"{ConstructionClaimText.Number(ConstructionClaimText.MaxError(m.Stated))}. The fix is b = [2, 0, −2] (or w1 = [3, 3, −6]).",
            _ => $"Neither the stated vectors ({m.StatedPieces}) nor the decomposition as computed ({m.DecompositionPieces}, off by " +
                 $"{ConstructionClaimText.Number(ConstructionClaimText.MaxError(m.Decomposition))}) give the hat max(0, 6 − 3|x|).",
        };
        return Conclude(verdict,
            new Dictionary<string, object?>
            {
                ["target"] = m.Stated.Target,
                ["stated_b"] = m.Stated.Weights.B0,
                ["stated_w1"] = m.Stated.Weights.W1,
                ["stated_computes"] = m.StatedPieces,
                ["stated_max_error"] = ConstructionClaimText.MaxError(m.Stated),
                ["stated_worst_x"] = m.Stated.WorstX,
                ["decomposition_b"] = m.Decomposition.Weights.B0,
                ["decomposition_w1"] = m.Decomposition.Weights.W1,
                ["decomposition_computes"] = m.DecompositionPieces,
                ["decomposition_max_error"] = ConstructionClaimText.MaxError(m.Decomposition),
            },
            correction, "expressivity-constructions.png") with
        {
            Summary = verdict switch
            {
                Verdict.Holds => $"The stated vectors compute the hat; max error {ConstructionClaimText.MaxError(m.Stated):G2}.",
                Verdict.HoldsWithErrorInWorking =>
                    $"f1 + f2 + f3 is the hat (error {ConstructionClaimText.MaxError(m.Decomposition):G2}), but the stated b = [2, −2, 0], w1 = [3, −6, 3] compute {m.StatedPieces}.",
                _ => $"Neither the stated vectors nor f1 + f2 + f3 as computed give the hat (errors {ConstructionClaimText.Number(ConstructionClaimText.MaxError(m.Stated))}, {ConstructionClaimText.Number(ConstructionClaimText.MaxError(m.Decomposition))}).",
            },
        };
    }
}
