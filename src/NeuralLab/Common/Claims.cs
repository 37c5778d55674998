namespace NeuralLab.Common;

/// <summary>How a claim of the written solution fares against this run's numbers.</summary>
/// <remarks>Exactly four values; their spellings in claims.json and on the page are in <c>Report.VerdictText</c>.</remarks>
public enum Verdict
{
    /// <summary>The conclusion and the working are right.</summary>
    Holds,
    /// <summary>The conclusion is right, but a step, formula, vector or word of the working is wrong; the correction names it with numbers.</summary>
    HoldsWithErrorInWorking,
    /// <summary>True only under a condition the solution does not state; the correction names it.</summary>
    HoldsUnderCondition,
    /// <summary>The numbers contradict the conclusion.</summary>
    DoesNotHold,
}

/// <summary>
/// One numbered answer of the homework's written solution, checked by computation.
/// The verdict must be derived from <paramref name="Evidence"/> computed in this run, never typed in.
/// </summary>
/// <param name="Id">The solution's number, e.g. "1.3", "2.4", "4", "5.2".</param>
/// <param name="Statement">The claim in one line, as the solution makes it.</param>
/// <param name="Verdict">Computed verdict.</param>
/// <param name="Evidence">Named numbers (and short strings) that decide the verdict.</param>
/// <param name="Correction">What is right instead, when the verdict is not <see cref="Verdict.Holds"/>.</param>
/// <param name="Figure">File name of a figure (in the section's figure directory) that shows it, if any.</param>
public sealed record Claim(
    string Id,
    string Statement,
    Verdict Verdict,
    IReadOnlyDictionary<string, object?> Evidence,
    string? Correction = null,
    string? Figure = null)
{
    /// <summary>One sentence of the decisive evidence, e.g. "w0 = w1 = [1, −1] computes x; max error 0 on 20,001 points".</summary>
    public string Summary { get; init; } = "";

    /// <summary>How the verdict was decided, fixed before the run (from <see cref="ClaimCheck.Criterion"/>).</summary>
    public string Criterion { get; init; } = "";
}

/// <summary>
/// The one shape of a claim check, used by every report section and by the CLI commands that print checks:
/// one type per numbered answer holding its computation, its criterion and its fault injection.
/// A computation shared by several claims (a training run) is computed once by the section and handed to each
/// check's constructor; the check still owns its criterion and its corruption. The claim's number and statement are
/// its declaration's: <c>class AveragingClaim(…) : ClaimCheck&lt;AveragingResult&gt;("3.3", "With q = …")</c>.
/// </summary>
/// <param name="id">The solution's number (<see cref="Id"/>).</param>
/// <param name="statement">The claim as the answer makes it (<see cref="Statement"/>).</param>
public abstract class ClaimCheck(string id, string statement)
{
    /// <summary>The solution's number: "1.1" … "3.5", "4", "5.1" … "5.6".</summary>
    public string Id => id;

    /// <summary>The claim as the numbered answer makes it (a paraphrase; its target is the solution's own).</summary>
    public string Statement => statement;

    /// <summary>How the verdict is decided, written before any run and never re-chosen after seeing a result.</summary>
    public abstract string Criterion { get; }

    /// <summary>Computes the evidence (corrupted when <see cref="ReportContext.IsBroken"/> names <see cref="Id"/>) and judges it.</summary>
    public abstract Claim Run(ReportContext context);

    /// <summary>
    /// This check's <see cref="Claim"/> (its id, statement and criterion) with the verdict reached and what backs it; the
    /// caller adds its one-sentence summary: <c>Conclude(verdict, evidence, correction) with { Summary = … }</c>.
    /// </summary>
    protected Claim Conclude(Verdict verdict, IReadOnlyDictionary<string, object?> evidence, string? correction = null, string? figure = null) =>
        new(Id, Statement, verdict, evidence, correction, figure) { Criterion = Criterion };
}

/// <summary>
/// A <see cref="ClaimCheck"/> whose measurement a section also needs for its figures: <see cref="Measure"/> computes
/// (corrupted when the claim is marked broken), <see cref="Judge"/> decides from those numbers alone.
/// <see cref="ClaimCheck.Run"/> is always Judge(Measure(context)), so the CLI and the report judge the same way.
/// </summary>
/// <typeparam name="TMeasured">What the computation returns.</typeparam>
/// <param name="id">The solution's number.</param>
/// <param name="statement">The claim as the answer makes it.</param>
public abstract class ClaimCheck<TMeasured>(string id, string statement) : ClaimCheck(id, statement)
{
    /// <summary>Runs the computation behind the claim; honours <see cref="ReportContext.IsBroken"/> for <see cref="ClaimCheck.Id"/>.</summary>
    public abstract TMeasured Measure(ReportContext context);

    /// <summary>The verdict, summary, evidence and correction from <paramref name="measured"/> by <see cref="ClaimCheck.Criterion"/>.</summary>
    public abstract Claim Judge(TMeasured measured);

    /// <inheritdoc/>
    public sealed override Claim Run(ReportContext context) => Judge(Measure(context));
}

/// <summary>
/// A measurement the report reproduces beyond the numbered answers (the ResNet's accuracy, a comparison of fields):
/// shown in the "Reproductions" table, never counted in the claims' tally.
/// </summary>
/// <param name="Id">A short key, e.g. "4.accuracy".</param>
/// <param name="What">What was reproduced, in one line.</param>
/// <param name="Result">The outcome in one sentence, with its numbers.</param>
/// <param name="Evidence">Named numbers.</param>
/// <param name="Figure">File name of a figure in the section's figure directory, if any.</param>
public sealed record Reproduction(
    string Id,
    string What,
    string Result,
    IReadOnlyDictionary<string, object?> Evidence,
    string? Figure = null);

/// <summary>How much compute a report run may spend.</summary>
public enum ReportProfile
{
    /// <summary>Tiny budgets for the test suite: seconds per section.</summary>
    Test,
    /// <summary>The default: the whole report in under 10 minutes on 2 cores.</summary>
    Quick,
    /// <summary>The homework's exact hyperparameters.</summary>
    Full,
}

/// <summary>What a report section gets from the report command.</summary>
/// <param name="Profile">Budget.</param>
/// <param name="Seed">Seed for everything random in the section.</param>
/// <param name="FigureDirectory">Existing directory where the section writes its PNG/SVG figures (a staging area; plain file writes are fine).</param>
/// <param name="Progress">Progress sink, may be null.</param>
/// <param name="BrokenClaims">Fault injection for tests: for each claim id listed, the section corrupts the computation
/// behind it (a wrong weight, a dropped term), so that the verdict, recomputed from the corrupted numbers, changes.</param>
public sealed record ReportContext(
    ReportProfile Profile,
    int Seed,
    string FigureDirectory,
    IProgress<ProgressReport>? Progress = null,
    IReadOnlySet<string>? BrokenClaims = null)
{
    internal bool IsBroken(string claimId) => BrokenClaims?.Contains(claimId) == true;
}

/// <summary>A figure a section wrote into <see cref="ReportContext.FigureDirectory"/>.</summary>
/// <param name="FileName">File name inside the figure directory (PNG or SVG).</param>
/// <param name="Caption">What was run: size, steps, seed, seconds — and what to see in it.</param>
/// <param name="HomeworkFigure">The homework's figure number it reproduces, if any (1–5).</param>
public sealed record Figure(string FileName, string Caption, int? HomeworkFigure = null);

/// <summary>What a section hands back to the report.</summary>
/// <param name="Claims">Checked claims, in the solution's order.</param>
/// <param name="Figures">Figures, in display order.</param>
/// <param name="Markdown">Short prose (Markdown) introducing the section's results; may be empty.</param>
/// <param name="Seconds">Wall time the section took.</param>
public sealed record SectionResult(IReadOnlyList<Claim> Claims, IReadOnlyList<Figure> Figures, string Markdown, double Seconds)
{
    /// <summary>Measurements beyond the numbered answers, in display order (not counted as claims).</summary>
    public IReadOnlyList<Reproduction> Reproductions { get; init; } = [];
}

/// <summary>
/// One section of the report (homework sections 1–5). Implementations live in each system's folder
/// and are discovered by reflection: a public, parameterless class implementing this interface.
/// </summary>
public interface IReportSection
{
    /// <summary>Homework section number, 1–5; the report orders by it.</summary>
    int Number { get; }

    /// <summary>The section's heading on the page.</summary>
    string Title { get; }

    /// <summary>Runs the section's computations within <see cref="ReportContext.Profile"/>'s budget, writes its figures
    /// into <see cref="ReportContext.FigureDirectory"/> and returns its checked claims. An exception marks the section
    /// failed; the report goes on.</summary>
    SectionResult Run(ReportContext context);
}
