using System.Text.Json;
using NeuralLab.Common;
using NeuralLab.Report;

namespace NeuralLab.Tests.Report;

public class ReportRunnerTests
{
    static readonly string[] VerdictStrings = ["holds", "holds under a condition", "does not hold"];

    static ReportOutcome Run(TempDir dir, IEnumerable<IReportSection> sections, IReadOnlySet<string>? broken = null,
                             IProgress<ProgressReport>? progress = null, string sub = "out") =>
        ReportRunner.Run(new ReportOptions(ReportProfile.Test, 7, dir.File(sub), broken), sections, progress);

    [Fact]
    public void Every_section_appears_in_homework_order_and_claims_json_lists_every_claim_with_the_three_verdict_strings()
    {
        using var dir = new TempDir();
        var sections = FakeFigures.AllSections();
        var report = Run(dir, sections);

        Assert.True(report.AllSectionsRan);
        Assert.Equal([1, 2, 3, 4, 5], report.Sections.Select(s => s.Number));
        Assert.All(report.Sections, s => Assert.Equal(SectionStatus.Ran, s.Status));
        Assert.Empty(report.NotChecked);

        // claims.json, read back independently of the records that wrote it.
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("out/claims.json")));
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(ExpectedClaims.Ids, rows.Select(r => r.GetProperty("claim").GetString()));
        foreach (var row in rows)
        {
            string verdict = row.GetProperty("verdict").GetString()!;
            Assert.Contains(verdict, VerdictStrings);
            Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("statement").GetString()));
            Assert.Equal(JsonValueKind.Object, row.GetProperty("evidence").ValueKind);
            Assert.NotEmpty(row.GetProperty("evidence").EnumerateObject());
            // A correction exactly where the claim does not simply hold.
            Assert.Equal(verdict != "holds", row.GetProperty("correction").ValueKind == JsonValueKind.String);
        }
        // Each fake decided by its kind: identities hold, the sigmoid-only constant holds under a condition, x² without biases does not.
        var byId = rows.ToDictionary(r => r.GetProperty("claim").GetString()!);
        foreach (var (id, kind) in sections.SelectMany(s => s.Claims))
        {
            string expected = kind switch { FakeKind.Identity => "holds", FakeKind.Conditional => "holds under a condition", _ => "does not hold" };
            Assert.Equal(expected, byId[id].GetProperty("verdict").GetString());
        }
        Assert.Equal(2.0, byId["1.5"].GetProperty("evidence").GetProperty("ratio_had").GetDouble(), 12);
        Assert.Equal(4.0, byId["1.5"].GetProperty("evidence").GetProperty("ratio_needed").GetDouble());
        Assert.Equal("figures/1-expressivity-of-relu-networks/identity-1.png", byId["1.1"].GetProperty("figure").GetString());

        // The page and the Markdown show the sections in order, with their figures.
        string html = File.ReadAllText(dir.File("out/index.html"));
        string md = File.ReadAllText(dir.File("out/report.md"));
        foreach (string page in new[] { html, md })
        {
            var positions = report.Sections.Select(s => page.IndexOf($"{s.Number}. {s.Title}</h2>", StringComparison.Ordinal) is var p and >= 0 ? p
                                                      : page.IndexOf($"## {s.Number}. {s.Title}", StringComparison.Ordinal)).ToList();
            Assert.All(positions, p => Assert.True(p >= 0));
            Assert.Equal(positions.Order(), positions);
        }
        foreach (var s in report.Sections)
        foreach (var f in s.Figures)
        {
            Assert.True(File.Exists(Path.Combine(dir.File("out"), f.RelativePath)), f.RelativePath);
            Assert.Contains($"]({f.RelativePath})", md);
        }
        Assert.Contains("bars.svg", md);
        Assert.Empty(Directory.GetDirectories(dir.File("out"), ".neurallab-staging*"));
    }

    [Fact]
    public void Claims_nobody_checked_are_listed_as_not_checked_and_never_invented()
    {
        using var dir = new TempDir();
        var sections = FakeFigures.AllSections().Where(s => s.Number != 4).ToList(); // no section 4 at all
        sections[sections.FindIndex(s => s.Number == 2)] =
            new FakeSection(2, "Recurrence", ("2.2", FakeKind.Identity), ("2.4", FakeKind.Identity), ("2.5", FakeKind.Identity)); // forgets 2.3

        var report = Run(dir, sections);

        Assert.Equal(["2.3", "4"], report.NotChecked);
        Assert.True(report.AllSectionsRan); // a missing claim is a gap on the page, not a crash
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("out/claims.json")));
        var ids = json.RootElement.EnumerateArray().Select(r => r.GetProperty("claim").GetString()).ToList();
        Assert.DoesNotContain("2.3", ids);
        Assert.DoesNotContain("4", ids);
        Assert.Equal(ExpectedClaims.Ids.Count - 2, ids.Count);

        var page = PageChecks.ParseXml(File.ReadAllText(dir.File("out/index.html")));
        foreach (string id in new[] { "2.3", "4" })
        {
            var row = PageChecks.ById(page, "claim-" + id.Replace('.', '-'));
            Assert.True(PageChecks.HasClass(row, "not-checked"));
            Assert.Contains("not checked", row.Value);
        }
        Assert.Contains("returned no verdict", PageChecks.ById(page, "claim-2-3").Value);
        Assert.True(PageChecks.HasClass(PageChecks.ById(page, "section-4"), "missing"));
        Assert.Contains("not checked: 2.3, 4", PageChecks.ById(page, "claims").Value);
        string md = File.ReadAllText(dir.File("out/report.md"));
        Assert.Contains("| 2.3 | — | **not checked** |", md);
        Assert.Contains("| 4 | — | **not checked** |", md);
    }

    [Fact]
    public void A_crashing_section_is_shown_as_failed_its_claims_not_checked_and_the_rest_of_the_report_completes()
    {
        using var dir = new TempDir();
        var sections = FakeFigures.AllSections();
        int i = sections.FindIndex(s => s.Number == 2);
        sections[i] = new FakeSection(2, "Recurrence", sections[i].Claims.ToArray()) { CrashAfterFirstFigure = true };

        var report = Run(dir, sections);

        Assert.False(report.AllSectionsRan);
        var failed = Assert.Single(report.Sections, s => s.Status == SectionStatus.Failed);
        Assert.Equal(2, failed.Number);
        Assert.Contains("crashed on purpose", failed.Error);
        Assert.Equal(["2.2", "2.3", "2.4", "2.5"], report.NotChecked);
        Assert.Equal(ExpectedClaims.Ids.Count - 4, report.Claims.Count);

        var page = PageChecks.ParseXml(File.ReadAllText(dir.File("out/index.html")));
        var section = PageChecks.ById(page, "section-2");
        Assert.True(PageChecks.HasClass(section, "failed"));
        Assert.Contains("InvalidOperationException: fake section 2 crashed on purpose", section.Value);
        Assert.Contains("2.2, 2.3, 2.4, 2.5", section.Value);
        Assert.Contains("failed before it could check", PageChecks.ById(page, "claim-2-2").Value);
        Assert.Contains("The section crashed", File.ReadAllText(dir.File("out/report.md")));
        // The other sections' figures are there; the crashed one's half-made figure is not published.
        Assert.True(File.Exists(dir.File("out/figures/1-expressivity-of-relu-networks/identity-1.png")));
        Assert.False(Directory.Exists(dir.File("out/figures/2-recurrence")));
    }

    [Fact]
    public void The_page_is_well_formed_and_self_contained_with_every_figure_embedded()
    {
        using var dir = new TempDir();
        var sections = FakeFigures.AllSections();
        sections.Add(new FakeSection(5, "Extra neural fields", ("5.7", FakeKind.Identity))
        {
            UnwrittenFigure = "never-written.png",
            Markdown = "<script>alert('x')</script> **bold** [bad](javascript:alert(1)) [paper](https://arxiv.org/abs/2006.09661) & ok",
        });

        var report = Run(dir, sections);
        string html = File.ReadAllText(dir.File("out/index.html"));
        var page = PageChecks.ParseXml(html);
        PageChecks.AssertSelfContained(page);

        var images = page.Descendants("img").ToList();
        int available = report.Sections.Sum(s => s.Figures.Count(f => f.Available));
        Assert.Equal(available, images.Count);
        Assert.Equal(7, available); // one PNG per section, one SVG in section 1, one PNG in the extra section
        Assert.Equal(available.ToString(), (string?)page.Root!.Element("body")!.Attribute("data-figures"));
        Assert.Contains(images, img => ((string)img.Attribute("src")!).StartsWith("data:image/svg+xml;base64,"));
        // The embedded bytes are the figure files, unchanged.
        var firstFigure = report.Sections[0].Figures[0];
        byte[] onDisk = File.ReadAllBytes(Path.Combine(dir.File("out"), firstFigure.RelativePath));
        var img0 = images.Single(i => i.Parent!.Attribute("id")!.Value == firstFigure.Anchor);
        Assert.Equal(onDisk, Convert.FromBase64String(((string)img0.Attribute("src")!).Split(',')[1]));
        // A figure the section did not write is said so, not shown as a broken image.
        Assert.Contains("Figure missing", html);
        // Prose is escaped: its script never becomes an element, its javascript: link never a link.
        Assert.Single(page.Descendants("script"));
        Assert.Contains("&lt;script&gt;alert", html);
        Assert.DoesNotContain(page.Descendants("a"), a => ((string?)a.Attribute("href") ?? "").Contains("javascript", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(page.Descendants("a"), a => (string?)a.Attribute("href") == "https://arxiv.org/abs/2006.09661");
        // Every claim row links to a figure that is on the page.
        var anchors = page.Descendants().Select(e => (string?)e.Attribute("id")).Where(id => id != null).ToHashSet();
        foreach (var a in page.Descendants("a").Select(a => (string?)a.Attribute("href")).Where(h => h!.StartsWith('#')))
            Assert.Contains(a![1..], anchors);
    }

    [Fact]
    public void Broken_claims_reach_every_section_and_flip_the_recomputed_verdict()
    {
        using var dir = new TempDir();
        var clean = Run(dir, FakeFigures.AllSections(), sub: "clean");
        var sections = FakeFigures.AllSections();
        var broken = Run(dir, sections, new HashSet<string> { "1.3", "4" }, sub: "broken");

        Assert.All(sections, s => Assert.True(s.SeenContext!.IsBroken("1.3") && s.SeenContext.IsBroken("4")));
        var before = clean.Claims.ToDictionary(c => c.Claim);
        var after = broken.Claims.ToDictionary(c => c.Claim);
        Assert.Equal("holds", before["1.3"].Verdict);
        Assert.Equal("does not hold", after["1.3"].Verdict);
        Assert.Equal("holds under a condition", before["4"].Verdict);
        Assert.Equal("does not hold", after["4"].Verdict);
        Assert.Equal(0.0, (double)before["1.3"].Evidence["max_error"]!);
        Assert.Equal(0.25, (double)after["1.3"].Evidence["max_error"]!, 12);
        foreach (string id in ExpectedClaims.Ids.Except(["1.3", "4"])) Assert.Equal(before[id].Verdict, after[id].Verdict);
        Assert.Contains("Fault injection", File.ReadAllText(dir.File("broken/index.html")));
        Assert.DoesNotContain("Fault injection", File.ReadAllText(dir.File("clean/index.html")));
    }

    [Fact]
    public void Sections_get_the_profile_the_seed_and_their_own_staged_figure_directory()
    {
        using var dir = new TempDir();
        var sections = FakeFigures.AllSections();
        var seenDirs = new List<string>();
        Run(dir, sections);

        foreach (var s in sections)
        {
            var ctx = s.SeenContext!;
            Assert.Equal(ReportProfile.Test, ctx.Profile);
            Assert.Equal(7, ctx.Seed);
            Assert.NotNull(ctx.Progress);
            Assert.Null(ctx.BrokenClaims);
            // Staged inside the output directory (so a failed run leaves nothing), gone after the commit.
            Assert.StartsWith(Path.Combine(dir.File("out"), ".neurallab-staging"), ctx.FigureDirectory);
            Assert.False(Directory.Exists(ctx.FigureDirectory));
            seenDirs.Add(ctx.FigureDirectory);
        }
        Assert.Equal(seenDirs.Count, seenDirs.Distinct().Count());
    }

    [Fact]
    public void Progress_names_each_section_forwards_its_own_progress_and_ends_with_nothing_left()
    {
        using var dir = new TempDir();
        var reports = new List<ProgressReport>();
        Run(dir, FakeFigures.AllSections(), progress: new Recorder(reports));

        for (int n = 1; n <= 5; n++) Assert.Contains(reports, r => r.Task.StartsWith($"report [{n}/5] "));
        Assert.Contains(reports, r => r.Task.Contains("Attention: fake 3 2/2") && r.Figures.Any(f => f.Name == "error"));
        Assert.All(reports, r => Assert.Contains(r.Figures, f => f.Name == "seconds left"));
        var last = reports[^1];
        Assert.Equal(last.Total, last.Done);
        Assert.Equal(0, last.Figures.Single(f => f.Name == "seconds left").Value);
    }

    [Fact]
    public void Discovery_finds_public_parameterless_sections_only_and_a_throwing_constructor_becomes_a_failed_section()
    {
        var found = ReportSections.Discover(typeof(ReportRunnerTests).Assembly);
        Assert.Equal(2, found.Count);
        Assert.IsType<DiscoverableFakeSection>(found[0]);
        Assert.Equal(nameof(ThrowingConstructorFakeSection), found[1].Title); // stands in for the type that could not be built

        using var dir = new TempDir();
        var report = Run(dir, found);
        Assert.False(report.AllSectionsRan);
        var failed = Assert.Single(report.Sections, s => s.Status == SectionStatus.Failed);
        Assert.Contains("cannot build this section", failed.Error);
        Assert.Equal("holds", Assert.Single(report.Claims).Verdict);
    }

    [Fact]
    public void Evidence_that_json_cannot_write_is_kept_as_text_instead_of_losing_the_report()
    {
        using var dir = new TempDir();
        var odd = new OddEvidenceSection();
        var report = Run(dir, [odd]);
        Assert.True(report.AllSectionsRan);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("out/claims.json")));
        var evidence = json.RootElement[0].GetProperty("evidence");
        Assert.Equal(JsonValueKind.String, evidence.GetProperty("matrix").ValueKind);
        Assert.Equal("NaN", evidence.GetProperty("nan").GetString());
        Assert.Equal(3, evidence.GetProperty("list").GetArrayLength());
    }

    [Fact]
    public void Summaries_criteria_and_folded_evidence_show_and_only_numbered_answers_are_tallied()
    {
        using var dir = new TempDir();
        var report = Run(dir, [new FourVerdictSection()]);
        // The four verdicts, the extra id "4.9" shown but not tallied, the reproduction shown but not a claim.
        Assert.Equal(["3.1", "3.2", "3.3", "3.4", "4.9"], report.Claims.Select(c => c.Claim));
        Assert.Equal(4, report.NumberedClaims.Count);
        string tally = ReportText.Summary(report);
        Assert.Contains("4 of 23 numbered answers checked: 1 hold, 1 hold with an error in the working, 1 hold under a condition, 1 do not hold", tally);
        using (var json = JsonDocument.Parse(File.ReadAllText(dir.File("out/claims.json"))))
        {
            var first = json.RootElement[1];
            Assert.Equal("holds with an error in the working", first.GetProperty("verdict").GetString());
            Assert.Equal("summary of 3.2", first.GetProperty("summary").GetString());
            Assert.Equal("criterion of 3.2", first.GetProperty("criterion").GetString());
            Assert.DoesNotContain(json.RootElement.EnumerateArray(), c => c.GetProperty("claim").GetString() == "3.accuracy");
        }
        var page = PageChecks.ParseXml(File.ReadAllText(dir.File("out/index.html")));
        var row = PageChecks.ById(page, "claim-3-2");
        Assert.Contains("summary of 3.2", row.Value);
        Assert.Contains("criterion of 3.2", row.Value);
        var details = Assert.Single(row.Descendants("details"));
        Assert.Contains("evidence_value", details.Value);
        Assert.Contains(page.Descendants("span"), e => PageChecks.HasClass(e, "v-working") && e.Value == "holds with an error in the working");
        var reproductions = Assert.Single(page.Descendants("table"), t => PageChecks.HasClass(t, "reproductions"));
        Assert.Contains("accuracy 97 %", reproductions.Value);
        string md = File.ReadAllText(dir.File("out/report.md"));
        Assert.Contains("| 3.2 | statement of 3.2 | **holds with an error in the working** | summary of 3.2 |", md);
        Assert.Contains("### Reproductions", md);
        Assert.Contains("Criterion: criterion of 3.2", md);
    }

    sealed class FourVerdictSection : IReportSection
    {
        public int Number => 3;

        public string Title => "Four verdicts";

        public SectionResult Run(ReportContext context)
        {
            Claim Make(string id, Verdict v) => new(id, $"statement of {id}", v, new Dictionary<string, object?> { ["evidence_value"] = 1.5 },
                v == Verdict.Holds ? null : $"correction of {id}") { Summary = $"summary of {id}", Criterion = $"criterion of {id}" };
            return new SectionResult(
                [Make("3.1", Verdict.Holds), Make("3.2", Verdict.HoldsWithErrorInWorking), Make("3.3", Verdict.HoldsUnderCondition),
                 Make("3.4", Verdict.DoesNotHold), Make("4.9", Verdict.Holds)],
                [], "", 0)
            {
                Reproductions = [new Reproduction("3.accuracy", "a network trained", "accuracy 97 %", new Dictionary<string, object?> { ["accuracy"] = 0.97 })],
            };
        }
    }

    sealed class OddEvidenceSection : IReportSection
    {
        public int Number => 4;

        public string Title => "Odd evidence";

        public SectionResult Run(ReportContext context) => new(
            [new Claim("4", "x", Verdict.Holds, new Dictionary<string, object?> { ["matrix"] = new double[2, 2], ["nan"] = double.NaN, ["list"] = new List<int> { 1, 2, 3 } })],
            [], "", 0);
    }

    sealed class Recorder(List<ProgressReport> into) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => into.Add(value);
    }
}
