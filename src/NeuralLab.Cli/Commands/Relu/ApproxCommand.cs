using NeuralLab.Expressivity;

namespace NeuralLab.Cli.Commands.Relu;

/// <summary>`neurallab relu approx "EXPR" --eps E [--domain a,b]`: a certified ReLU network for a formula.</summary>
public sealed class ApproxCommand() : NeuralLabCommand("approx", """
    Builds the ReLU network of f's piecewise-linear interpolant on adaptively chosen knots (few where f is nearly
    linear, many where it curves), one hidden unit per piece, and certifies max |network - f| <= eps on the knots
    and 101 points between each pair. --out DIR writes approx.png (f, the network, the knots), approx-error.png
    and network.json (weights and knots).
    """)
{
    /// <summary>What --json prints; units, max_error, eps and domain are issue 3's fields.</summary>
    public sealed record Result(
        string Formula,
        int Units,
        double MaxError,
        double Eps,
        double[] Domain,
        bool Certified,
        int Pieces,
        int GridPoints,
        double WorstX,
        double RoundingAllowance,
        int? UniformPieces,
        int? SquareBound,
        AdamResult? Adam,
        string[] Files);

    public sealed record AdamResult(int Steps, double MaxError);

    readonly Argument<string> _expression = new("expr")
    {
        Description = "A formula in x, e.g. \"x^2\", \"sin(6*x)\", \"abs(x - 0.3)\". Operators + - * / % ^ (power; -x^2 = -(x^2)); " +
                      "functions sin cos tan asin acos atan sinh cosh tanh exp log ln log10 log2 sqrt abs sign floor ceiling relu pow min max; constants pi, e.",
    };
    readonly Option<double> _eps = new("--eps") { Description = "The error to certify: max |network(x) - f(x)| <= eps on the grid.", Required = true };
    readonly Option<string> _domain = new("--domain")
    {
        Description = "The interval a,b with a < b, e.g. --domain -1,1.",
        DefaultValueFactory = _ => "0,1",
    };
    readonly Option<bool> _compareAdam = new("--compare-adam")
    {
        Description = "Also train a network of the same width by Adam and report its max error (2000 steps, 200 with --quick). " +
                      "Off by default: for thousands of units it takes minutes to hours (the estimate is checked against --max-hours first).",
    };
    readonly Option<int?> _adamSteps = new("--adam-steps")
    {
        Description = "Steps of the Adam comparison; giving it asks for the comparison (0: skip).",
    };

    protected override IEnumerable<Symbol> Symbols => [_expression, _eps, _domain, _compareAdam, _adamSteps];

    protected override Outcome Execute(CommandContext c)
    {
        var (a, b) = ParseDomain(c.Get(_domain)!);
        double epsilon = c.Get(_eps);
        if (!(epsilon > 0) || double.IsInfinity(epsilon)) throw new BadInputException($"--eps must be a positive number, got {epsilon.ToString(CultureInfo.InvariantCulture)}");
        // The comparison is opt-in (issue 16): a command's default work is what its user asked for.
        int steps = c.Get(_adamSteps) ?? (c.Get(_compareAdam) ? (c.Quick ? 200 : 2000) : 0);
        if (steps < 0) throw new BadInputException($"--adam-steps must be 0 or more, got {steps}");
        var formula = Formula.Parse(c.Get(_expression)!);

        // Built before --out is opened: a formula that fails on the domain leaves no directory behind.
        var (approximation, adam) = c.Progress(progress =>
        {
            var r = AdaptiveApproximator.Build(formula, a, b, epsilon, progress);
            var comparison = steps > 0 ? ApproximatorStudy.CompareWithAdam(r, formula.AsFunction(), steps, c.Seed, progress, c.Budget) : null;
            return (r, comparison);
        });
        using (approximation)
        {
            var outDir = c.OpenOutput();
            if (outDir != null) ApproximationOutput.Write(outDir, approximation, formula);
            var result = new Result(formula.Text, approximation.Units, approximation.Certificate.MaxError, epsilon, [a, b],
                approximation.Certificate.Meets, approximation.Pieces, approximation.Certificate.GridPoints, approximation.Certificate.WorstX,
                approximation.Certificate.RoundingAllowance,
                AdaptiveApproximator.UniformPieces(formula.AsFunction(), a, b, epsilon, name: formula.Text),
                IsSquare(formula) ? AdaptiveApproximator.UniformBoundForSquare(epsilon, a, b) : null,
                adam == null ? null : new AdamResult(adam.Steps, adam.AdamMaxError),
                [.. c.Written]);
            if (!result.Certified)
                c.Note($"internal error: the constructed network misses eps on its grid ({result.MaxError:G4} > {epsilon:G4})");
            return new Outcome(result, o => Print(o, result), result.Certified ? Cli.Success : Cli.InternalFailure);
        }
    }

    internal static (double A, double B) ParseDomain(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
            || !double.IsFinite(a) || !double.IsFinite(b))
            throw new BadInputException($"--domain must be two finite numbers a,b (e.g. --domain=-1,1), got '{text}'");
        if (!(a < b)) throw new BadInputException($"--domain needs a < b, got a = {a.ToString(CultureInfo.InvariantCulture)}, b = {b.ToString(CultureInfo.InvariantCulture)}");
        return (a, b);
    }

    static bool IsSquare(Formula f) => f.Text.Replace(" ", "") is "x^2" or "x**2" or "x*x" or "pow(x,2)";

    static void Print(TextWriter stdout, Result r)
    {
        string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        stdout.WriteLine($"f(x) = {r.Formula} on [{G(r.Domain[0])}, {G(r.Domain[1])}], eps = {G(r.Eps)}");
        stdout.WriteLine($"  units            {r.Units} (one per piece; {r.Pieces} pieces)");
        stdout.WriteLine($"  max error        {G(r.MaxError)} at x = {G(r.WorstX)}  ({(r.Certified ? "certified" : "NOT certified")} on {r.GridPoints} grid points: knots + 101 per piece)");
        stdout.WriteLine($"  uniform knots    {(r.UniformPieces is { } u ? $"{u} pieces for the same eps" : "more than 16384 pieces for the same eps")}");
        if (r.SquareBound is { } bound) stdout.WriteLine($"  x^2 bound        ceil((b - a)/(2 sqrt(eps))) = {bound}");
        if (r.Adam is { } adam) stdout.WriteLine($"  Adam, same width max error {G(adam.MaxError)} after {adam.Steps} steps (constructed: {G(r.MaxError)})");
        foreach (var file in r.Files) stdout.WriteLine($"  wrote            {file}");
    }
}
