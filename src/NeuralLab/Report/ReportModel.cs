using NeuralLab.Common;

namespace NeuralLab.Report;

/// <summary>What to run and where to write it.</summary>
/// <param name="Profile">Budget handed to every section.</param>
/// <param name="Seed">Seed handed to every section (libtorch is also re-seeded with it before each section).</param>
/// <param name="OutputDirectory">Where index.html, report.md, claims.json and figures/ go (written atomically).</param>
/// <param name="BrokenClaims">Fault injection for tests: claim ids whose computation the sections corrupt.</param>
/// <param name="Invocation">The command line that reproduces this run, shown on the page.</param>
/// <param name="Sections">Homework section numbers to run; null runs all. The others are shown as not selected.</param>
public sealed record ReportOptions(
    ReportProfile Profile,
    int Seed,
    string OutputDirectory,
    IReadOnlySet<string>? BrokenClaims = null,
    string? Invocation = null,
    IReadOnlySet<int>? Sections = null);

/// <summary>One row of claims.json: a checked claim with its computed verdict.</summary>
/// <param name="Claim">The solution's number, "1.3".</param>
/// <param name="Statement">The claim in one line.</param>
/// <param name="Verdict">Exactly one of the four <see cref="VerdictText"/> strings.</param>
/// <param name="Evidence">Named numbers that decided the verdict.</param>
/// <param name="Correction">What is right instead, when the verdict is not "holds".</param>
/// <param name="Figure">Path of the figure that shows it, relative to the report directory.</param>
/// <param name="Section">The homework section whose run checked it.</param>
/// <param name="Summary">One sentence of the decisive evidence.</param>
/// <param name="Criterion">How the verdict was decided, fixed before the run.</param>
public sealed record ClaimRecord(
    string Claim,
    string Statement,
    string Verdict,
    IReadOnlyDictionary<string, object?> Evidence,
    string? Correction,
    string? Figure,
    int Section,
    string Summary = "",
    string Criterion = "");

/// <summary>A measurement beyond the numbered answers, as the page shows it (never counted as a claim).</summary>
/// <param name="Id">The section's key, e.g. "4.accuracy".</param>
/// <param name="What">What was reproduced.</param>
/// <param name="Result">The outcome in one sentence.</param>
/// <param name="Evidence">Named numbers.</param>
/// <param name="Figure">Path of its figure relative to the report directory, if any.</param>
/// <param name="Section">The homework section that ran it.</param>
public sealed record ReproductionRecord(string Id, string What, string Result, IReadOnlyDictionary<string, object?> Evidence, string? Figure, int Section);

/// <summary>A figure as the report shows it.</summary>
/// <param name="FileName">As the section named it, inside its figure directory.</param>
/// <param name="Caption">The section's caption: what was run.</param>
/// <param name="HomeworkFigure">The homework's figure it reproduces, if any.</param>
/// <param name="RelativePath">Path relative to the report directory, e.g. "figures/1-expressivity/fit.png".</param>
/// <param name="Anchor">HTML id of the figure on the page.</param>
/// <param name="Label">"Figure 5.2" — section number and position.</param>
/// <param name="Available">False when the section named a file it did not write, or one that is not an image.</param>
public sealed record FigureRecord(string FileName, string RelativePath, string Caption, int? HomeworkFigure, string Anchor, string Label, bool Available);

/// <summary>How a section's run ended.</summary>
public enum SectionStatus
{
    /// <summary>Ran to completion (whatever its verdicts).</summary>
    Ran,
    /// <summary>Threw: shown on the page, its claims not checked, the command exits 1.</summary>
    Failed,
    /// <summary>No implementation of this homework section was found.</summary>
    Missing,
    /// <summary>Implemented, but left out of this run (<see cref="ReportOptions.Sections"/>).</summary>
    NotSelected,
}

/// <summary>How one section went.</summary>
public sealed record SectionOutcome(
    int Number,
    string Title,
    SectionStatus Status,
    double Seconds,
    IReadOnlyList<ClaimRecord> Claims,
    IReadOnlyList<FigureRecord> Figures,
    string Markdown,
    string? Error = null,
    string? ErrorDetail = null)
{
    /// <summary>HTML id of the section on the page, unique even when two sections share a number.</summary>
    public string Anchor { get; init; } = $"section-{Number}";

    /// <summary>The section's measurements beyond the numbered answers.</summary>
    public IReadOnlyList<ReproductionRecord> Reproductions { get; init; } = [];

    /// <summary>True when the section was started in this run (it ran or it failed).</summary>
    public bool WasRun => Status is SectionStatus.Ran or SectionStatus.Failed;
}

/// <summary>The whole run: what every section did, all claims in the solution's order, and where the files are.</summary>
public sealed record ReportOutcome(
    ReportProfile Profile,
    int Seed,
    DateTime StartedUtc,
    double Seconds,
    IReadOnlyList<SectionOutcome> Sections,
    IReadOnlyList<ClaimRecord> Claims,
    IReadOnlyList<string> NotChecked,
    string? Invocation,
    IReadOnlyList<string> BrokenClaims)
{
    /// <summary>True when no section failed (the CLI exits 1 otherwise).</summary>
    public bool AllSectionsRan => Sections.All(s => s.Status != SectionStatus.Failed);

    /// <summary>Every section's reproductions, in section order.</summary>
    public IReadOnlyList<ReproductionRecord> Reproductions => Sections.SelectMany(s => s.Reproductions).ToList();

    /// <summary>The claims that are numbered answers of the written solution (the tally counts only these).</summary>
    public IReadOnlyList<ClaimRecord> NumberedClaims => Claims.Where(c => ExpectedClaims.Ids.Contains(c.Claim)).ToList();

    /// <summary>Absolute path of index.html once written.</summary>
    public string IndexPath { get; init; } = "";

    /// <summary>Absolute path of report.md once written.</summary>
    public string MarkdownPath { get; init; } = "";

    /// <summary>Absolute path of claims.json once written.</summary>
    public string ClaimsPath { get; init; } = "";
}

/// <summary>The spellings of verdicts in claims.json and on the page (binding: the issue names them).</summary>
public static class VerdictText
{
    /// <summary>The five verdict spellings, as claims.json and the page write them.</summary>
    public const string Holds = "holds", HoldsWithErrorInWorking = "holds with an error in the working",
        HoldsUnderCondition = "holds under a condition", DoesNotHold = "does not hold", NotChecked = "not checked";

    /// <summary>The spelling of <paramref name="verdict"/>.</summary>
    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Holds => Holds,
        Verdict.HoldsWithErrorInWorking => HoldsWithErrorInWorking,
        Verdict.HoldsUnderCondition => HoldsUnderCondition,
        Verdict.DoesNotHold => DoesNotHold,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };

    /// <summary>CSS class of a verdict string.</summary>
    public static string CssClass(string verdict) => verdict switch
    {
        Holds => "v-holds",
        HoldsWithErrorInWorking => "v-working",
        HoldsUnderCondition => "v-cond",
        DoesNotHold => "v-fails",
        _ => "v-none",
    };
}

/// <summary>What each profile spends, in words for the page.</summary>
public static class ReportProfiles
{
    /// <summary>The profile as the CLI spells it: "test", "quick", "full".</summary>
    public static string Name(ReportProfile profile) => profile.ToString().ToLowerInvariant();

    internal static string Describe(ReportProfile profile) => profile switch
    {
        ReportProfile.Test =>
            "Test profile (for the test suite only): tiny images, networks and step budgets, a few seconds per section. " +
            "The numbers check that the machinery works; they are not the homework's experiments.",
        ReportProfile.Quick =>
            "Quick profile (the default): the whole report in under 10 minutes on 2 cores. Against the homework's recipes it " +
            "shrinks the images, the network widths, the epoch, step and iteration budgets (ResNet iterations, the 200/300-epoch " +
            "image recipes) and the sweep lengths; every figure caption states the sizes, steps, seed and seconds actually run. " +
            "The verdicts are computed from these smaller runs; run with --full for the homework's exact hyperparameters.",
        ReportProfile.Full =>
            "Full profile: the homework's exact hyperparameters (4000 ResNet iterations, the 200/300-epoch image recipes). " +
            "The wall times below say how long it took.",
        _ => profile.ToString(),
    };
}
