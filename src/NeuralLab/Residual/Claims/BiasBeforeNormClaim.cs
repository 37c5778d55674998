using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.Residual;

/// <summary>Answer 4: a conv bias before BatchNorm is meaningless, because BatchNorm centres ("minus the median") and scales.</summary>
/// <param name="train">Training digits for the side-by-side training.</param>
/// <param name="test">Test digits.</param>
/// <param name="options">Sizes, seed and placement (the report uses the bias before the normalisation).</param>
public sealed class BiasBeforeNormClaim(DigitsData train, DigitsData test, BiasCheckOptions options) : ClaimCheck<BiasCheckResult>("4",
    "A bias in the Conv2d before BatchNorm2d is meaningless: BatchNorm centres (\"minus the median\") and divides by the standard deviation, removing any constant the bias adds.")
{
    /// <inheritdoc/>
    public override string Criterion =>
        $"The network with random conv biases (scales {string.Join(", ", options.BiasScales)}) against the same network without, float64: conclusion — in training " +
        $"mode outputs equal, bias gradients zero and side-by-side losses equal over the SGD steps, all within {BiasCheckOptions.Tolerance:G}; the working's word — " +
        "BatchNorm's output against γ(z − mean)/σ + β and γ(z − median)/σ + β. Does not hold if the conclusion fails; holds with an error in the working if it " +
        "holds and BatchNorm matches the mean but not the median; holds if it matches the median.";

    /// <summary>Fault injection: the biases moved after the normalisation, where nothing cancels them.</summary>
    public override BiasCheckResult Measure(ReportContext context) =>
        BiasCheck.Run(train, test, context.IsBroken(Id) ? options with { Placement = ConvBias.AfterNorm } : options, context.Progress);

    /// <inheritdoc/>
    public override Claim Judge(BiasCheckResult check)
    {
        var verdict = !check.Holds ? Verdict.DoesNotHold : check.SubtractsMeanNotMedian ? Verdict.HoldsWithErrorInWorking : Verdict.Holds;
        var evidence = new Dictionary<string, object?>
        {
            ["placement"] = check.Placement == ConvBias.BeforeNorm ? "bias before BatchNorm" : "shift after BatchNorm",
            ["channels"] = check.Channels,
            ["steps"] = check.Steps,
            ["max_output_difference"] = check.MaxOutputDifference,
            ["max_bias_gradient"] = check.MaxBiasGradient,
            ["max_loss_difference"] = check.MaxLossDifference,
            ["mean_residual"] = check.MeanResidual,
            ["median_residual"] = check.MedianResidual,
            ["running_mean_offset_error"] = check.RunningMeanOffsetError,
            ["folded_eval_difference"] = check.FoldedEvalDifference,
            ["eval_output_difference_unfolded"] = check.EvalOutputDifference,
            ["running_mean_memory"] = check.RunningMeanMemory,
            ["tolerance"] = BiasCheckOptions.Tolerance,
        };
        string evalNote = string.Create(CultureInfo.InvariantCulture,
            $"In eval mode the bias is not removed but carried by the running mean: μ_run with − μ_run without = b·(1 − 0.9^t) (to {check.RunningMeanOffsetError:G2}), so a bias-free network with μ_run − b gives the same outputs (to {check.FoldedEvalDifference:G2}).");
        string? correction = verdict switch
        {
            Verdict.HoldsWithErrorInWorking => string.Create(CultureInfo.InvariantCulture,
                $"BatchNorm subtracts the per-channel batch mean over (N, H, W), not the median: its output matches γ(z − mean)/σ + β to {check.MeanResidual:G2} and γ(z − median)/σ + β only to {check.MedianResidual:G2}. (A median would cancel a constant too, so the conclusion does not rest on the word.) ") + evalNote,
            Verdict.DoesNotHold => string.Create(CultureInfo.InvariantCulture,
                $"Measured, the biases change the network: outputs differ by {check.MaxOutputDifference:G3}, bias gradients reach {check.MaxBiasGradient:G3} and the losses part by {check.MaxLossDifference:G3}; only a per-channel constant added before the normalisation is cancelled."),
            _ => evalNote,
        };
        return Conclude(verdict, evidence, correction, "resnet-bias-check.png") with
        {
            Summary = verdict switch
            {
                Verdict.DoesNotHold => string.Create(CultureInfo.InvariantCulture, $"The biases change the outputs by {check.MaxOutputDifference:G3} and get gradients up to {check.MaxBiasGradient:G3}."),
                _ => string.Create(CultureInfo.InvariantCulture,
                    $"With and without conv biases the outputs agree to {check.MaxOutputDifference:G2} and the losses over {check.Steps} steps to {check.MaxLossDifference:G2} (bias gradients ≤ {check.MaxBiasGradient:G2}); BatchNorm matches the mean to {check.MeanResidual:G2}, the median only to {check.MedianResidual:G2}."),
            },
        };
    }
}
