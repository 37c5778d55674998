using System.Text;

namespace NeuralLab.Report;

/// <summary>
/// index.html: one self-contained page (CSS inline, figures as data: URIs, no script or font from
/// anywhere), written as XHTML-compatible HTML (every element closed, void elements self-closed,
/// only XML's five entities) so a test can parse it as XML. A tiny inline script counts the images
/// that failed to decode into body[data-broken-images], for the headless-browser test.
/// </summary>
internal static class HtmlReportWriter
{
    /// <param name="report">The run.</param>
    /// <param name="readFigure">Bytes of a figure by its path relative to the report directory, or null if absent.</param>
    public static string Write(ReportOutcome report, Func<string, byte[]?> readFigure)
    {
        int figureCount = report.Sections.Sum(s => s.Figures.Count(f => f.Available));
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
         .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
         .Append("<title>").Append(E(ReportText.Title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n")
         .Append($"<body data-figures=\"{figureCount}\">\n");
        Header(h, report);
        h.Append("<main>\n");
        ClaimsTable(h, report);
        Timings(h, report);
        foreach (var section in report.Sections) Section(h, section, readFigure);
        h.Append("</main>\n<footer>\n<h2 id=\"verdicts\">How the verdicts are derived</h2>\n<p>")
         .Append(MarkdownToHtml.Inline(ReportText.HowVerdictsAreDerived)).Append("</p>\n<p>Reproduce this page with <code>")
         .Append(E(ReportText.Invocation(report))).Append("</code>. ").Append(E(ReportProfiles.Describe(report.Profile)))
         .Append("</p>\n</footer>\n<script>").Append(ImageCheckScript).Append("</script>\n</body>\n</html>\n");
        return h.ToString();
    }

    static void Header(StringBuilder h, ReportOutcome r)
    {
        h.Append("<header>\n<h1>").Append(E(ReportText.Title)).Append("</h1>\n<p class=\"lead\">").Append(E(ReportText.Lead)).Append("</p>\n");
        h.Append("<dl class=\"meta\">\n")
         .Append("<dt>Profile</dt><dd><strong>").Append(E(ReportProfiles.Name(r.Profile))).Append("</strong>: ")
         .Append(E(ReportProfiles.Describe(r.Profile))).Append("</dd>\n")
         .Append("<dt>Seed</dt><dd>").Append(r.Seed).Append("</dd>\n")
         .Append("<dt>Wall time</dt><dd>").Append(E(ReportText.Seconds(r.Seconds))).Append(" in all (")
         .Append(E(string.Join(", ", r.Sections.Where(s => s.WasRun)
             .Select(s => $"section {s.Number}: {ReportText.Seconds(s.Seconds)}")))).Append(")</dd>\n")
         .Append("<dt>Run</dt><dd>").Append(E($"{r.StartedUtc:yyyy-MM-dd HH:mm} UTC on {ReportText.Machine()}")).Append("</dd>\n")
         .Append("<dt>Reproduce</dt><dd><code>").Append(E(ReportText.Invocation(r))).Append("</code></dd>\n</dl>\n");
        var failed = r.Sections.Where(s => s.Status == SectionStatus.Failed).ToList();
        if (failed.Count > 0)
            h.Append("<p class=\"banner bad\">").Append(E($"{failed.Count} {(failed.Count == 1 ? "section" : "sections")} failed: " +
                string.Join(", ", failed.Select(s => $"{s.Number}. {s.Title}")) + ". Their claims are listed as not checked.")).Append("</p>\n");
        if (r.BrokenClaims.Count > 0)
            h.Append("<p class=\"banner warn\">").Append(E("Fault injection: the computations behind claims " + string.Join(", ", r.BrokenClaims) +
                " were corrupted on purpose (a test run). Their verdicts are not the real ones.")).Append("</p>\n");
        h.Append("<nav><a href=\"#claims\">Claims</a> · <a href=\"#run\">Sections and times</a>");
        foreach (var s in r.Sections) h.Append(" · <a href=\"#").Append(s.Anchor).Append("\">").Append(E($"{s.Number}. {s.Title}")).Append("</a>");
        h.Append(" · <a href=\"#verdicts\">How verdicts are derived</a></nav>\n</header>\n");
    }

    static void ClaimsTable(StringBuilder h, ReportOutcome r)
    {
        h.Append("<section id=\"claims\">\n<h2>Claims of the written solution</h2>\n<p class=\"summary\">")
         .Append(E(ReportText.Summary(r))).Append("</p>\n")
         .Append("<table class=\"claims\">\n<thead><tr><th>Claim</th><th>Statement</th><th>Verdict</th><th>Summary, criterion and evidence</th><th>Correction</th><th>Figure</th></tr></thead>\n<tbody>\n");
        var figureByPath = r.Sections.SelectMany(s => s.Figures).Where(f => f.Available)
            .GroupBy(f => f.RelativePath).ToDictionary(g => g.Key, g => g.First());
        var usedIds = new HashSet<string>();
        foreach (var row in Rows(r))
        {
            // Two sections may return the same claim id; the first row keeps the plain anchor the chips link to.
            string rowId = ClaimAnchor(row.Id);
            for (int k = 2; !usedIds.Add(rowId); k++) rowId = $"{ClaimAnchor(row.Id)}-{k}";
            if (row.Claim is { } c)
            {
                h.Append("<tr id=\"").Append(rowId).Append("\"><td class=\"id\">").Append(E(c.Claim)).Append("</td><td>")
                 .Append(MarkdownToHtml.Inline(c.Statement)).Append("</td><td>").Append(Badge(c.Verdict)).Append("</td><td class=\"ev\">");
                h.Append("<p class=\"claim-summary\">").Append(MarkdownToHtml.Inline(c.Summary.Length > 0 ? c.Summary : "—")).Append("</p>");
                if (c.Criterion.Length > 0)
                    h.Append("<p class=\"criterion\"><strong>Criterion:</strong> ").Append(MarkdownToHtml.Inline(c.Criterion)).Append("</p>");
                EvidenceDetails(h, c.Evidence);
                h.Append("</td><td>").Append(c.Correction == null ? "—" : MarkdownToHtml.Inline(c.Correction)).Append("</td><td class=\"fig\">");
                if (c.Figure != null && figureByPath.TryGetValue(c.Figure, out var f))
                    h.Append("<a href=\"#").Append(f.Anchor).Append("\">").Append(E(f.Label)).Append("</a>");
                else h.Append('—');
                h.Append("</td></tr>\n");
            }
            else
            {
                h.Append("<tr class=\"not-checked\" id=\"").Append(rowId).Append("\"><td class=\"id\">").Append(E(row.Id))
                 .Append("</td><td>—</td><td>").Append(Badge(VerdictText.NotChecked)).Append("</td><td colspan=\"3\">")
                 .Append(E(ReportText.WhyNotChecked(r, row.Id))).Append("</td></tr>\n");
            }
        }
        h.Append("</tbody>\n</table>\n");
        Reproductions(h, r, figureByPath);
        h.Append("</section>\n");
    }

    /// <summary>The full key/value evidence, folded.</summary>
    static void EvidenceDetails(StringBuilder h, IReadOnlyDictionary<string, object?> evidence)
    {
        if (evidence.Count == 0) return;
        h.Append("<details class=\"evidence\"><summary>Evidence (").Append(evidence.Count).Append(evidence.Count == 1 ? " value" : " values").Append(")</summary>");
        h.Append(string.Join("<br />", evidence.Select(kv =>
            $"<span class=\"ev-name\">{E(kv.Key)}</span> = {E(EvidenceFormat.Display(kv.Value))}")));
        h.Append("</details>");
    }

    /// <summary>Measurements beyond the numbered answers: shown, never counted as claims.</summary>
    static void Reproductions(StringBuilder h, ReportOutcome r, Dictionary<string, FigureRecord> figureByPath)
    {
        var rows = r.Reproductions;
        if (rows.Count == 0) return;
        h.Append("<h3 id=\"reproductions\">Reproductions</h3>\n<p class=\"note\">")
         .Append(E("Measurements beyond the numbered answers of the written solution. They are not claims of the solution and are not counted in the tally above."))
         .Append("</p>\n<table class=\"reproductions\">\n<thead><tr><th>Section</th><th>What</th><th>Result</th><th>Figure</th></tr></thead>\n<tbody>\n");
        foreach (var p in rows)
        {
            h.Append("<tr id=\"").Append(E("repro-" + new string(p.Id.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray()))).Append("\"><td class=\"id\">")
             .Append(p.Section).Append("</td><td>").Append(MarkdownToHtml.Inline(p.What)).Append("</td><td class=\"ev\"><p class=\"claim-summary\">")
             .Append(MarkdownToHtml.Inline(p.Result)).Append("</p>");
            EvidenceDetails(h, p.Evidence);
            h.Append("</td><td class=\"fig\">");
            if (p.Figure != null && figureByPath.TryGetValue(p.Figure, out var f))
                h.Append("<a href=\"#").Append(f.Anchor).Append("\">").Append(E(f.Label)).Append("</a>");
            else h.Append('—');
            h.Append("</td></tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
    }

    /// <summary>The checked claims and the expected-but-unchecked ids, merged in the solution's order.</summary>
    internal static IEnumerable<(string Id, ClaimRecord? Claim)> Rows(ReportOutcome r) =>
        r.Claims.Select(c => (c.Claim, (ClaimRecord?)c))
            .Concat(r.NotChecked.Select(id => (id, (ClaimRecord?)null)))
            .OrderBy(t => t.Item1, Comparer<string>.Create(ExpectedClaims.Compare));

    static void Timings(StringBuilder h, ReportOutcome r)
    {
        h.Append("<section id=\"run\">\n<h2>Sections and wall times</h2>\n<table class=\"runs\">\n")
         .Append("<thead><tr><th>Section</th><th>Status</th><th>Claims checked</th><th class=\"num\">Wall time</th></tr></thead>\n<tbody>\n");
        foreach (var s in r.Sections)
        {
            string status = s.Status == SectionStatus.Ran ? "ran" : s.Status == SectionStatus.Failed ? "failed" : "none";
            h.Append("<tr><td><a href=\"#").Append(s.Anchor).Append("\">").Append(E($"{s.Number}. {s.Title}")).Append("</a></td>")
             .Append("<td><span class=\"status s-").Append(status).Append("\">").Append(E(ReportText.StatusWord(s))).Append("</span></td><td>")
             .Append(E(s.Claims.Count == 0 ? "—" : string.Join(", ", s.Claims.Select(c => c.Claim)))).Append("</td><td class=\"num\">")
             .Append(!s.WasRun ? "—" : E(ReportText.Seconds(s.Seconds))).Append("</td></tr>\n");
        }
        h.Append("<tr class=\"total\"><td>All sections</td><td></td><td>").Append(r.Claims.Count).Append(" claims</td><td class=\"num\">")
         .Append(E(ReportText.Seconds(r.Seconds))).Append("</td></tr>\n</tbody>\n</table>\n</section>\n");
    }

    static void Section(StringBuilder h, SectionOutcome s, Func<string, byte[]?> readFigure)
    {
        string cls = s.Status switch { SectionStatus.Failed => "hw failed", SectionStatus.Missing or SectionStatus.NotSelected => "hw missing", _ => "hw" };
        h.Append("<section class=\"").Append(cls).Append("\" id=\"").Append(s.Anchor).Append("\">\n<h2>")
         .Append(E($"{s.Number}. {s.Title}")).Append("</h2>\n");
        var expected = ExpectedClaims.Ids.Where(id => ExpectedClaims.SectionOf(id) == s.Number).ToList();
        if (!s.WasRun)
        {
            h.Append("<p class=\"note\">").Append(E($"{ReportText.WhyNotRun(s)} Not checked: {string.Join(", ", expected)}."))
             .Append("</p>\n</section>\n");
            return;
        }
        h.Append("<p class=\"time\">").Append(E($"{(s.Status == SectionStatus.Failed ? "Failed after" : "Ran in")} {ReportText.Seconds(s.Seconds)}"));
        if (s.Claims.Count > 0)
        {
            h.Append(" · claims: ");
            h.Append(string.Join(" ", s.Claims.Select(c =>
                $"<a class=\"chip {VerdictText.CssClass(c.Verdict)}\" href=\"#{ClaimAnchor(c.Claim)}\" title=\"{E(c.Verdict)}\">{E(c.Claim)}</a>")));
        }
        h.Append("</p>\n");
        if (s.Status == SectionStatus.Failed)
        {
            h.Append("<p class=\"error\">The section crashed: <code>").Append(E(s.Error ?? "")).Append("</code></p>\n<p>")
             .Append(E($"Not checked because of it: {string.Join(", ", expected)}.")).Append("</p>\n");
            if (s.ErrorDetail != null)
                h.Append("<details><summary>Stack trace</summary><pre>").Append(E(s.ErrorDetail)).Append("</pre></details>\n");
        }
        h.Append(MarkdownToHtml.Render(s.Markdown));
        foreach (var f in s.Figures) Figure(h, f, readFigure);
        h.Append("</section>\n");
    }

    static void Figure(StringBuilder h, FigureRecord f, Func<string, byte[]?> readFigure)
    {
        string label = f.Label + (f.HomeworkFigure is int n ? $" (the homework's Figure {n})" : "");
        h.Append("<figure id=\"").Append(f.Anchor).Append("\">\n");
        byte[]? bytes = f.Available ? readFigure(f.RelativePath) : null;
        string? media = ReportRunner.MediaType(f.FileName);
        if (bytes != null && media != null)
            h.Append("<img src=\"data:").Append(media).Append(";base64,").Append(Convert.ToBase64String(bytes))
             .Append("\" alt=\"").Append(E(f.Caption)).Append("\" />\n");
        else
            h.Append("<div class=\"no-figure\">").Append(E($"Figure missing: the section named '{f.FileName}' but did not write it as a PNG, SVG, JPEG, GIF or WebP file.")).Append("</div>\n");
        h.Append("<figcaption><strong>").Append(E(label)).Append(".</strong> ").Append(MarkdownToHtml.Inline(f.Caption)).Append("</figcaption>\n</figure>\n");
    }

    static string Badge(string verdict) => $"<span class=\"verdict {VerdictText.CssClass(verdict)}\">{E(verdict)}</span>";

    internal static string ClaimAnchor(string id) => "claim-" + new string(id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    static string E(string s) => MarkdownToHtml.Escape(s);

    // No '<' or '&' inside: the page stays well-formed XML without CDATA.
    const string ImageCheckScript = """

        window.addEventListener('load', function () {
          var images = Array.prototype.slice.call(document.images);
          var broken = images.filter(function (img) { return !img.complete || img.naturalWidth === 0; });
          document.body.setAttribute('data-images', String(images.length));
          document.body.setAttribute('data-broken-images', String(broken.length));
        });

        """;

    const string Css = """

        :root { --holds: #1a7f37; --working: #4d7c0f; --cond: #9a6700; --fails: #cf222e; --none: #6e7781; --line: #d0d7de; --soft: #f6f8fa; }
        * { box-sizing: border-box; }
        body { font: 15px/1.5 "DejaVu Sans", "Liberation Sans", system-ui, sans-serif; color: #1f2328; background: #fff; margin: 0 auto; max-width: 1160px; padding: 24px 28px 48px; }
        h1 { font-size: 1.65em; line-height: 1.25; margin: 0 0 6px; }
        h2 { font-size: 1.3em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        h3, h4, h5 { margin: 18px 0 6px; }
        .lead { color: #424a53; margin: 0 0 12px; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 12px; font-size: 0.93em; }
        dl.meta dt { font-weight: 600; color: #424a53; }
        dl.meta dd { margin: 0; }
        nav { font-size: 0.93em; padding: 8px 10px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; }
        a { color: #0550ae; text-decoration: none; }
        a:hover { text-decoration: underline; }
        code { font: 0.88em "DejaVu Sans Mono", "Liberation Mono", monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
        pre { background: var(--soft); border: 1px solid var(--line); padding: 10px; overflow-x: auto; font-size: 0.85em; }
        pre code { background: none; padding: 0; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 8px 0; }
        th, td { border: 1px solid var(--line); padding: 5px 8px; vertical-align: top; text-align: left; }
        thead th { background: var(--soft); }
        td.id { font-weight: 700; white-space: nowrap; }
        td.ev { font-size: 0.92em; min-width: 16em; }
        td.ev p { margin: 0 0 4px; }
        p.criterion { color: #57606a; font-size: 0.92em; }
        details.evidence summary { cursor: pointer; color: #0550ae; }
        .ev-name { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; color: #57606a; }
        td.num, th.num, td.fig { text-align: right; white-space: nowrap; }
        td.fig { text-align: left; }
        table.md { width: auto; min-width: 40%; }
        tr.total td { font-weight: 600; }
        tr.not-checked td { color: #57606a; background: #fafbfc; }
        .verdict { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff; font-weight: 600; font-size: 0.9em; white-space: nowrap; }
        .v-holds { background: var(--holds); }
        .v-working { background: var(--working); }
        .v-cond { background: var(--cond); }
        .v-fails { background: var(--fails); }
        .v-none { background: var(--none); }
        .chip { display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff; font-size: 0.85em; font-weight: 600; }
        .chip:hover { text-decoration: none; opacity: 0.85; }
        .status { font-weight: 600; }
        .s-ran { color: var(--holds); }
        .s-failed { color: var(--fails); }
        .s-none { color: var(--none); }
        .summary { font-weight: 600; }
        .banner { padding: 8px 12px; border-radius: 6px; font-weight: 600; }
        .banner.bad { background: #ffebe9; border: 1px solid var(--fails); color: #82071e; }
        .banner.warn { background: #fff8c5; border: 1px solid var(--cond); color: #6b4a00; }
        section.failed { border-left: 5px solid var(--fails); padding-left: 14px; }
        section.missing { border-left: 5px solid var(--none); padding-left: 14px; }
        .error { color: #82071e; }
        .time, .note { color: #57606a; font-size: 0.93em; }
        figure { margin: 18px 0; }
        figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
        figcaption { font-size: 0.9em; color: #424a53; margin-top: 6px; max-width: 60em; }
        .no-figure { padding: 24px; border: 1px dashed var(--fails); color: #82071e; }
        blockquote { margin: 8px 0; padding: 0 12px; border-left: 4px solid var(--line); color: #57606a; }
        footer { margin-top: 40px; font-size: 0.93em; color: #424a53; }

        """;
}
