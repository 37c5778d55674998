using NeuralLab.Common;
using NeuralLab.Residual;

namespace NeuralLab.Tests.Residual;

[Trait("Speed", "Slow")]
public class ResidualReportSectionTests
{
    static SectionResult Run(TempDir dir, params string[] broken) =>
        new ResidualReportSection().Run(new ReportContext(ReportProfile.Test, 0, dir.Path, BrokenClaims: broken.ToHashSet()));

    [Fact]
    public void TheSectionChecksClaimFourWritesItsFiguresAndABrokenComputationFlipsTheVerdict()
    {
        using var dir = new TempDir();
        var result = Run(dir);
        Assert.Equal(new[] { "4", "4.1" }, result.Claims.Select(c => c.Id));
        var bias = result.Claims[0];
        Assert.Equal(Verdict.Holds, bias.Verdict);
        Assert.Contains("mean", bias.Correction);
        Assert.Contains("median", bias.Correction);
        Assert.True((double)bias.Evidence["max_output_difference"]! < BiasCheckOptions.Tolerance);
        foreach (var figure in result.Figures)
        {
            Assert.True(new FileInfo(Path.Combine(dir.Path, figure.FileName)).Length > 1000, figure.FileName);
            Assert.Contains("seed 0", result.Figures[0].Caption);
        }
        Assert.Contains("50 iterations", result.Figures[0].Caption);
        Assert.Contains("| 64 |", result.Markdown);

        using var brokenDir = new TempDir();
        var broken = Run(brokenDir, "4", "4.1");
        Assert.Equal(Verdict.DoesNotHold, broken.Claims[0].Verdict);
        Assert.True((double)broken.Claims[0].Evidence["max_output_difference"]! > 1e-3);
        // Labels shifted by one class: the wide network learns the wrong digits.
        Assert.Equal(Verdict.DoesNotHold, broken.Claims[1].Verdict);
        Assert.True((double)broken.Claims[1].Evidence["test_accuracy_c64"]! < 0.1);
    }
}
