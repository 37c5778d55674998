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
        Image = plan.LoadImage();
        Fits = NeuralFieldsReportSection.FitAll(plan, Image, null, _dir.Path);
    }

    internal FieldImage Image { get; }

    internal NeuralFieldsReportSection.Fits Fits { get; }

    internal IReadOnlyList<Claim> Judge(NeuralFieldsReportSection.Fits fits, params string[] broken)
    {
        var context = new ReportContext(ReportProfile.Test, 0, _dir.Path, BrokenClaims: broken.ToHashSet());
        return [.. NeuralFieldsReportSection.Checks(fits).Select(c => c.Run(context))];
    }

    /// <summary>
    /// The Test profile's fits with stand-ins where its tiny runs do not show the recipe's behaviour, so that every
    /// check starts from a verdict its fault injection can flip: 5.1 and 5.2 get a blurred copy of the image as their
    /// fit (the 32² ReLU and Tanh runs miss the blur or the PSNR band), and 5.6 gets a stalled output (the image's mean
    /// plus faint noise) because a 2 × 64 sine network with default weights fits a 32² crop easily.
    /// Each stand-in keeps the real fit's derivatives where the check reads them (the ReLU Laplacian stays exactly 0).
    /// </summary>
    internal NeuralFieldsReportSection.Fits WithStandIns()
    {
        var t = Fits.Trials;
        var image = Fits.Reference;
        var blurred = BoxBlur(image.Values, image.Height, image.Width, 2);
        var rng = new Random(3);
        double mean = image.Values.Average();
        var stalledValues = image.Values.Select(_ => mean + 0.01 * (rng.NextDouble() - 0.5)).ToArray();
        double[] Noise() => [.. image.Values.Select(_ => rng.NextDouble() - 0.5)];
        var stalled = t["sine-default-init"] with
        {
            Maps = t["sine-default-init"].Maps with { Values = stalledValues, GradientX = Noise(), GradientY = Noise() },
            Curve = [new FitEvaluation(0, 0, FieldTrainer.Psnr(image.Variance), image.Variance, 1e-4), new FitEvaluation(t["sine-default-init"].Metrics.Steps, 1, FieldTrainer.Psnr(image.Variance), image.Variance, 1e-4)],
        };
        var trials = new Dictionary<string, FieldTrial>(t)
        {
            ["relu"] = t["relu"] with { Maps = t["relu"].Maps with { Values = blurred } },
            ["tanh"] = t["tanh"] with { Maps = t["tanh"].Maps with { Values = blurred } },
            ["sine-default-init"] = stalled,
        };
        return Fits with { Trials = trials };
    }

    /// <summary>A (2r + 1)² box filter with clamped edges.</summary>
    static double[] BoxBlur(double[] values, int height, int width, int r)
    {
        var result = new double[values.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++)
                        sum += values[Math.Clamp(y + dy, 0, height - 1) * width + Math.Clamp(x + dx, 0, width - 1)];
                result[y * width + x] = sum / ((2 * r + 1) * (2 * r + 1));
            }
        return result;
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
    public void TheQuickProfileRunsTheSineRecipeWholeAndKeepsEachRecipesLearningRateAndBatch()
    {
        var quick = FieldSectionPlan.For(ReportProfile.Quick);
        var full = FieldSectionPlan.For(ReportProfile.Full);
        Assert.Equal(256, quick.ImageSize);
        // 5.3 judges the recipe's outcome: its run is the recipe itself.
        Assert.Equal(full.Sine, quick.Sine);
        Assert.Equal("sine", full.SineConstantName);
        Assert.Equal("sine-constant", quick.SineConstantName);
        var fullRuns = full.Runs.ToDictionary(r => r.Name, r => r.Config);
        foreach (var (name, config) in quick.Runs)
        {
            var reference = fullRuns[name == "sine-constant" ? "sine" : name];
            Assert.Equal(reference with { Epochs = config.Epochs }, config);
            if (name != "sine") Assert.True(config.Epochs < reference.Epochs, name);
        }
        Assert.Equal(quick.SineConstant with { Epochs = 2 * quick.SineConstant.Epochs }, quick.SineLonger);
        Assert.Contains($"ReLU {quick.Relu.Epochs} of 300 epochs", quick.Describe());
        Assert.Contains($"sine {quick.Sine.Epochs} of 200", quick.Describe());
    }

    [Fact]
    public void EachClaimsTargetIsTheWrittenSolutions()
    {
        var checks = NeuralFieldsReportSection.Checks(fits.Fits);
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
        var standIns = fits.WithStandIns();
        var honest = fits.Judge(standIns);
        var broken = fits.Judge(standIns, id);
        for (int i = 0; i < honest.Count; i++)
        {
            if (honest[i].Id == id) Assert.NotEqual(honest[i].Verdict, broken[i].Verdict);
            else Assert.Equal(honest[i].Verdict, broken[i].Verdict);
        }
        Assert.Contains(honest, c => c.Id == id);
    }

    [Fact]
    public void TheStandInsStartFromTheVerdictsTheirInjectionsFlip()
    {
        var honest = fits.Judge(fits.WithStandIns());
        Assert.Equal(Verdict.Holds, honest[0].Verdict);                   // a blurred fit with an exactly-zero Laplacian
        Assert.Equal(Verdict.Holds, honest[1].Verdict);                   // a blurred fit with a smooth Laplacian
        Assert.Equal(Verdict.HoldsWithErrorInWorking, honest[5].Verdict); // stalled, but at the crop's variance, not 0.32
        Assert.Contains("not stuck at 0.32", honest[5].Correction);
        // Without stand-ins the real Test-profile fits are judged too (5.3–5.5 use them in the flip test).
        Assert.Equal(6, fits.Judge(fits.Fits).Count);
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
        // From the fixture's fits: the plan and seed the section's public Run would fit (that Run itself, fits and all, is in
        // the end-to-end report of the slow set).
        using var dir = new TempDir();
        var result = new NeuralFieldsReportSection().Run(new ReportContext(ReportProfile.Test, 0, dir.Path), fits.Fits, fits.Image, System.Diagnostics.Stopwatch.StartNew());
        Assert.Equal(["5.1", "5.2", "5.3", "5.4", "5.5", "5.6"], result.Claims.Select(c => c.Id));
        Assert.All(result.Claims, c => Assert.False(string.IsNullOrWhiteSpace(c.Summary)));
        Assert.All(result.Claims, c => Assert.False(string.IsNullOrWhiteSpace(c.Criterion)));
        Assert.All(result.Figures, f => Assert.True(new FileInfo(Path.Combine(dir.Path, f.FileName)).Length > 1000, f.FileName));
        Assert.Equal([2, 3, 4, 5], result.Figures.Where(f => f.HomeworkFigure != null).Select(f => f.HomeworkFigure!.Value));
        Assert.Contains("missing", result.Markdown);
        Assert.Contains("ω0 = 30", result.Markdown);
        Assert.Contains("Adam", result.Markdown);
        Assert.Equal(6, result.Reproductions.Count(r => r.Id.StartsWith("5.fit.")));
        // The comparison beyond the homework: one reproduction per field, its figure, its table in the prose.
        Assert.Equal(["5.compare.relu", "5.compare.tanh", "5.compare.siren", "5.compare.fourier", "5.compare.grid"],
            result.Reproductions.Where(r => r.Id.StartsWith("5.compare.")).Select(r => r.Id));
        Assert.All(result.Reproductions.Where(r => r.Id.StartsWith("5.compare.")), r =>
        {
            Assert.Equal("fields-comparison.png", r.Figure);
            Assert.InRange((double)r.Evidence["psnr_db"]!, 5, 100);
            Assert.InRange((double)r.Evidence["laplacian_correlation"]!, -1, 1);
        });
        Assert.Contains(result.Figures, f => f.FileName == "fields-comparison.png");
        Assert.Contains("| grid |", result.Markdown);
    }
}
