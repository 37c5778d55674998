using NeuralLab.Expressivity;

namespace NeuralLab.Cli.Commands.Relu;

/// <summary>`neurallab relu approx "EXPR" --eps E [--domain a,b]`: a certified ReLU network for a formula.</summary>
public sealed class ApproxCommand() : NeuralLabCommand("approx", """
    Builds the ReLU network of f's piecewise-linear interpolant on adaptively chosen knots (few where f is nearly
    linear, many where it curves), one hidden unit per piece, aiming at (1 - 1/64)*eps. It then checks
    max |network - f| <= eps at points the construction never chose (16,385 equal points plus the network's kinks),
    and with a bound on |f''| (--curvature; automatic for x^2) certifies it on the whole interval. --out DIR writes
    approx.png (f, the network, the knots), approx-error.png and network.json (weights and knots).
    """)
{
    /// <summary>What --json prints; units, max_error, eps and domain are issue 3's fields.</summary>
    /// <remarks>
    /// max_error and worst_x come from the independent check (<see cref="IntervalCertificate"/>: an equal grid plus the
    /// network's kinks, points the construction never chose); grid_points and grid_max_error from the construction's own
    /// grid. bound is a bound on the whole interval only when curvature_bound is known (x², or --curvature).
    /// </remarks>
    public sealed record Result(
        string Formula,
        int Units,
        double MaxError,
        double Eps,
        double[] Domain,
        bool Certified,
        bool CertifiedOnInterval,
        double? CurvatureBound,
        double? Bound,
        int CheckPoints,
        int Pieces,
        int GridPoints,
        double GridMaxError,
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
    readonly Option<double> _eps = new("--eps") { Description = "The error to certify: max |network(x) - f(x)| <= eps.", Required = true };
    readonly Option<double?> _curvature = new("--curvature")
    {
        Description = "A bound M on |f''| over the domain (e.g. 36 for sin(6*x)). With it the check covers the whole interval: " +
                      "between two checked points the error can grow by at most h^2*M/8. x^2 uses M = 2 without asking; " +
                      "without M the check is on its points only.",
    };
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

    protected override IEnumerable<Symbol> Symbols => [_expression, _eps, _curvature, _domain, _compareAdam, _adamSteps];

    protected override Outcome Execute(CommandContext c)
    {
        var (a, b) = AdaptiveApproximator.ParseDomain(c.Get(_domain)!);
        double epsilon = c.Get(_eps);
        AdaptiveApproximator.CheckArguments(a, b, epsilon);
        // The comparison is opt-in (issue 16): a command's default work is what its user asked for.
        int steps = c.Get(_adamSteps) ?? (c.Get(_compareAdam) ? (c.Quick ? 200 : 2000) : 0);
        if (steps < 0) throw new BadInputException($"--adam-steps must be 0 or more, got {steps}");
        var formula = Formula.Parse(c.Get(_expression)!);
        double? curvatureBound = c.Get(_curvature) ?? (IsSquare(formula) ? 2 : null);
        // The certificate's own check, before the network is built rather than after.
        if (curvatureBound is double m) IntervalCertificate.CheckCurvatureBound(m);

        // Built before --out is opened: a formula that fails on the domain leaves no directory behind.
        var (approximation, adam) = c.Progress(progress =>
        {
            var r = AdaptiveApproximator.Build(formula, a, b, epsilon * (1 - AdaptiveApproximator.CertificateMargin), progress);
            var comparison = steps > 0 ? ApproximatorStudy.CompareWithAdam(r, formula.AsFunction(), steps, c.Seed, progress, c.Budget) : null;
            return (r, comparison);
        });
        using (approximation)
        {
            // Without a bound on |f''| the between-points term is unknown: M = 0 leaves only the points' own errors.
            var check = IntervalCertificate.Certify(approximation.Network, formula.AsFunction(), curvatureBound ?? 0, a, b, epsilon);
            bool onPoints = approximation.Certificate.Meets && check.MaxError <= epsilon;
            var outDir = c.OpenOutput();
            if (outDir != null) ApproximationOutput.Write(outDir, approximation, formula);
            var result = new Result(formula.Text, approximation.Units, check.MaxError, epsilon, [a, b],
                onPoints, onPoints && curvatureBound != null && check.Meets, curvatureBound, curvatureBound == null ? null : check.Bound,
                check.Points, approximation.Pieces, approximation.Certificate.GridPoints, approximation.Certificate.MaxError, check.WorstX,
                check.RoundingAllowance,
                AdaptiveApproximator.UniformPieces(formula.AsFunction(), a, b, epsilon, name: formula.Text),
                IsSquare(formula) ? AdaptiveApproximator.UniformBoundForSquare(epsilon, a, b) : null,
                adam == null ? null : new AdamResult(adam.Steps, adam.AdamMaxError),
                [.. c.Written]);
            if (!result.Certified)
                c.Note($"internal error: the constructed network misses eps ({Math.Max(result.MaxError, result.GridMaxError):G4} > {epsilon:G4})");
            return new Outcome(result, o => Print(o, result), result.Certified ? Cli.Success : Cli.InternalFailure);
        }
    }

    static bool IsSquare(Formula f) => f.Text.Replace(" ", "") is "x^2" or "x**2" or "x*x" or "pow(x,2)";

    static void Print(TextWriter stdout, Result r)
    {
        string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        stdout.WriteLine($"f(x) = {r.Formula} on [{G(r.Domain[0])}, {G(r.Domain[1])}], eps = {G(r.Eps)}");
        stdout.WriteLine($"  units            {r.Units} (one per piece; {r.Pieces} pieces)");
        stdout.WriteLine($"  max error        {G(r.MaxError)} at x = {G(r.WorstX)} on {r.CheckPoints:N0} points the construction never chose " +
                         $"(construction's grid: {G(r.GridMaxError)} on {r.GridPoints:N0} points)");
        stdout.WriteLine(r.CurvatureBound is { } m
            ? $"  certificate      {(r.CertifiedOnInterval ? "certified" : "NOT certified")} on the whole interval: bound {G(r.Bound!.Value)} with |f''| <= {G(m)}"
            : $"  certificate      {(r.Certified ? "certified" : "NOT certified")} on those points only; give --curvature M (a bound on |f''|) to certify the whole interval");
        stdout.WriteLine($"  uniform knots    {(r.UniformPieces is { } u ? $"{u} pieces for the same eps" : "more than 16384 pieces for the same eps")}");
        if (r.SquareBound is { } bound) stdout.WriteLine($"  x^2 bound        ceil((b - a)/(2 sqrt(eps))) = {bound}");
        if (r.Adam is { } adam) stdout.WriteLine($"  Adam, same width max error {G(adam.MaxError)} after {adam.Steps} steps (constructed: {G(r.MaxError)})");
        foreach (var file in r.Files) stdout.WriteLine($"  wrote            {file}");
    }
}
