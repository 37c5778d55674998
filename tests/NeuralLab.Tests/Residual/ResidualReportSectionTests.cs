using NeuralLab.Common;
using NeuralLab.Residual;
using NeuralLab.Tests.Common;

namespace NeuralLab.Tests.Residual;

[Trait("Speed", "Slow")]
public class ResidualReportSectionTests
{
    [Fact]
    public void TheSectionChecksClaimFourAndReportsTheAccuracyAsAReproduction()
    {
        using var dir = new TempDir();
        // Right conclusion, wrong word: BatchNorm subtracts the mean, not the median.
        var result = ClaimCheckHarness.AssertVerdicts(new ResidualReportSection(), dir, ("4", Verdict.HoldsWithErrorInWorking));
        var bias = result.Claims[0];
        Assert.Contains("mean", bias.Correction);
        Assert.Contains("median", bias.Correction);
        Assert.True((double)bias.Evidence["max_output_difference"]! < BiasCheckOptions.Tolerance);
        Assert.True((double)bias.Evidence["median_residual"]! > (double)bias.Evidence["mean_residual"]!);
        var accuracy = Assert.Single(result.Reproductions);
        Assert.Equal("4.accuracy", accuracy.Id);
        Assert.True(accuracy.Evidence.ContainsKey("test_accuracy_c64"));
        foreach (var figure in result.Figures)
        {
            Assert.True(new FileInfo(Path.Combine(dir.Path, figure.FileName)).Length > 1000, figure.FileName);
            Assert.Contains("seed 0", result.Figures[0].Caption);
        }
        Assert.Contains("50 iterations", result.Figures[0].Caption);
        Assert.Contains("| 64 |", result.Markdown);
    }

    [Fact]
    public void BreakingClaimFourFlipsItAlone()
    {
        var (train, test) = DigitsReader.LoadEmbedded().SplitInHalf(0);
        var check = new BiasBeforeNormClaim(train, test, new BiasCheckOptions { Channels = 4, Steps = 10, BatchSize = 32 });
        var (normal, broken) = ClaimCheckHarness.AssertFlipsAlone(check);
        Assert.Equal("bias before BatchNorm", normal.Evidence["placement"]);
        Assert.Equal(Verdict.DoesNotHold, broken.Verdict);
        Assert.True((double)broken.Evidence["max_output_difference"]! > 1e-3);
    }
}
