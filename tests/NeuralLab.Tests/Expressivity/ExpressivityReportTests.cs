using NeuralLab.Common;
using NeuralLab.Expressivity;

namespace NeuralLab.Tests.Expressivity;

[Trait("Speed", "Slow")]
public class ExpressivityReportTests
{
    static readonly string[] Ids = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

    static SectionResult Run(TempDir dir, IReadOnlySet<string>? broken = null) =>
        new ExpressivityReportSection().Run(new ReportContext(ReportProfile.Test, 0, dir.Path, BrokenClaims: broken));

    [Fact]
    public void TestProfileChecksEveryClaimWithFigures()
    {
        using var dir = new TempDir();
        var result = Run(dir);
        Assert.Equal(Ids, result.Claims.Select(c => c.Id));
        var verdicts = result.Claims.ToDictionary(c => c.Id, c => c.Verdict);
        Assert.Equal(Verdict.HoldsUnderCondition, verdicts["1.3"]);
        Assert.Equal(Verdict.Holds, verdicts["1.4"]);
        Assert.Equal(Verdict.Holds, verdicts["1.5"]);
        Assert.Equal(Verdict.Holds, verdicts["1.6"]);
        Assert.Equal(Verdict.Holds, verdicts["1.7"]);
        // The weights as stated (w1 = [1, −1]) compute x, not |x|.
        Assert.Equal(Verdict.DoesNotHold, verdicts["1.1"]);
        Assert.Equal(Verdict.DoesNotHold, verdicts["1.2"]);
        foreach (var claim in result.Claims)
        {
            Assert.NotEmpty(claim.Evidence);
            Assert.Equal(claim.Verdict != Verdict.Holds, claim.Correction != null);
            Assert.True(claim.Figure == null || File.Exists(Path.Combine(dir.Path, claim.Figure)), claim.Figure);
        }
        Assert.Equal(4, result.Figures.Count);
        foreach (var figure in result.Figures)
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir.Path, figure.FileName));
            Assert.True(bytes.Length > 10_000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', figure.FileName);
            Assert.NotEmpty(figure.Caption);
        }
    }

    [Fact]
    public void BreakingEachComputationFlipsItsVerdict()
    {
        using var normalDir = new TempDir();
        using var brokenDir = new TempDir();
        var normal = Run(normalDir).Claims.ToDictionary(c => c.Id, c => c.Verdict);
        var broken = Run(brokenDir, Ids.ToHashSet()).Claims.ToDictionary(c => c.Id, c => c.Verdict);
        foreach (string id in Ids) Assert.True(normal[id] != broken[id], $"{id}: {normal[id]} both times");
        Assert.Equal(Verdict.DoesNotHold, broken["1.3"]);
        Assert.Equal(Verdict.DoesNotHold, broken["1.7"]);
    }
}
