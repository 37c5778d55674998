using NeuralLab.Common;
using NeuralLab.Recurrence;
using SkiaSharp;

namespace NeuralLab.Tests.Recurrence;

[Trait("Speed", "Slow")]
public class RecurrenceReportSectionTests
{
    static SectionResult Run(TempDir dir, params string[] broken) =>
        new RecurrenceReportSection().Run(new ReportContext(ReportProfile.Test, 0, dir.Path, BrokenClaims: broken.ToHashSet()));

    [Fact]
    public void TestProfileChecksEveryClaimAndDrawsItsFigures()
    {
        using var dir = new TempDir();
        var result = Run(dir);
        Assert.Equal(["2.2", "2.3", "2.4", "2.5"], result.Claims.Select(c => c.Id));
        var byId = result.Claims.ToDictionary(c => c.Id);
        Assert.Equal(Verdict.Holds, byId["2.2"].Verdict);
        Assert.Equal("w·x₃ + w²·x₂ + w³·x₁", byId["2.2"].Evidence["h3_expanded"]);
        Assert.Equal(Verdict.Holds, byId["2.3"].Verdict);
        // The solution's 2.4 formula is the outer form's: exact there, wrong for σ(w·y).
        Assert.Equal(Verdict.HoldsUnderCondition, byId["2.4"].Verdict);
        Assert.True((double)byId["2.4"].Evidence["tanh_outer_form_max_relative_error"]! < 1e-10);
        Assert.True((double)byId["2.4"].Evidence["tanh_inner_form_max_relative_error"]! > 1e-3);
        Assert.True((double)byId["2.4"].Evidence["inner_formula_on_inner_form_max_relative_error"]! < 1e-10);
        Assert.NotNull(byId["2.4"].Correction);
        Assert.True((double)byId["2.5"].Evidence["identity_max_abs_slope_minus_ln_abs_w"]! < 1e-9);
        Assert.True((double)byId["2.5"].Evidence["autograd_vs_manual_training_max_relative_gap"]! < 1e-10);
        Assert.Equal(1, result.Figures.Single(f => f.FileName == "recurrence-graph.png").HomeworkFigure);
        foreach (var figure in result.Figures)
        {
            using var codec = SKCodec.Create(Path.Combine(dir.Path, figure.FileName));
            Assert.NotNull(codec);
            Assert.True(codec.Info.Width > 200, figure.FileName);
        }
    }

    // Fault injection: a wrong weight behind a claim must flip its computed verdict.
    [Fact]
    public void BrokenClaimsFlipTheirVerdicts()
    {
        using var dir = new TempDir();
        var result = Run(dir, "2.2", "2.4", "2.5");
        var byId = result.Claims.ToDictionary(c => c.Id);
        Assert.Equal(Verdict.DoesNotHold, byId["2.2"].Verdict);
        Assert.Equal(Verdict.Holds, byId["2.3"].Verdict);
        Assert.Equal(Verdict.DoesNotHold, byId["2.4"].Verdict);
        Assert.Equal(Verdict.DoesNotHold, byId["2.5"].Verdict);
        Assert.All(result.Claims.Where(c => c.Verdict != Verdict.Holds), c => Assert.False(string.IsNullOrEmpty(c.Correction)));
    }
}
