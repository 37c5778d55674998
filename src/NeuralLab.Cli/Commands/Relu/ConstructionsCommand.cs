using NeuralLab.Expressivity;

namespace NeuralLab.Cli.Commands.Relu;

/// <summary>`neurallab relu constructions`: the table of the 1.1–1.6 checks with their numbers.</summary>
public sealed class ConstructionsCommand() : NeuralLabCommand("constructions", """
    Checks answers 1.1-1.6: each construction of 1.1-1.4 against its target on 20001 points of [-5, 5] and at its
    kinks (float64, exact means within 1e-12), both 1.3 constructions under ReLU and the sigmoid; 1.5 positive
    homogeneity of random bias-free networks and Adam fits of x^2 against the least error any bias-free network
    can reach; 1.6 the error of x^2 fits outside their interval. --quick trains for 150 steps instead of 1500;
    --out DIR writes the three figures.
    """)
{
    public sealed record ConstructionRow(string Id, string Role, string Name, string Target, string Activation, int Units,
        double[] W0, double[] B0, double[] W1, double B1, double MaxErrorGrid, double MaxErrorKinks, bool Exact);

    public sealed record TrainedRow(int Depth, int Width, bool Biases, int Steps, double FinalMse, double F2, double F4);

    public sealed record HomogeneityResult(int RandomNetworks, double MaxRelativeDeviation, BiasFreeBound Bound, TrainedRow[] Trained);

    public sealed record OutsideRow(string Method, double HalfWidth, int Units, double MaxErrorInside, double ErrorAt2L, double ErrorAt10L, double ErrorAt100L);

    /// <summary>A claim as the report judges it (the same check).</summary>
    public sealed record ClaimRow(string Claim, string Verdict, string Summary, string Criterion, string? Correction);

    public sealed record Result(ClaimRow[] Claims, ConstructionRow[] Constructions, HomogeneityResult Homogeneity, OutsideRow[] OutsideGrowth, string[] Files);

    protected override IEnumerable<Symbol> Symbols => [];

    protected override Outcome Execute(CommandContext c)
    {
        var profile = c.Quick ? ReportProfile.Test : ReportProfile.Quick;
        var outDir = c.OpenOutput();
        var checks = ExpressivityReportSection.Checks(ExpressivityBudget.For(profile));
        var (claims, constructions, homogeneity, outside) = c.Progress(progress =>
        {
            var context = new ReportContext(profile, c.Seed, FigureDirectory: "", progress);
            var identity = checks.Identity.Measure(context);
            var affine = checks.Affine.Measure(context);
            var constant = checks.Constant.Measure(context);
            var hat = checks.Hat.Measure(context);
            var homogeneity = checks.Homogeneity.Measure(context);
            var outside = checks.Outside.Measure(context);
            Claim[] judged = [checks.Identity.Judge(identity), checks.Affine.Judge(affine), checks.Constant.Judge(constant), checks.Hat.Judge(hat),
                checks.Homogeneity.Judge(homogeneity), checks.Outside.Judge(outside)];
            List<(string Role, ConstructionCheck Check)> rows = new (string Role, ConstructionCheck Check)[] { ("stated", identity) }
                .Concat(affine.Select(a => ("stated", a)))
                .Concat(constant.Sigmoid.Select(a => ("stated", a))).Concat(constant.Relu.Select(a => ("relu note", a))).Concat(constant.TwoUnits.Select(a => ("two units", a)))
                .Concat([("stated", hat.Stated), ("f1+f2+f3", hat.Decomposition)])
                .ToList();
            return (judged, rows, homogeneity, outside.Fits);
        });
        if (outDir != null)
        {
            ExpressivityFigures.Constructions(outDir.PathFor("constructions.png"), "Answers 1.1-1.4: networks with set weights");
            ExpressivityFigures.BiasFreeTraining(outDir.PathFor("bias-free.png"), homogeneity, "Answer 1.5: bias-free networks against the homogeneous bound");
            ExpressivityFigures.OutsideError(outDir.PathFor("outside-error.png"), outside, "Answer 1.6: error outside the fitted interval");
        }
        var result = new Result(
            claims.Select(x => new ClaimRow(x.Id, NeuralLab.Report.VerdictText.Of(x.Verdict), x.Summary, x.Criterion, x.Correction)).ToArray(),
            constructions.Select(r => new ConstructionRow(r.Check.Id, r.Role, r.Check.Name, r.Check.Target, r.Check.Activation.ToString().ToLowerInvariant(),
                r.Check.Units, r.Check.Weights.W0, r.Check.Weights.B0, r.Check.Weights.W1, r.Check.Weights.B1,
                r.Check.MaxErrorGrid, r.Check.MaxErrorKinks, r.Check.Exact)).ToArray(),
            new HomogeneityResult(homogeneity.RandomNetworks.Count, homogeneity.MaxRelativeDeviation, homogeneity.Bound,
                homogeneity.Trained.Select(t => new TrainedRow(t.Depth, t.Width, t.Biases, t.Steps, t.FinalMse, t.F2, t.F4)).ToArray()),
            outside.Select(f => new OutsideRow(f.Method, f.HalfWidth, f.Units, f.MaxErrorInside, f.ErrorAt2L, f.ErrorAt10L, f.ErrorAt100L)).ToArray(),
            [.. c.Written]);
        return new Outcome(result, o => Print(o, result));
    }

    static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    static void Print(TextWriter o, Result r)
    {
        o.WriteLine("Claims 1.1-1.6, judged as the report judges them");
        foreach (var claim in r.Claims)
            o.WriteLine($"  {claim.Claim,-4} {claim.Verdict,-34} {claim.Summary}");
        o.WriteLine();
        o.WriteLine("1.1-1.4  constructions (float64, [-5, 5]: 20001 points + kinks; exact = within 1e-12)");
        o.WriteLine($"  {"id",-4} {"role",-10} {"sigma",-8} {"units",5} {"max error",10} {"exact",-5}  network");
        foreach (var row in r.Constructions)
            o.WriteLine($"  {row.Id,-4} {row.Role,-10} {row.Activation,-8} {row.Units,5} {G(Math.Max(row.MaxErrorGrid, row.MaxErrorKinks)),10} {(row.Exact ? "yes" : "NO"),-5}  {row.Name}");
        var h = r.Homogeneity;
        o.WriteLine();
        o.WriteLine($"1.5  positive homogeneity: max |f(cx) - c f(x)| / max |c f(x)| = {G(h.MaxRelativeDeviation)} over {h.RandomNetworks} random bias-free networks");
        o.WriteLine($"     least MSE of any bias-free f on x^2, {h.Bound.Points} points of [-{h.Bound.HalfWidth:G}, {h.Bound.HalfWidth:G}]: {G(h.Bound.Mse)} " +
                    $"(slopes {G(h.Bound.SlopeNegative)} | {G(h.Bound.SlopePositive)}; L^4/80 = {G(h.Bound.ContinuousMse)} in the continuum)");
        o.WriteLine($"  {"depth",5} {"width",5} {"biases",-7} {"steps",6} {"MSE",10} {"f(2)",8} {"f(4)",8}");
        foreach (var t in h.Trained)
            o.WriteLine($"  {t.Depth,5} {t.Width,5} {(t.Biases ? "yes" : "no"),-7} {t.Steps,6} {G(t.FinalMse),10} {G(t.F2),8} {G(t.F4),8}");
        o.WriteLine();
        o.WriteLine("1.6  x^2 fitted on [-L, L]: error inside, and at x = 2L, 10L, 100L");
        o.WriteLine($"  {"method",-14} {"L",4} {"units",5} {"inside",10} {"2L",10} {"10L",10} {"100L",10}");
        foreach (var f in r.OutsideGrowth)
            o.WriteLine($"  {f.Method,-14} {f.HalfWidth,4:G} {f.Units,5} {G(f.MaxErrorInside),10} {G(f.ErrorAt2L),10} {G(f.ErrorAt10L),10} {G(f.ErrorAt100L),10}");
        foreach (var file in r.Files) o.WriteLine($"wrote {file}");
    }
}
