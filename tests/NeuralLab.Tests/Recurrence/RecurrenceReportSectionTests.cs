using NeuralLab.Common;
using NeuralLab.Recurrence;
using NeuralLab.Tests.Common;
using SkiaSharp;

namespace NeuralLab.Tests.Recurrence;

[Trait("Speed", "Slow")]
public class RecurrenceReportSectionTests
{
    [Fact]
    public void TestProfileChecksEveryClaimAndDrawsItsFigures()
    {
        using var dir = new TempDir();
        // 2.4 is judged on the homework's RNN h_t = w·σ(x_t + h_{t−1}) (the inner form is a side note); 2.5 as written,
        // "w < 1 vanishes", is contradicted by w = −1.5, which explodes.
        var result = ClaimCheckHarness.AssertVerdicts(new RecurrenceReportSection(), dir,
            ("2.2", Verdict.Holds), ("2.3", Verdict.Holds), ("2.4", Verdict.Holds), ("2.5", Verdict.DoesNotHold));
        var byId = result.Claims.ToDictionary(c => c.Id);
        Assert.Equal("w·x₃ + w²·x₂ + w³·x₁", byId["2.2"].Evidence["h3_expanded"]);
        Assert.True((double)byId["2.4"].Evidence["tanh_max_relative_error"]! < 1e-10);
        Assert.Contains("w = −1.5", byId["2.5"].Summary.Replace("-", "−"));
        Assert.True((double)byId["2.5"].Evidence["identity_max_abs_slope_minus_ln_abs_w"]! < 1e-9);
        var remedies = Assert.Single(result.Reproductions);
        Assert.True((double)remedies.Evidence["autograd_vs_manual_training_max_relative_gap"]! < 1e-10);
        Assert.Equal(1, result.Figures.Single(f => f.FileName == "recurrence-graph.png").HomeworkFigure);
        foreach (var figure in result.Figures)
        {
            using var codec = SKCodec.Create(Path.Combine(dir.Path, figure.FileName));
            Assert.NotNull(codec);
            Assert.True(codec.Info.Width > 200, figure.FileName);
        }
    }

    public static TheoryData<string> Ids => new(["2.2", "2.3", "2.4", "2.5"]);

    static ClaimCheck CheckOf(string id)
    {
        var c = RecurrenceReportSection.Checks();
        return id switch { "2.2" => c.States, "2.3" => c.Gradient, "2.4" => c.Formula, _ => c.Sweep };
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void BreakingAClaimsComputationFlipsThatClaimAlone(string id) => ClaimCheckHarness.AssertFlipsAlone(CheckOf(id));

    [Fact]
    public void TheRnnAndTheSweepAreTheSolutions()
    {
        // 2.4's RNN: h_t = w·σ(x_t + h_{t−1}), so ∂h_T/∂h₁ = w^(T−1) ∏ σ'(x_t + h_{t−1}).
        var rnn = new ScalarRnn(1.3, Activation.Tanh, RnnForm.Outer);
        var x = new[] { 0.4, -0.7, 0.2 };
        var h = rnn.States(x);
        Assert.Equal(1.3 * Math.Tanh(0.4), h[0], 14);
        Assert.Equal(1.3 * Math.Tanh(-0.7 + h[0]), h[1], 14);
        // 2.5 as written is about w, so the sweep includes negative weights and judges w > 1 / w < 1.
        Assert.Contains(-1.5, ExplodingVanishingClaim.Weights);
        Assert.Equal(-1, ExplodingVanishingClaim.Predicted(-1.5));
        Assert.Equal(1, ExplodingVanishingClaim.Predicted(1.1));
        Assert.Equal(0, ExplodingVanishingClaim.Predicted(1.0));
    }
}
