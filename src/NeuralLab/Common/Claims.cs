namespace NeuralLab.Common;

/// <summary>How a claim of the written solution fares against this run's numbers.</summary>
public enum Verdict
{
    Holds,
    HoldsUnderCondition,
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
    public bool IsBroken(string claimId) => BrokenClaims?.Contains(claimId) == true;
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
public sealed record SectionResult(IReadOnlyList<Claim> Claims, IReadOnlyList<Figure> Figures, string Markdown, double Seconds);

/// <summary>
/// One section of the report (homework sections 1–5). Implementations live in each system's folder
/// and are discovered by reflection: a public, parameterless class implementing this interface.
/// </summary>
public interface IReportSection
{
    /// <summary>Homework section number, 1–5; the report orders by it.</summary>
    int Number { get; }

    string Title { get; }

    SectionResult Run(ReportContext context);
}
