using NeuralLab.Attention;
using NeuralLab.Common;
using NeuralLab.Tests.Common;
using TorchSharp;

namespace NeuralLab.Tests.Attention;

[Trait("Speed", "Slow")]
public class AttentionReportSectionTests
{
    static readonly AttentionCheckSizes Sizes = AttentionCheckSizes.For(ReportProfile.Test);

    [Fact]
    public void TestProfileComputesEveryClaimAndWritesItsFigures()
    {
        using var dir = new TempDir();
        var result = ClaimCheckHarness.AssertVerdicts(new AttentionReportSection(), dir, ("3.1", Verdict.HoldsUnderCondition),
            ("3.2", Verdict.HoldsUnderCondition), ("3.3", Verdict.Holds), ("3.4", Verdict.HoldsUnderCondition), ("3.5", Verdict.HoldsWithErrorInWorking));
        Assert.Equal(3, new AttentionReportSection().Number);
        Assert.Equal(4, result.Figures.Count);
        foreach (var figure in result.Figures)
            Assert.True(new FileInfo(Path.Combine(dir.Path, figure.FileName)).Length > 1000, figure.FileName);
    }

    public static TheoryData<string> Ids => new(["3.1", "3.2", "3.3", "3.4", "3.5"]);

    static ClaimCheck CheckOf(string id)
    {
        var c = AttentionChecks.Checks(Sizes);
        return id switch { "3.1" => c.Saturation, "3.2" => c.Copying, "3.3" => c.Averaging, "3.4" => c.Rbf, _ => c.LowRank };
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void BreakingAClaimsComputationFlipsThatClaimAlone(string id) =>
        LibtorchThreads.WithOne(() => ClaimCheckHarness.AssertFlipsAlone(CheckOf(id)));

    [Fact]
    public void TheChecksUseTheSolutionsOwnQueriesAndSoftmax()
    {
        // 3.3 at the solution's q = 100d·(k₁ + k₂): ½ each by a stable softmax, NaN from d = 8 when exp(100d) is typed literally in float64.
        torch.random.manual_seed(0);
        var averaging = AveragingCheck.Run([4, 16]);
        Assert.All(averaging.Solution, s => Assert.Equal(0.5, s.Alpha1, 15));
        Assert.Equal(8, AveragingResult.FirstNaiveFailure(AveragingResult.NaiveFloat64));
        Assert.Equal(1, AveragingResult.FirstNaiveFailure(AveragingResult.NaiveFloat32));
        // 3.2: q = kᵢ itself gives αᵢ = e/(e + n − 1).
        var copying = CopyingCheck.Run(8, 16);
        Assert.Equal(Math.E / (Math.E + 7), copying.TopWeight[1], 14);
        // 3.4 compares the plain softmax(Kq) the solution uses: equal to the RBF weights at σ = 1 only.
        var rbf = RbfKernelCheck.Run(16, 8, [0.5, 1, 2]);
        Assert.True(rbf.PlainUnitNorm[1] < 1e-12);
        Assert.True(rbf.PlainUnitNorm[0] > 1e-3 && rbf.PlainUnitNorm[2] > 1e-3);
        // The step of (3): zᵢ = exp(−(‖q‖² + 1)/(2σ))·yᵢ is exact at σ = 1 only.
        Assert.True(rbf.StepRelativeError[1] < 1e-12 && rbf.StepRelativeError[0] > 1e-3);
    }
}
