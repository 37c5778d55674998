using NeuralLab.Attention;

namespace NeuralLab.Cli.Commands.Attention;

/// <summary>One claim as <c>attention check --json</c> prints it.</summary>
/// <param name="Claim">Id, "3.1" to "3.5".</param>
/// <param name="Holds">False only when the verdict is "does not hold".</param>
/// <param name="Verdict">As in the report: "holds", "holds with an error in the working", "holds under a condition" or "does not hold".</param>
/// <param name="Statement">The claim as the solution makes it.</param>
/// <param name="Summary">One sentence of the decisive evidence.</param>
/// <param name="Criterion">How the verdict is decided.</param>
/// <param name="Evidence">The named numbers that decide the verdict.</param>
/// <param name="Correction">What is right instead, when the verdict is not holds.</param>
public sealed record ClaimJson(string Claim, bool Holds, string Verdict, string Statement, string Summary, string Criterion,
    IReadOnlyDictionary<string, object?> Evidence, string? Correction);

internal sealed class AttentionCheckCommand() : NeuralLabCommand("check", """
    Check claims 3.1-3.5 in float64: weights in (0,1) and where float32/float64 saturate (3.1), copying (3.2) and
    averaging (3.3) against their closed forms, the RBF-kernel form for any bandwidth and its failure for keys of
    unequal norm (3.4), and low-rank attention: exact factored product, rank of real softmax matrices, error
    against k, time against n (3.5). Prints claims, evidence and computed verdicts; --out DIR writes the figures.
    About a minute; --quick takes seconds.
    """)
{

    protected override IEnumerable<Symbol> Symbols => [];

    protected override Outcome Execute(CommandContext c)
    {
        var outDir = c.OpenOutput();
        var profile = c.Quick ? ReportProfile.Test : ReportProfile.Quick;
        var result = c.Progress(progress => AttentionChecks.Run(new ReportContext(profile, c.Seed, FigureDirectory: "", progress)));
        if (outDir != null) AttentionFigures.WriteAll(result, outDir.PathFor);
        var claims = result.Claims
            .Select(x => new ClaimJson(x.Id, x.Verdict != Verdict.DoesNotHold, NeuralLab.Report.VerdictText.Of(x.Verdict), x.Statement, x.Summary, x.Criterion, x.Evidence, x.Correction))
            .ToList();
        return new Outcome(claims, o => PrintTable(o, claims, result.Seconds));
    }

    static void PrintTable(TextWriter stdout, IReadOnlyList<ClaimJson> claims, double seconds)
    {
        stdout.WriteLine($"{"claim",-6} {"verdict",-34} statement");
        foreach (var claim in claims)
        {
            stdout.WriteLine($"{claim.Claim,-6} {claim.Verdict,-34} {claim.Statement}");
            stdout.WriteLine($"{"",6}   summary: {claim.Summary}");
            foreach (var (name, value) in claim.Evidence)
                stdout.WriteLine($"{"",6}   {name,-38} {TextFormat.Value(value)}");
            if (claim.Correction != null) stdout.WriteLine($"{"",6}   correction: {claim.Correction}");
        }
        stdout.WriteLine($"({seconds:F1} s)");
    }
}
