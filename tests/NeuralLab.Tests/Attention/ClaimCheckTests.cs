using NeuralLab.Attention;
using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Attention;

public class ClaimCheckTests
{
    static readonly AttentionCheckSizes Sizes = AttentionCheckSizes.For(ReportProfile.Test);

    [Fact]
    public void SaturationGapsMatchTheRoundingAnalysisForTwoKeys()
    {
        random.manual_seed(0);
        var r = SaturationCheck.Run(2);
        // 1 + e^{−g} rounds to 1 once e^{−g} ≤ 2^{−p}: g = 24 ln 2 (float32), 53 ln 2 (float64);
        // e^{−g} underflows to 0 below half the smallest subnormal, 2^{−150} / 2^{−1075}.
        Assert.Equal(24 * Math.Log(2), r.Float32GapAlphaIsOne, 1e-3);
        Assert.Equal(53 * Math.Log(2), r.Float64GapAlphaIsOne, 1e-3);
        Assert.Equal(SaturationResult.PredictedGapAlphaIsOne(2, 53), r.Float64GapAlphaIsOne, 1e-3);
        Assert.Equal(SaturationResult.PredictedGapUnderflow(150), r.Float32GapOthersAreZero, 1e-3);
        Assert.Equal(SaturationResult.PredictedGapUnderflow(1075), r.Float64GapOthersAreZero, 1e-3);
        Assert.True(r.MinAlpha > 0 && r.MaxAlpha < 1 && r.MaxSumError < 1e-14);
        // "Could be zero" only by underflow: the others stay > 0 for every finite gap checked.
        Assert.Equal(Verdict.HoldsUnderCondition, new SaturationClaim(Sizes).Judge(r).Verdict);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(53)]
    public void SaturationGapForManyKeysLiesBetweenTheLaneWiseAndTheExactSumRounding(int significandBits)
    {
        const int keys = 100;
        var r = SaturationCheck.Run(keys);
        double measured = significandBits == 24 ? r.Float32GapAlphaIsOne : r.Float64GapAlphaIsOne;
        Assert.InRange(measured, significandBits * Math.Log(2) - 1e-3, SaturationResult.PredictedGapAlphaIsOne(keys, significandBits) + 1e-3);
    }

    [Fact]
    public void Float32TopWeightIsBelowOneJustBeforeTheGapAndExactlyOneJustAfter()
    {
        var before = SaturationCheck.WeightsOfScores(SaturationCheck.GapScores(2, 16.5, ScalarType.Float32), broken: false);
        var after = SaturationCheck.WeightsOfScores(SaturationCheck.GapScores(2, 16.8, ScalarType.Float32), broken: false);
        Assert.True(before[0].item<float>() < 1f);
        Assert.Equal(1f, after[0].item<float>());
        Assert.True(after[1].item<float>() > 0f); // the other weight is tiny but not yet zero
    }

    [Fact]
    public void CopyingErrorFollowsItsClosedFormUnderTheBound()
    {
        random.manual_seed(0);
        var r = CopyingCheck.Run(keys: 6, dimension: 10, target: 2);
        for (int i = 0; i < r.Scales.Count; i++)
            Assert.True(r.Error[i] <= r.Bound[i] + 1e-14 * r.ValueScale, $"s = {r.Scales[i]}");
        Assert.True(r.MaxClosedFormRelativeError < 1e-9);
        Assert.True(r.Error[^1] < 1e-10 * r.ValueScale);
        // q = kᵢ (s = 1): αᵢ = e/(e + n − 1), so c is not vᵢ yet; c → vᵢ only as s grows.
        Assert.Equal(Math.E / (Math.E + 5), r.TopWeight[1], 1e-14);
        Assert.Equal(Verdict.HoldsUnderCondition, new CopyingClaim(Sizes).Judge(r).Verdict);
    }

    [Fact]
    public void AveragingWeightsAreOneOverTwoPlusNMinusTwoTimesExpMinusS()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(0);
        const int n = 12;
        var k = AttentionInputs.OrthonormalKeys(n, n); // (n, d)
        foreach (double s in new[] { 0.0, 1.0, 3.0, 10.0 })
        {
            var alpha = SoftmaxAttention.Weights(k, k[0].add(k[1]).mul(s)); // (n)
            double w = 1 / (2 + (n - 2) * Math.Exp(-s));
            Assert.Equal(w, alpha[0].item<double>(), 1e-14);
            Assert.Equal(w, alpha[1].item<double>(), 1e-14);
            Assert.Equal(Math.Exp(-s) * w, alpha[5].item<double>(), 1e-14);
        }
        var r = AveragingCheck.Run([4, 32]);
        Assert.All(r.Curves, c => Assert.True(c.MaxClosedFormRelativeError < 1e-9));
        Assert.True(r.Curves[1].ScaleForError(r.Scales) > r.Curves[0].ScaleForError(r.Scales), "larger d needs larger s");
        Assert.Equal(Verdict.Holds, new AveragingClaim(Sizes).Judge(r).Verdict);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void RbfWeightsEqualSoftmaxForUnitKeysAndDifferForUnequalNorms(double sigma)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var directions = randn(20, 6, dtype: ScalarType.Float64); // (n, d)
        var unit = directions.div(directions.norm(dim: 1, keepdim: true)); // (n, d)
        var q = randn(6, dtype: ScalarType.Float64); // (d)
        var softmax = SoftmaxAttention.Weights(unit, q, sigma); // (n)
        var rbf = RbfKernelCheck.RbfWeights(unit, q.unsqueeze(0), sigma)[0]; // (n)
        Assert.True(softmax.sub(rbf).abs().max().item<double>() < 1e-14);

        var unequal = unit.mul(linspace(0.5, 2, 20, dtype: ScalarType.Float64).unsqueeze(1)); // (n, d)
        var apart = SoftmaxAttention.Weights(unequal, q, sigma).sub(RbfKernelCheck.RbfWeights(unequal, q.unsqueeze(0), sigma)[0]);
        Assert.True(apart.abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void RbfClaimHoldsOnlyForSigmaOneAndFlipsWhenBroken()
    {
        var check = new RbfKernelClaim(Sizes);
        random.manual_seed(0);
        var r = RbfKernelCheck.Run(16, 8, [0.5, 1, 2]);
        var claim = check.Judge(r);
        Assert.Equal(Verdict.HoldsUnderCondition, claim.Verdict);
        Assert.Contains("σ = 1", claim.Correction);
        // softmax(Kq) is the RBF form at σ = 1 only; softmax(Kq/σ) at every σ.
        Assert.True(r.PlainUnitNorm[1] < 1e-12 && r.PlainUnitNorm[0] > 1e-3 && r.PlainUnitNorm[2] > 1e-3);
        Assert.True(r.UnitNorm.Max() < 1e-12);
        random.manual_seed(0);
        Assert.Equal(Verdict.DoesNotHold, check.Judge(RbfKernelCheck.Run(16, 8, [0.5, 1, 2], broken: true)).Verdict);
    }
}
