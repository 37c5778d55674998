using NeuralLab.Attention;
using NeuralLab.Common;

namespace NeuralLab.Tests.Attention;

[Trait("Speed", "Slow")]
public class AttentionReportSectionTests
{
    static SectionResult RunSection(TempDir dir, params string[] broken) =>
        new AttentionReportSection().Run(new ReportContext(ReportProfile.Test, 0, dir.Path, BrokenClaims: broken.ToHashSet()));

    [Fact]
    public void TestProfileComputesEveryClaimAndWritesItsFigures()
    {
        using var dir = new TempDir();
        var result = RunSection(dir);
        Assert.Equal(3, new AttentionReportSection().Number);
        Assert.Equal(["3.1", "3.2", "3.3", "3.4", "3.5"], result.Claims.Select(c => c.Id));
        var verdicts = result.Claims.ToDictionary(c => c.Id, c => c.Verdict);
        Assert.Equal(Verdict.Holds, verdicts["3.1"]);
        Assert.Equal(Verdict.Holds, verdicts["3.2"]);
        Assert.Equal(Verdict.Holds, verdicts["3.3"]);
        Assert.Equal(Verdict.HoldsUnderCondition, verdicts["3.4"]);
        Assert.Equal(Verdict.HoldsUnderCondition, verdicts["3.5"]);
        Assert.All(result.Claims.Where(c => c.Verdict != Verdict.Holds), c => Assert.False(string.IsNullOrEmpty(c.Correction)));
        Assert.Equal(4, result.Figures.Count);
        foreach (var figure in result.Figures)
            Assert.True(new FileInfo(Path.Combine(dir.Path, figure.FileName)).Length > 1000, figure.FileName);
    }

    [Fact]
    public void BrokenComputationsFlipEveryVerdict()
    {
        using var dir = new TempDir();
        var result = RunSection(dir, "3.1", "3.2", "3.3", "3.4", "3.5");
        Assert.All(result.Claims, c => Assert.Equal(Verdict.DoesNotHold, c.Verdict));
        Assert.All(result.Claims, c => Assert.False(string.IsNullOrEmpty(c.Correction)));
    }
}
