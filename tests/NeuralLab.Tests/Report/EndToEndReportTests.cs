using System.Text.Json;
using NeuralLab.Common;
using NeuralLab.Report;
using SkiaSharp;

namespace NeuralLab.Tests.Report;

/// <summary>The real thing: the library's own sections, discovered, at the test profile.</summary>
[Trait("Speed", "Slow")]
public class EndToEndReportTests
{
    [Fact]
    public void The_real_sections_check_every_numbered_answer_render_in_a_browser_and_a_broken_computation_flips_its_verdict()
    {
        var sections = ReportSections.Discover();
        Assert.Equal([1, 2, 3, 4, 5], sections.Select(s => s.Number));

        using var dir = new TempDir();
        var result = CliRunner.Succeeds("report", "--profile", "test", "--seed", "0", "--out", dir.File("report"));

        using var claims = JsonDocument.Parse(File.ReadAllText(dir.File("report/claims.json")));
        var byId = claims.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("claim").GetString()!);
        foreach (string id in ExpectedClaims.Ids)
        {
            Assert.True(byId.ContainsKey(id), $"claim {id} is not in claims.json");
            Assert.Contains(byId[id].GetProperty("verdict").GetString(),
                new[] { "holds", "holds with an error in the working", "holds under a condition", "does not hold" });
            Assert.NotEmpty(byId[id].GetProperty("evidence").EnumerateObject());
        }

        string index = dir.File("report/index.html");
        var page = PageChecks.ParseXml(File.ReadAllText(index));
        PageChecks.AssertSelfContained(page);
        Assert.DoesNotContain("not checked", PageChecks.ById(page, "claims").Value);
        // Without Chromium the browser's view is left out here; BrowserRenderTests reports it skipped.
        if (ChromiumFactAttribute.SkipReason() == null)
        {
            string dom = HeadlessChromium.DumpDom(index);
            Assert.NotEqual("0", HeadlessChromium.BodyAttribute(dom, "data-images"));
            Assert.Equal("0", HeadlessChromium.BodyAttribute(dom, "data-broken-images"));
            HeadlessChromium.Screenshot(index, dir.File("page.png"), 1280, 2000);
            using (var bitmap = SKBitmap.Decode(dir.File("page.png"))) Assert.True(HeadlessChromium.LuminanceVariance(bitmap) > 100);
        }

        // Break the computation behind 1.3 in section 1 alone (the others need not run again): its verdict must change.
        var broken = ReportRunner.Run(new ReportOptions(ReportProfile.Test, 0, dir.File("broken"), new HashSet<string> { "1.3" }),
            ReportSections.Discover().Where(s => s.Number == 1));
        var brokenClaim = Assert.Single(broken.Claims, c => c.Claim == "1.3");
        Assert.NotEqual(byId["1.3"].GetProperty("verdict").GetString(), brokenClaim.Verdict);
        // The other claims of the section are untouched by the fault.
        foreach (var c in broken.Claims.Where(c => c.Claim != "1.3"))
            Assert.Equal(byId[c.Claim].GetProperty("verdict").GetString(), c.Verdict);
    }
}
