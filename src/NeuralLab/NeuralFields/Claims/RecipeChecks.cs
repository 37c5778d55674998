using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Claims;

/// <summary>
/// What 5.1–5.3 have in common: the solution gives a recipe (epochs, lr, batch) and a figure (missing from the text);
/// the claim is that the recipe fits the 256² cameraman as that figure would show. Each subclass owns its PSNR band,
/// the figure's properties and its fault injection (docs/neural-fields.md, "The report's section 5").
/// </summary>
public abstract class RecipeCheck(FieldTrial trial, ImageReference image) : ClaimCheck
{
    protected FieldTrial Trial => trial;
    protected ImageReference Image => image;

    /// <summary>The recipe the solution states: epochs, learning rate, batch.</summary>
    public abstract (int Epochs, double LearningRate, int Batch) Target { get; }

    protected string Ran => Trial.Config.Epochs == Target.Epochs
        ? $"the recipe exactly ({Trial.Recipe})"
        : $"the recipe's lr and batch for {Trial.Config.Epochs} of its {Target.Epochs} epochs ({Trial.Recipe})";

    protected double HighFrequencyRatio(double[] values) => FieldStatistics.HighFrequencyRatio(values, Image.Values, Image.Height, Image.Width);

    protected static string Db(double db) => $"{db:F2} dB";

    protected Claim Judge(List<string> failures, Dictionary<string, object?> evidence, string holdsSummary, string figure) =>
        new(Id, Statement, failures.Count == 0 ? Verdict.Holds : Verdict.DoesNotHold, evidence,
            failures.Count == 0 ? null : $"With {Ran}: {string.Join("; ", failures)}.", figure)
        {
            Summary = failures.Count == 0 ? $"{holdsSummary} ({Ran})." : $"{string.Join("; ", failures)} ({Ran}).",
            Criterion = Criterion,
        };
}

/// <summary>5.1: ReLU, 300 epochs, lr 1e-3, batch 64.</summary>
public sealed class ReluRecipeCheck(FieldTrial trial, ImageReference image) : RecipeCheck(trial, image)
{
    public const double MinPsnr = 18, MaxPsnr = 30, MaxHighFrequencyRatio = 0.5, MinExactZero = 0.99;

    public override string Id => "5.1";
    public override string Statement => "A ReLU field fits the 256² cameraman with 300 epochs, learning rate 0.001 and batch size 64 (Figure 2).";
    public override string Criterion =>
        $"Whole-image PSNR in [{MinPsnr}, {MaxPsnr}) dB (recognisable but blurred), a blurred fit (energy above half the Nyquist radius < {MaxHighFrequencyRatio} of the image's) " +
        $"and an autograd Laplacian exactly 0 on ≥ {MinExactZero:P0} of pixels; otherwise does not hold.";
    public override (int Epochs, double LearningRate, int Batch) Target => FieldSectionPlan.ReluRecipe;

    public override Claim Run(ReportContext context)
    {
        var truth = context.IsBroken(Id) ? FieldStatistics.FlipVertically(Image.Values, Image.Height, Image.Width) : Image.Values; // fault injection: the image upside down
        double psnr = FieldStatistics.Psnr(Trial.Maps.Values, truth);
        double ratio = HighFrequencyRatio(Trial.Maps.Values);
        double zero = FieldStatistics.ExactZeroFraction(Trial.Maps.Laplacian);
        var failures = new List<string>();
        if (psnr < MinPsnr) failures.Add($"PSNR {Db(psnr)} is below {MinPsnr} dB: not a recognisable fit");
        if (psnr >= MaxPsnr) failures.Add($"PSNR {Db(psnr)} is not a blurred ReLU fit (≥ {MaxPsnr} dB)");
        if (ratio >= MaxHighFrequencyRatio) failures.Add($"the fit keeps {ratio:F2} of the image's high-frequency energy: not blurred");
        if (zero < MinExactZero) failures.Add($"the Laplacian is exactly 0 on only {zero:P1} of pixels");
        return Judge(failures, new Dictionary<string, object?>
        {
            ["epochs"] = Trial.Config.Epochs, ["recipe_epochs"] = Target.Epochs, ["learning_rate"] = Trial.Config.LearningRate, ["batch"] = Trial.Config.Batch,
            ["steps"] = Trial.Metrics.Steps, ["seconds"] = Trial.Metrics.Seconds, ["psnr_db"] = psnr, ["high_frequency_ratio"] = ratio, ["laplacian_exact_zero_fraction"] = zero,
        }, $"{Db(psnr)}, blurred (high-frequency energy {ratio:F2} of the image's), Laplacian exactly 0 on {zero:P1} of pixels", "fields-relu.png");
    }
}

/// <summary>5.2: Tanh, 300 epochs, lr 1e-3, batch 100.</summary>
public sealed class TanhRecipeCheck(FieldTrial trial, ImageReference image) : RecipeCheck(trial, image)
{
    public const double MinPsnr = 18, MaxPsnr = 30, MaxHighFrequencyRatio = 0.5, MaxExactZero = 0.01;

    public override string Id => "5.2";
    public override string Statement => "A Tanh field fits the 256² cameraman with 300 epochs, learning rate 0.001 and batch size 100 (Figure 3).";
    public override string Criterion =>
        $"Whole-image PSNR in [{MinPsnr}, {MaxPsnr}) dB, a blurred fit (energy above half the Nyquist radius < {MaxHighFrequencyRatio} of the image's) " +
        $"and a smooth field's Laplacian (exactly 0 on < {MaxExactZero:P0} of pixels); otherwise does not hold.";
    public override (int Epochs, double LearningRate, int Batch) Target => FieldSectionPlan.TanhRecipe;

    public override Claim Run(ReportContext context)
    {
        var values = context.IsBroken(Id) ? FieldStatistics.Transpose(Trial.Maps.Values, Image.Width) : Trial.Maps.Values; // fault injection: x and y swapped
        double psnr = FieldStatistics.Psnr(values, Image.Values);
        double ratio = HighFrequencyRatio(values);
        double zero = FieldStatistics.ExactZeroFraction(Trial.Maps.Laplacian);
        var failures = new List<string>();
        if (psnr < MinPsnr) failures.Add($"PSNR {Db(psnr)} is below {MinPsnr} dB: not a recognisable fit");
        if (psnr >= MaxPsnr) failures.Add($"PSNR {Db(psnr)} is not a blurred Tanh fit (≥ {MaxPsnr} dB)");
        if (ratio >= MaxHighFrequencyRatio) failures.Add($"the fit keeps {ratio:F2} of the image's high-frequency energy: not blurred");
        if (zero >= MaxExactZero) failures.Add($"the Laplacian is exactly 0 on {zero:P1} of pixels: not a smooth field's");
        return Judge(failures, new Dictionary<string, object?>
        {
            ["epochs"] = Trial.Config.Epochs, ["recipe_epochs"] = Target.Epochs, ["learning_rate"] = Trial.Config.LearningRate, ["batch"] = Trial.Config.Batch,
            ["steps"] = Trial.Metrics.Steps, ["seconds"] = Trial.Metrics.Seconds, ["psnr_db"] = psnr, ["high_frequency_ratio"] = ratio, ["laplacian_exact_zero_fraction"] = zero,
        }, $"{Db(psnr)}, blurred (high-frequency energy {ratio:F2} of the image's), a smooth Laplacian (exactly 0 on {zero:P1} of pixels)", "fields-tanh.png");
    }
}

/// <summary>5.3: sine (SIREN), 200 epochs, lr 1e-4, batch 2048.</summary>
public sealed class SineRecipeCheck(FieldTrial trial, ImageReference image) : RecipeCheck(trial, image)
{
    public const double MinPsnr = 30, MinGradientCorrelation = 0.7, MaxExactZero = 0.01;

    public override string Id => "5.3";
    public override string Statement => "A sine (SIREN) field fits the 256² cameraman with 200 epochs, learning rate 0.0001 and batch size 2048 (Figure 4).";
    public override string Criterion =>
        $"Whole-image PSNR ≥ {MinPsnr} dB, the autograd gradient correlating with the image's Sobel gradient at ≥ {MinGradientCorrelation} " +
        $"(absolute, not relative to the other activations) and a non-zero Laplacian (exactly 0 on < {MaxExactZero:P0} of pixels); otherwise does not hold.";
    public override (int Epochs, double LearningRate, int Batch) Target => FieldSectionPlan.SineRecipe;

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
        return Judge(failures, new Dictionary<string, object?>
        {
            ["epochs"] = Trial.Config.Epochs, ["recipe_epochs"] = Target.Epochs, ["learning_rate"] = Trial.Config.LearningRate, ["batch"] = Trial.Config.Batch,
            ["steps"] = Trial.Metrics.Steps, ["seconds"] = Trial.Metrics.Seconds, ["psnr_db"] = psnr, ["gradient_correlation"] = correlation, ["laplacian_exact_zero_fraction"] = zero,
        }, $"{Db(psnr)}, gradient correlation with Sobel {correlation:F3}, Laplacian non-zero on {1 - zero:P1} of pixels", "fields-sine.png");
    }
}
