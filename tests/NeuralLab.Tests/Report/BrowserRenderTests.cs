using NeuralLab.Common;
using NeuralLab.Report;
using SkiaSharp;

namespace NeuralLab.Tests.Report;

/// <summary>The page as a real browser shows it: not blank, verdict colours drawn, every image decoded.</summary>
public class BrowserRenderTests
{
    [ChromiumFact]
    public void Chromium_renders_the_page_with_every_image_loaded_and_the_verdict_colours_showing()
    {
        using var dir = new TempDir();
        var sections = FakeFigures.AllSections();
        sections.Add(new FakeSection(5, "Neural fields, extra", ("5.7", FakeKind.Identity)) { UnwrittenFigure = "never-written.png" });
        var report = ReportRunner.Run(new ReportOptions(ReportProfile.Test, 0, dir.File("out")), sections);
        int figures = report.Sections.Sum(s => s.Figures.Count(f => f.Available));

        // Both Chromiums at once (each only reads the page): 1.9 s against 2.2–2.7 s one after the other (measured at load 5).
        var dump = Task.Run(() => HeadlessChromium.DumpDom(report.IndexPath));
        string png = dir.File("page.png");
        HeadlessChromium.Screenshot(report.IndexPath, png, 1280, 2000);
        string dom = dump.GetAwaiter().GetResult();
        Assert.Equal(figures.ToString(), HeadlessChromium.BodyAttribute(dom, "data-images"));
        Assert.Equal("0", HeadlessChromium.BodyAttribute(dom, "data-broken-images"));

        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(1280, bitmap.Width);
        Assert.True(HeadlessChromium.LuminanceVariance(bitmap) > 100, "the screenshot is (nearly) blank");
        // The claims table is at the top: its badges are drawn in the three verdict colours.
        Assert.True(HeadlessChromium.CountNear(bitmap, new SKColor(0x1a, 0x7f, 0x37)) > 200, "no 'holds' green on the page");
        Assert.True(HeadlessChromium.CountNear(bitmap, new SKColor(0x9a, 0x67, 0x00)) > 200, "no 'holds under a condition' amber on the page");
        Assert.True(HeadlessChromium.CountNear(bitmap, new SKColor(0xcf, 0x22, 0x2e)) > 200, "no 'does not hold' red on the page");
    }

    [ChromiumFact]
    public void The_image_check_sees_a_broken_image_when_there_is_one()
    {
        // The oracle's own control: corrupt one embedded PNG and the count must say so.
        using var dir = new TempDir();
        var report = ReportRunner.Run(new ReportOptions(ReportProfile.Test, 0, dir.File("out")), [new FakeSection(4, "Residual", ("4", FakeKind.Identity))]);
        string html = File.ReadAllText(report.IndexPath);
        int at = html.IndexOf("data:image/png;base64,", StringComparison.Ordinal) + "data:image/png;base64,".Length;
        File.WriteAllText(report.IndexPath, html[..at] + "AAAA" + html[(at + 4)..]);

        string dom = HeadlessChromium.DumpDom(report.IndexPath);
        Assert.Equal("1", HeadlessChromium.BodyAttribute(dom, "data-images"));
        Assert.Equal("1", HeadlessChromium.BodyAttribute(dom, "data-broken-images"));
    }
}
