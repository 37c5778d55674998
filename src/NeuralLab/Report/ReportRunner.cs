using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using NeuralLab.Common;

namespace NeuralLab.Report;

/// <summary>
/// Runs the report sections in homework order and writes index.html (one self-contained file),
/// report.md (with figures/ beside it) and claims.json into the output directory, atomically.
/// A section that throws is caught and shown as failed; the report still completes.
/// </summary>
public static partial class ReportRunner
{
    /// <summary>File and folder names of a report inside its output directory.</summary>
    public const string IndexFile = "index.html", MarkdownFile = "report.md", ClaimsFile = "claims.json", FiguresFolder = "figures";

    /// <param name="options">Profile, seed, output directory, fault injection.</param>
    /// <param name="sections">Sections to run; null discovers them in the NeuralLab library (tests pass their own).</param>
    /// <param name="progress">Report-level progress: the running section, its task, seconds left.</param>
    public static ReportOutcome Run(ReportOptions options, IEnumerable<IReportSection>? sections = null, IProgress<ProgressReport>? progress = null)
    {
        var ordered = ReportSections.Order(sections ?? ReportSections.Discover());
        if (options.Sections is { } selected) ordered = ordered.Where(s => selected.Contains(ReportSections.SafeNumber(s))).ToList();
        using var output = OutputDirectory.Open(options.OutputDirectory);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var outcomes = new List<SectionOutcome>();
        var usedFolders = new HashSet<string>(StringComparer.Ordinal);
        using (var tracker = new ReportProgress(progress, options.Profile, ordered.Count))
        {
            for (int index = 0; index < ordered.Count; index++)
            {
                var section = ordered[index];
                int number = ReportSections.SafeNumber(section);
                string title = ReportSections.SafeTitle(section);
                string folder = UniqueFolder(number, title, usedFolders);
                string anchor = UniqueAnchor(number, outcomes);
                tracker.StartSection(index, title);
                outcomes.Add(RunSection(section, number, title, folder, anchor, options, output, tracker.SectionSink) with { Anchor = anchor });
                tracker.FinishSection();
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;

        // Homework sections left out of the run, or with no implementation, still get their place on the page,
        // so the gap is visible and says which of the two it is.
        foreach (var (number, title) in ExpectedClaims.SectionTitles)
        {
            if (outcomes.All(o => o.Number != number))
            {
                var status = options.Sections is { } chosen && !chosen.Contains(number) ? SectionStatus.NotSelected : SectionStatus.Missing;
                outcomes.Add(new SectionOutcome(number, title, status, 0, [], [], ""));
            }
        }
        outcomes = outcomes.OrderBy(o => o.Number).ToList();

        var claims = outcomes.SelectMany(o => o.Claims)
            .Select((c, order) => (c, order))
            .OrderBy(t => t.c.Claim, Comparer<string>.Create(ExpectedClaims.Compare)).ThenBy(t => t.order)
            .Select(t => t.c).ToList();
        var checkedIds = claims.Select(c => c.Claim).ToHashSet(StringComparer.Ordinal);
        var notChecked = ExpectedClaims.Ids.Where(id => !checkedIds.Contains(id)).ToList();

        var outcome = new ReportOutcome(options.Profile, options.Seed, started, seconds, outcomes, claims, notChecked,
            options.Invocation, (options.BrokenClaims ?? new HashSet<string>()).Order(StringComparer.Ordinal).ToList());

        output.WriteAllText(ClaimsFile, Json.Serialize(claims));
        output.WriteAllText(MarkdownFile, MarkdownReportWriter.Write(outcome));
        output.WriteAllText(IndexFile, HtmlReportWriter.Write(outcome, relative => ReadStaged(output, relative)));
        output.Commit();
        return outcome with
        {
            IndexPath = output.FinalPath(IndexFile),
            MarkdownPath = output.FinalPath(MarkdownFile),
            ClaimsPath = output.FinalPath(ClaimsFile),
        };
    }

    static SectionOutcome RunSection(IReportSection section, int number, string title, string folder, string anchor, ReportOptions options,
                                     OutputDirectory output, IProgress<ProgressReport> progress)
    {
        // OutputDirectory stages only the names it is told; ask for a name inside the folder to get the
        // staged folder itself. The name never becomes a file, and Commit skips names without a file.
        string figureDirectory = Path.GetDirectoryName(output.PathFor($"{folder}/.section"))!;
        var clock = new Stopwatch();
        try
        {
            // Each section starts from the same generator state, so its numbers do not depend on which sections ran before it.
            // (The first call also loads libtorch: not the section's time.)
            Seeding.SeedEverything(options.Seed);
            clock.Start();
            var context = new ReportContext(options.Profile, options.Seed, figureDirectory, progress, options.BrokenClaims);
            var result = section.Run(context) ?? throw new InvalidOperationException("the section returned no result");
            double seconds = clock.Elapsed.TotalSeconds;
            var outcome = Collect(result, number, title, folder, anchor, figureDirectory, seconds);
            foreach (string file in Directory.EnumerateFiles(figureDirectory, "*", SearchOption.AllDirectories))
                output.PathFor($"{folder}/{Path.GetRelativePath(figureDirectory, file).Replace('\\', '/')}");
            return outcome;
        }
        catch (Exception e)
        {
            var inner = Unwrap(e);
            // The section's claims are not checked: they simply do not appear, and the coverage check lists them.
            return new SectionOutcome(number, title, SectionStatus.Failed, clock.Elapsed.TotalSeconds, [], [], "",
                $"{inner.GetType().Name}: {inner.Message}", Shorten(inner.ToString(), 60));
        }
    }

    static SectionOutcome Collect(SectionResult result, int number, string title, string folder, string anchor, string figureDirectory, double seconds)
    {
        var figures = new List<FigureRecord>();
        void AddFigure(string fileName, string caption, int? homeworkFigure)
        {
            bool plainName = IsPlainFileName(fileName);
            bool available = plainName && File.Exists(Path.Combine(figureDirectory, fileName)) && MediaType(fileName) != null;
            int position = figures.Count + 1;
            figures.Add(new FigureRecord(fileName, $"{folder}/{(plainName ? fileName : "invalid-name")}", caption ?? "", homeworkFigure,
                $"fig{anchor["section".Length..]}-{position}", $"Figure {number}.{position}", available));
        }
        foreach (var figure in result.Figures ?? []) AddFigure(figure.FileName ?? "", figure.Caption, figure.HomeworkFigure);

        var claims = new List<ClaimRecord>();
        foreach (var claim in result.Claims ?? [])
        {
            string? figurePath = null;
            if (claim.Figure is { Length: > 0 } name)
            {
                // A claim may point at a file the section wrote without listing it as a figure: show it too.
                if (figures.All(f => f.FileName != name) && IsPlainFileName(name) && File.Exists(Path.Combine(figureDirectory, name)))
                    AddFigure(name, $"The figure behind claim {claim.Id}.", null);
                figurePath = figures.FirstOrDefault(f => f.FileName == name && f.Available)?.RelativePath;
            }
            claims.Add(new ClaimRecord(
                claim.Id ?? throw new InvalidOperationException("a claim has no id"),
                claim.Statement ?? "",
                VerdictText.Of(claim.Verdict),
                EvidenceFormat.JsonSafe(claim.Evidence),
                string.IsNullOrWhiteSpace(claim.Correction) ? null : claim.Correction,
                figurePath,
                number,
                claim.Summary ?? "",
                claim.Criterion ?? ""));
        }
        var reproductions = new List<ReproductionRecord>();
        foreach (var r in result.Reproductions ?? [])
        {
            string? figurePath = r.Figure is { Length: > 0 } name ? figures.FirstOrDefault(f => f.FileName == name && f.Available)?.RelativePath : null;
            reproductions.Add(new ReproductionRecord(r.Id ?? "", r.What ?? "", r.Result ?? "", EvidenceFormat.JsonSafe(r.Evidence), figurePath, number));
        }
        return new SectionOutcome(number, title, SectionStatus.Ran, seconds, claims, figures, result.Markdown ?? "") { Reproductions = reproductions };
    }

    /// <summary>MIME type of the figure formats a browser shows inline; null for anything else.</summary>
    public static string? MediaType(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        _ => null,
    };

    static bool IsPlainFileName(string name) =>
        name.Length > 0 && name == Path.GetFileName(name) && name != "." && name != ".." && !name.Contains('\\');

    static byte[]? ReadStaged(OutputDirectory output, string relative)
    {
        string path = output.PathFor(relative);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    static string UniqueFolder(int number, string title, HashSet<string> used)
    {
        string slug = NotSlug().Replace(title.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 40) slug = slug[..40].TrimEnd('-');
        string numberPart = number == int.MaxValue ? "x" : number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string folder = $"{FiguresFolder}/{numberPart}-{(slug.Length > 0 ? slug : "section")}";
        string unique = folder;
        for (int k = 2; !used.Add(unique); k++) unique = $"{folder}-{k}";
        return unique;
    }

    static string UniqueAnchor(int number, List<SectionOutcome> before)
    {
        string key = number == int.MaxValue ? "x" : number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int same = before.Count(o => o.Number == number);
        return same == 0 ? $"section-{key}" : $"section-{key}-{same + 1}";
    }

    static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException or AggregateException && e.InnerException != null) e = e.InnerException;
        return e;
    }

    static string Shorten(string text, int maxLines)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        return lines.Length <= maxLines ? text : string.Join("\n", lines.Take(maxLines)) + $"\n… ({lines.Length - maxLines} more lines)";
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
