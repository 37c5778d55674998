using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Claims;

namespace NeuralLab.Tests.NeuralFields;

/// <summary>The section's fits at the Test profile, computed once for the class.</summary>
public sealed class TestProfileFits : IDisposable
{
    readonly TempDir _dir = new();

    public TestProfileFits()
    {
        var plan = FieldSectionPlan.For(ReportProfile.Test);
        Fits = NeuralFieldsReportSection.FitAll(plan, plan.LoadImage(), null, _dir.Path);
    }

    internal NeuralFieldsReportSection.Fits Fits { get; }

    internal IReadOnlyList<Claim> Judge(params string[] broken)
    {
        var context = new ReportContext(ReportProfile.Test, 0, _dir.Path, BrokenClaims: broken.ToHashSet());
        return [.. NeuralFieldsReportSection.Checks(Fits).Select(c => c.Run(context))];
    }

    public void Dispose() => _dir.Dispose();
}

public class NeuralFieldsReportTests(TestProfileFits fits) : IClassFixture<TestProfileFits>
{
    const int Pixels = 256 * 256;

    [Fact]
    public void TheFullProfileRunsExactlyTheSolutionsRecipesOnThe256PixelCameraman()
    {
        var plan = FieldSectionPlan.For(ReportProfile.Full);
        Assert.Equal(256, plan.ImageSize);
        Assert.False(plan.Crop);
        // 65,536 pixels: 1024 steps of 64, 656 of 100 (the last one 36 pixels), 32 of 2048.
        foreach (var (config, steps, batch, lr, epochs) in new[]
                 {
                     (plan.Relu, 307_200L, 64, 1e-3, 300), (plan.Tanh, 196_800L, 100, 1e-3, 300), (plan.Sine, 6_400L, 2048, 1e-4, 200),
                     (plan.SineDefaultInit, 6_400L, 2048, 1e-4, 200), (plan.SineDecayed, 6_400L, 2048, 1e-4, 200), (plan.SineLonger, 12_800L, 2048, 1e-4, 400),
                 })
        {
            Assert.Equal(steps, config.PlannedSteps(Pixels));
            Assert.Equal(batch, config.BatchFor(Pixels));
            Assert.Equal(lr, config.LearningRate);
            Assert.Equal(epochs, config.Epochs);
            Assert.Null(config.Steps);
            Assert.Null(config.TargetPsnr);
            Assert.Equal(new FieldArchitecture(config.Architecture.Activation, 256, 3, 1, 30.0, config.Architecture.Init), config.Architecture);
        }
        Assert.Equal([FieldActivation.Relu, FieldActivation.Tanh, FieldActivation.Sine], new[] { plan.Relu, plan.Tanh, plan.Sine }.Select(c => c.Architecture.Activation));
        Assert.All(new[] { plan.Relu, plan.Tanh, plan.Sine, plan.SineDefaultInit, plan.SineLonger }, c => Assert.Equal(LearningRateSchedule.Constant, c.Schedule));
        Assert.Equal(LearningRateSchedule.Cosine, plan.SineDecayed.Schedule);
        Assert.Equal(FieldInit.Siren, plan.Sine.Architecture.Init);
        Assert.Equal(FieldInit.Default, plan.SineDefaultInit.Architecture.Init);
        Assert.Equal(plan.Sine with { Architecture = plan.Sine.Architecture with { Init = FieldInit.Default } }, plan.SineDefaultInit);
    }

    [Fact]
    public void TheQuickProfileKeepsEachRecipesLearningRateAndBatchForFewerEpochs()
    {
        var quick = FieldSectionPlan.For(ReportProfile.Quick);
        var full = FieldSectionPlan.For(ReportProfile.Full);
        Assert.Equal(256, quick.ImageSize);
        foreach (var (q, f) in quick.Runs.Zip(full.Runs))
        {
            Assert.Equal(f.Name, q.Name);
            Assert.Equal(f.Config with { Epochs = q.Config.Epochs }, q.Config);
            Assert.True(q.Config.Epochs < f.Config.Epochs);
        }
        Assert.Contains($"ReLU {quick.Relu.Epochs} of 300 epochs", quick.Describe());
        Assert.Contains($"sine {quick.Sine.Epochs} of 200", quick.Describe());
    }

    [Fact]
    public void EachClaimsTargetIsTheWrittenSolutions()
    {
        var f = fits.Fits;
        var checks = NeuralFieldsReportSection.Checks(f);
        Assert.Equal(["5.1", "5.2", "5.3", "5.4", "5.5", "5.6"], checks.Select(c => c.Id));
        Assert.Equal((300, 1e-3, 64), ((RecipeCheck)checks[0]).Target);
        Assert.Equal((300, 1e-3, 100), ((RecipeCheck)checks[1]).Target);
        Assert.Equal((200, 1e-4, 2048), ((RecipeCheck)checks[2]).Target);
        Assert.Equal(0.32, DefaultInitCheck.StatedPlateau);
        // 0.32 on [−1, 1] pixels is 10.97 dB.
        Assert.Equal(10.97, FieldTrainer.Psnr(DefaultInitCheck.StatedPlateau), 2);
        Assert.Contains("0.001", checks[0].Statement);
        Assert.Contains("2048", checks[2].Statement);
        Assert.All(checks, c => Assert.False(string.IsNullOrWhiteSpace(c.Criterion)));
    }

    [Theory]
    [InlineData("5.1")]
    [InlineData("5.2")]
    [InlineData("5.3")]
    [InlineData("5.4")]
    [InlineData("5.5")]
    [InlineData("5.6")]
    public void BreakingAClaimsComputationFlipsThatClaimAndNoOther(string id)
    {
        var honest = fits.Judge();
        var broken = fits.Judge(id);
        for (int i = 0; i < honest.Count; i++)
        {
            if (honest[i].Id == id) Assert.NotEqual(honest[i].Verdict, broken[i].Verdict);
            else Assert.Equal(honest[i].Verdict, broken[i].Verdict);
        }
        Assert.Contains(honest, c => c.Id == id);
    }

    [Fact]
    public void TheReluFieldsAutogradLaplacianIsExactlyZeroAndItsKinksCrossTheImage()
    {
        var relu = fits.Fits.Trials["relu"];
        Assert.Equal(1.0, FieldStatistics.ExactZeroFraction(relu.Maps.Laplacian));
        var census = ReluKinks.Census(relu.ReluLayers!, 1.0);
        Assert.Equal(64, census.FirstLayerUnits);
        Assert.InRange(census.FirstLayerLinesCrossing, 1, 64);
        Assert.True(census.KinksOnCentralRow > 0);
        // A smooth field's Laplacian is not zero anywhere in practice.
        Assert.True(FieldStatistics.ExactZeroFraction(fits.Fits.Trials["tanh"].Maps.Laplacian) < 0.01);
    }

    [Fact]
    public void KinkCensusMatchesAHandBuiltNetwork()
    {
        // Two first-layer units: z1 = x − 0.5 (a vertical line at x = 0.5, inside), z2 = y + 3 (outside [−1, 1]²).
        var first = new LayerWeights(2, 2, [1, 0, 0, 1], [-0.5, 3]);
        var census = ReluKinks.Census([first], 1.0, rowSamples: 2001);
        Assert.Equal(1, census.FirstLayerLinesCrossing);
        Assert.Equal(1, census.KinksOnCentralRow);
        Assert.Equal(0.5, census.OriginDistanceToNearestKink, 12);
    }

    [Fact]
    public void SpectralMeasuresSeparateWhiteNoiseFromTheImage()
    {
        var rng = new Random(1);
        var noise = Enumerable.Range(0, 64 * 64).Select(_ => rng.NextDouble() - 0.5).ToArray();
        // White noise: 1 − π/16 of its energy lies beyond half the Nyquist radius.
        Assert.Equal(1 - Math.PI / 16, FieldStatistics.HighFrequencyFraction(noise, 64, 64), 1);
        var image = ImageReference.Of(FieldImage.Load(null, size: 64));
        Assert.True(FieldStatistics.HighFrequencyFraction(image.Values, 64, 64) < 0.2);
        Assert.Equal(0, FieldStatistics.HighFrequencyFraction(Enumerable.Repeat(0.3, 64 * 64).ToArray(), 64, 64));
        Assert.Equal(1.0, FieldStatistics.Correlation(image.Values, image.Values.Select(v => 2 * v + 1).ToArray()), 12);
        // The 256² cameraman's variance on [−1, 1] (a constant output's MSE) is the grading notes' 0.328.
        Assert.Equal(0.328, ImageReference.Of(FieldImage.Load(null, size: 256)).Variance, 3);
    }

    [Fact]
    public void TheSectionWritesItsFiguresAndStatesWhatItRan()
    {
        using var dir = new TempDir();
        var result = new NeuralFieldsReportSection().Run(new ReportContext(ReportProfile.Test, 0, dir.Path));
        Assert.Equal(["5.1", "5.2", "5.3", "5.4", "5.5", "5.6"], result.Claims.Select(c => c.Id));
        Assert.All(result.Claims, c => Assert.False(string.IsNullOrWhiteSpace(c.Summary)));
        Assert.All(result.Claims, c => Assert.False(string.IsNullOrWhiteSpace(c.Criterion)));
        Assert.All(result.Figures, f => Assert.True(new FileInfo(Path.Combine(dir.Path, f.FileName)).Length > 1000, f.FileName));
        Assert.Equal([2, 3, 4, 5], result.Figures.Where(f => f.HomeworkFigure != null).Select(f => f.HomeworkFigure!.Value));
        Assert.Contains("missing", result.Markdown);
        Assert.Contains("ω0 = 30", result.Markdown);
        Assert.Contains("Adam", result.Markdown);
        Assert.Equal(6, result.Reproductions.Count);
    }
}
