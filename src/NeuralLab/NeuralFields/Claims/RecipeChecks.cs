using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Claims;

/// <summary>
/// What 5.1–5.3 have in common: the solution gives a recipe (epochs, lr, batch) and a figure (missing from the text);
/// the claim is that the recipe fits the 256² cameraman as that figure would show. Each subclass owns its PSNR band,
/// the figure's properties and its fault injection (docs/neural-fields.md, "The report's section 5").
/// </summary>
internal abstract class RecipeCheck(FieldTrial trial, ImageReference image, string id, string statement, (int Epochs, double LearningRate, int Batch) target)
    : ClaimCheck(id, statement)
{
    protected FieldTrial Trial => trial;
    protected ImageReference Image => image;

    /// <summary>The recipe the solution states: epochs, learning rate, batch.</summary>
    public (int Epochs, double LearningRate, int Batch) Target => target;

    protected string Ran => Trial.Config.Epochs == Target.Epochs
        ? $"the recipe exactly ({Trial.Recipe})"
        : $"the recipe's lr and batch for {Trial.Config.Epochs} of its {Target.Epochs} epochs ({Trial.Recipe})";

    protected double HighFrequencyRatio(double[] values) => FieldStatistics.HighFrequencyRatio(values, Image.Values, Image.Height, Image.Width);

    protected static string Db(double db) => $"{db:F2} dB";

    protected Claim Judge(List<string> failures, Dictionary<string, object?> evidence, string holdsSummary, string figure) =>
        Conclude(failures.Count == 0 ? Verdict.Holds : Verdict.DoesNotHold, evidence,
            failures.Count == 0 ? null : $"With {Ran}: {string.Join("; ", failures)}.", figure) with
        {
            Summary = failures.Count == 0 ? $"{holdsSummary} ({Ran})." : $"{string.Join("; ", failures)} ({Ran}).",
        };

    /// <summary>The evidence every recipe check shows (the recipe as run, the run's length), then the check's own measurements.</summary>
    protected Dictionary<string, object?> Evidence(params (string Name, object? Value)[] measured)
    {
        var evidence = new Dictionary<string, object?>
        {
            ["epochs"] = Trial.Config.Epochs, ["recipe_epochs"] = Target.Epochs, ["learning_rate"] = Trial.Config.LearningRate, ["batch"] = Trial.Config.Batch,
            ["steps"] = Trial.Metrics.Steps, ["seconds"] = Trial.Metrics.Seconds,
        };
        foreach (var (name, value) in measured) evidence[name] = value;
        return evidence;
    }
}

/// <summary>
/// 5.1 and 5.2: the ReLU and Tanh recipes both give a recognisable but blurred fit (a PSNR band, little high-frequency
/// energy); what their Laplacians must look like, and how each is corrupted, is the activation's own. The activation's name
/// is the failure lines' ("ReLU"), the figure the one the claim points to. A ReLU field is piecewise linear, so its autograd
/// Laplacian is exactly 0 almost everywhere (Q6); a Tanh field is smooth, so it is almost nowhere exactly 0.
/// </summary>
internal abstract class BlurredRecipeCheck(FieldTrial trial, ImageReference image, string id, string statement,
    (int Epochs, double LearningRate, int Batch) target, string activation, string figure, bool piecewiseLinear)
    : RecipeCheck(trial, image, id, statement, target)
{
    public const double MinPsnr = 18, MaxPsnr = 30, MaxHighFrequencyRatio = 0.5;

    /// <summary>A piecewise-linear field's Laplacian is exactly 0 on at least this fraction of pixels.</summary>
    public const double MinExactZero = 0.99;

    /// <summary>A smooth field's Laplacian is exactly 0 on less than this fraction of pixels.</summary>
    public const double MaxExactZero = 0.01;

    public sealed override string Criterion =>
        $"Whole-image PSNR in [{MinPsnr}, {MaxPsnr}) dB (recognisable but blurred), a blurred fit (energy above half the Nyquist radius < {MaxHighFrequencyRatio} of the image's) " +
        $"and {LaplacianCriterion}; otherwise does not hold.";

    string LaplacianCriterion => piecewiseLinear
        ? $"an autograd Laplacian exactly 0 on ≥ {MinExactZero:P0} of pixels"
        : $"a smooth field's Laplacian (exactly 0 on < {MaxExactZero:P0} of pixels)";

    /// <summary>The fit's values and the truth they are compared with; the fault injection corrupts one of them.</summary>
    protected abstract (double[] Fit, double[] Truth) Compared(ReportContext context);

    /// <summary>Why the Laplacian, exactly 0 on <paramref name="zero"/> of the pixels, is not this activation's; null if it is.</summary>
    string? LaplacianFailure(double zero) => piecewiseLinear
        ? zero < MinExactZero ? $"the Laplacian is exactly 0 on only {zero:P1} of pixels" : null
        : zero >= MaxExactZero ? $"the Laplacian is exactly 0 on {zero:P1} of pixels: not a smooth field's" : null;

    /// <summary>The Laplacian's part of the summary when the claim holds.</summary>
    string LaplacianSummary(double zero) => piecewiseLinear
        ? $"Laplacian exactly 0 on {zero:P1} of pixels"
        : $"a smooth Laplacian (exactly 0 on {zero:P1} of pixels)";

    public override Claim Run(ReportContext context)
    {
        var (fit, truth) = Compared(context);
        double psnr = FieldStatistics.Psnr(fit, truth);
        double ratio = HighFrequencyRatio(fit);
        double zero = FieldStatistics.ExactZeroFraction(Trial.Maps.Laplacian);
        var failures = new List<string>();
        if (psnr < MinPsnr) failures.Add($"PSNR {Db(psnr)} is below {MinPsnr} dB: not a recognisable fit");
        if (psnr >= MaxPsnr) failures.Add($"PSNR {Db(psnr)} is not a blurred {activation} fit (≥ {MaxPsnr} dB)");
        if (ratio >= MaxHighFrequencyRatio) failures.Add($"the fit keeps {ratio:F2} of the image's high-frequency energy: not blurred");
        if (LaplacianFailure(zero) is string laplacian) failures.Add(laplacian);
        return Judge(failures, Evidence(("psnr_db", psnr), ("high_frequency_ratio", ratio), ("laplacian_exact_zero_fraction", zero)),
            $"{Db(psnr)}, blurred (high-frequency energy {ratio:F2} of the image's), {LaplacianSummary(zero)}", figure);
    }
}

/// <summary>5.1: ReLU, 300 epochs, lr 1e-3, batch 64.</summary>
internal sealed class ReluRecipeCheck(FieldTrial trial, ImageReference image)
    : BlurredRecipeCheck(trial, image, "5.1", "A ReLU field fits the 256² cameraman with 300 epochs, learning rate 0.001 and batch size 64 (Figure 2).",
        FieldSectionPlan.ReluRecipe, "ReLU", "fields-relu.png", piecewiseLinear: true)
{
    /// <summary>Fault injection: the image upside down.</summary>
    protected override (double[] Fit, double[] Truth) Compared(ReportContext context) =>
        (Trial.Maps.Values, context.IsBroken(Id) ? FieldStatistics.FlipVertically(Image.Values, Image.Height, Image.Width) : Image.Values);
}

/// <summary>5.2: Tanh, 300 epochs, lr 1e-3, batch 100.</summary>
internal sealed class TanhRecipeCheck(FieldTrial trial, ImageReference image)
    : BlurredRecipeCheck(trial, image, "5.2", "A Tanh field fits the 256² cameraman with 300 epochs, learning rate 0.001 and batch size 100 (Figure 3).",
        FieldSectionPlan.TanhRecipe, "Tanh", "fields-tanh.png", piecewiseLinear: false)
{
    /// <summary>Fault injection: x and y swapped.</summary>
    protected override (double[] Fit, double[] Truth) Compared(ReportContext context) =>
        (context.IsBroken(Id) ? FieldStatistics.Transpose(Trial.Maps.Values, Image.Width) : Trial.Maps.Values, Image.Values);
}

/// <summary>5.3: sine (SIREN), 200 epochs, lr 1e-4, batch 2048.</summary>
internal sealed class SineRecipeCheck(FieldTrial trial, ImageReference image)
    : RecipeCheck(trial, image, "5.3", "A sine (SIREN) field fits the 256² cameraman with 200 epochs, learning rate 0.0001 and batch size 2048 (Figure 4).",
        FieldSectionPlan.SineRecipe)
{
    public const double MinPsnr = 30, MinGradientCorrelation = 0.7, MaxExactZero = 0.01;

    public override string Criterion =>
        $"Whole-image PSNR ≥ {MinPsnr} dB, the autograd gradient correlating with the image's Sobel gradient at ≥ {MinGradientCorrelation} " +
        $"(absolute, not relative to the other activations) and a non-zero Laplacian (exactly 0 on < {MaxExactZero:P0} of pixels); otherwise does not hold.";

    public override Claim Run(ReportContext context)
    {
        var maps = Trial.Maps;
        var (gx, gy) = context.IsBroken(Id) ? (maps.GradientY, maps.GradientX) : (maps.GradientX, maps.GradientY); // fault injection: components swapped
        double psnr = FieldStatistics.Psnr(maps.Values, Image.Values);
        double correlation = FieldStatistics.GradientCorrelation(gx, gy, Image.SobelX, Image.SobelY);
        double zero = FieldStatistics.ExactZeroFraction(maps.Laplacian);
        var failures = new List<string>();
        if (psnr < MinPsnr) failures.Add($"PSNR {Db(psnr)} is below {MinPsnr} dB");
        if (correlation < MinGradientCorrelation) failures.Add($"the gradient correlates with Sobel's at {correlation:F3} (< {MinGradientCorrelation})");
        if (zero >= MaxExactZero) failures.Add($"the Laplacian is exactly 0 on {zero:P1} of pixels");
        return Judge(failures, Evidence(("psnr_db", psnr), ("gradient_correlation", correlation), ("laplacian_exact_zero_fraction", zero)),
            $"{Db(psnr)}, gradient correlation with Sobel {correlation:F3}, Laplacian non-zero on {1 - zero:P1} of pixels", "fields-sine.png");
    }
}
