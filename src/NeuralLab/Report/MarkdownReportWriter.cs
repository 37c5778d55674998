using System.Text;

namespace NeuralLab.Report;

/// <summary>report.md: the same page as Markdown, with the figures as files in figures/ beside it.</summary>
internal static class MarkdownReportWriter
{
    public static string Write(ReportOutcome r)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(ReportText.Title).Append("\n\n").Append(ReportText.Lead).Append("\n\n");
        md.Append("- **Profile**: ").Append(ReportProfiles.Name(r.Profile)).Append(" — ").Append(ReportProfiles.Describe(r.Profile)).Append('\n')
          .Append("- **Seed**: ").Append(r.Seed).Append('\n')
          .Append("- **Wall time**: ").Append(ReportText.Seconds(r.Seconds)).Append(" in all (")
          .Append(string.Join(", ", r.Sections.Where(s => s.WasRun).Select(s => $"section {s.Number}: {ReportText.Seconds(s.Seconds)}")))
          .Append(")\n")
          .Append("- **Run**: ").Append($"{r.StartedUtc:yyyy-MM-dd HH:mm} UTC on {ReportText.Machine()}").Append('\n')
          .Append("- **Reproduce**: `").Append(ReportText.Invocation(r)).Append("`\n\n");
        var failed = r.Sections.Where(s => s.Status == SectionStatus.Failed).ToList();
        if (failed.Count > 0)
            md.Append("> **").Append(failed.Count).Append(failed.Count == 1 ? " section failed**: " : " sections failed**: ")
              .Append(string.Join(", ", failed.Select(s => $"{s.Number}. {s.Title}"))).Append(". Their claims are listed as not checked.\n\n");
        if (r.BrokenClaims.Count > 0)
            md.Append("> **Fault injection**: the computations behind claims ").Append(string.Join(", ", r.BrokenClaims))
              .Append(" were corrupted on purpose (a test run). Their verdicts are not the real ones.\n\n");

        md.Append("## Claims of the written solution\n\n").Append(ReportText.Summary(r)).Append("\n\n")
          .Append("| Claim | Statement | Verdict | Summary | Correction | Figure |\n|---|---|---|---|---|---|\n");
        var figureByPath = r.Sections.SelectMany(s => s.Figures).Where(f => f.Available)
            .GroupBy(f => f.RelativePath).ToDictionary(g => g.Key, g => g.First());
        string FigureLink(string? path) => path != null && figureByPath.TryGetValue(path, out var f) ? $"[{f.Label}]({Link(f.RelativePath)})" : "—";
        foreach (var (id, claim) in HtmlReportWriter.Rows(r))
        {
            if (claim == null)
            {
                md.Append($"| {Cell(id)} | — | **{VerdictText.NotChecked}** | {Cell(ReportText.WhyNotChecked(r, id))} | | |\n");
                continue;
            }
            md.Append($"| {Cell(claim.Claim)} | {Cell(claim.Statement)} | **{claim.Verdict}** | {Cell(claim.Summary.Length > 0 ? claim.Summary : "—")} | {Cell(claim.Correction ?? "—")} | {FigureLink(claim.Figure)} |\n");
        }

        if (r.Reproductions.Count > 0)
        {
            md.Append("\n### Reproductions\n\nMeasurements beyond the numbered answers of the written solution; not claims, not counted in the tally.\n\n")
              .Append("| Section | What | Result | Figure |\n|---|---|---|---|\n");
            foreach (var p in r.Reproductions)
                md.Append($"| {p.Section} | {Cell(p.What)} | {Cell(p.Result)} | {FigureLink(p.Figure)} |\n");
        }

        md.Append("\n### Criteria and evidence\n");
        foreach (var claim in r.Claims)
        {
            md.Append($"\n**{claim.Claim}** ({claim.Verdict}). ");
            if (claim.Criterion.Length > 0) md.Append("Criterion: ").Append(claim.Criterion.ReplaceLineEndings(" ")).Append("\n\n");
            else md.Append("\n\n");
            foreach (var (key, value) in claim.Evidence) md.Append($"- `{key}` = {EvidenceFormat.Display(value).ReplaceLineEndings(" ")}\n");
        }
        foreach (var p in r.Reproductions)
        {
            md.Append($"\n**{p.Id}** (reproduction).\n\n");
            foreach (var (key, value) in p.Evidence) md.Append($"- `{key}` = {EvidenceFormat.Display(value).ReplaceLineEndings(" ")}\n");
        }

        md.Append("\n## Sections and wall times\n\n| Section | Status | Claims checked | Wall time |\n|---|---|---|---:|\n");
        foreach (var s in r.Sections)
            md.Append($"| {s.Number}. {Cell(s.Title)} | {ReportText.StatusWord(s)} | {(s.Claims.Count == 0 ? "—" : string.Join(", ", s.Claims.Select(c => c.Claim)))} | {(!s.WasRun ? "—" : ReportText.Seconds(s.Seconds))} |\n");
        md.Append($"| **All sections** | | {r.Claims.Count} claims | **{ReportText.Seconds(r.Seconds)}** |\n");

        foreach (var s in r.Sections)
        {
            md.Append($"\n## {s.Number}. {s.Title}\n\n");
            var expected = ExpectedClaims.Ids.Where(id => ExpectedClaims.SectionOf(id) == s.Number).ToList();
            if (!s.WasRun)
            {
                md.Append($"{ReportText.WhyNotRun(s)} Not checked: {string.Join(", ", expected)}.\n");
                continue;
            }
            md.Append(s.Status == SectionStatus.Failed ? "Failed after " : "Ran in ").Append(ReportText.Seconds(s.Seconds));
            if (s.Claims.Count > 0) md.Append(" · claims: ").Append(string.Join(", ", s.Claims.Select(c => $"{c.Claim} ({c.Verdict})")));
            md.Append(".\n\n");
            if (s.Status == SectionStatus.Failed)
            {
                md.Append("**The section crashed**: `").Append(s.Error?.ReplaceLineEndings(" ").Replace("`", "'")).Append("`\n\n")
                  .Append($"Not checked because of it: {string.Join(", ", expected)}.\n\n");
                if (s.ErrorDetail != null) md.Append("```\n").Append(s.ErrorDetail.Replace("```", "'''")).Append("\n```\n\n");
            }
            if (!string.IsNullOrWhiteSpace(s.Markdown)) md.Append(s.Markdown.Trim()).Append("\n\n");
            foreach (var f in s.Figures)
            {
                string label = f.Label + (f.HomeworkFigure is int n ? $" (the homework's Figure {n})" : "");
                if (f.Available) md.Append($"![{Alt(f.Caption)}]({Link(f.RelativePath)})\n\n");
                else md.Append($"*Figure missing: the section named `{f.FileName}` but did not write it as an image.*\n\n");
                md.Append($"**{label}.** {f.Caption.ReplaceLineEndings(" ")}\n\n");
            }
        }
        md.Append("\n## How the verdicts are derived\n\n").Append(ReportText.HowVerdictsAreDerived).Append('\n');
        return md.ToString();
    }

    /// <summary>A table cell: one line, pipes escaped.</summary>
    static string Cell(string s) => s.ReplaceLineEndings(" ").Replace("|", "\\|");

    static string Alt(string s) => s.ReplaceLineEndings(" ").Replace("[", "(").Replace("]", ")");

    static string Link(string relativePath) => string.Join("/", relativePath.Split('/').Select(Uri.EscapeDataString));
}
