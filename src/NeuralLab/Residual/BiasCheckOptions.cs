using NeuralLab.Common;

namespace NeuralLab.Residual;

/// <summary>How the bias experiment runs; everything in float64, as a check of mathematics.</summary>
public sealed record BiasCheckOptions : ResNetRunOptions
{
    /// <summary>A small network (8 channels) and batch (64): the check is of mathematics, not of accuracy.</summary>
    public BiasCheckOptions()
    {
        Channels = 8;
        BatchSize = 64;
    }

    /// <summary>SGD steps over which the two networks' losses are compared.</summary>
    public int Steps { get; init; } = 100;
    /// <summary>Standard deviations of the random biases for the training-mode identity ("for any bias values").</summary>
    public IReadOnlyList<double> BiasScales { get; init; } = [0.01, 1, 100];
    /// <summary>
    /// <see cref="ConvBias.BeforeNorm"/> is the experiment. <see cref="ConvBias.AfterNorm"/> is its control: the same
    /// per-channel shift placed after the normalisation, which nothing cancels, so every check must fail.
    /// </summary>
    public ConvBias Placement { get; init; } = ConvBias.BeforeNorm;

    /// <summary>float64 rounding stays near 1e-13 even with biases of 100; anything above this is not rounding.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option outside its range.</summary>
    public void Validate()
    {
        if (Channels < 1 || Channels > 512) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "must be 1..512");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "must be at least 1");
        ValidateRun();
        if (Placement == ConvBias.None) throw new ArgumentException("the bias check needs a network with biases", nameof(Placement));
        if (BiasScales.Count == 0 || BiasScales.Any(s => !(s > 0) || !double.IsFinite(s))) throw new ArgumentException("bias scales must be positive", nameof(BiasScales));
    }

    /// <summary>Two float64 networks (with and without biases) trained side by side, each evaluated on <paramref name="testImages"/> digits.</summary>
    public ResourceEstimate Estimate(int testImages) =>
        ResNetCost.Estimate($"the bias check at C = {Channels} for {Steps:N0} steps of batch {BatchSize:N0}", Channels, BatchSize,
            (double)Steps + BiasScales.Count, 2.0 * testImages, testImages, bytesPerValue: 8, copies: 2);
}

/// <summary>
/// The three ways the issue asks the bias question, measured. All differences are max-abs over every element.
/// </summary>
/// <param name="Channels">C of the networks compared.</param>
/// <param name="Steps">SGD steps t of the side-by-side training.</param>
/// <param name="Placement">Where the biases sat (<see cref="ConvBias.AfterNorm"/> for the control).</param>
/// <param name="MaxOutputDifference">(1) Training mode, same weights, random biases of every scale: each BatchNorm unit's output and the logits, with vs without biases.</param>
/// <param name="MaxBiasGradient">(2) Largest |∂loss/∂bias| over all steps.</param>
/// <param name="MaxLossDifference">(2) Largest |loss with biases − loss without| over all steps, same batches, same initial weights.</param>
/// <param name="MaxWeightDifference">(2) After training: the parameters both networks share.</param>
/// <param name="RunningMeanOffsetError">(3) |(μ_run with − μ_run without) − b·(1 − (1 − momentum)^t)|: the running mean carries the bias.</param>
/// <param name="FoldedEvalDifference">(3) Eval-mode logits of the biased network vs a bias-free copy of it whose running mean is μ_run − b: the absorption, exact.</param>
/// <param name="EvalOutputDifference">(3) Eval-mode logits of the two trained networks as they are: differ by the running mean's memory of its zero start, b·(1 − momentum)^t.</param>
/// <param name="RunningMeanMemory">(1 − momentum)^t after the t training steps.</param>
/// <param name="MeanResidual">BatchNorm's training output vs γ(z − mean)/σ + β on the first unit.</param>
/// <param name="MedianResidual">The same vs γ(z − median)/σ + β: what the written solution's "median" would give.</param>
/// <param name="LossesWithoutBias">Training loss per step, homework network.</param>
/// <param name="LossesWithBias">Training loss per step, network with biases, same batches.</param>
/// <param name="Seconds">Wall time of the check.</param>
public sealed record BiasCheckResult(
    int Channels,
    int Steps,
    ConvBias Placement,
    double MaxOutputDifference,
    double MaxBiasGradient,
    double MaxLossDifference,
    double MaxWeightDifference,
    double RunningMeanOffsetError,
    double FoldedEvalDifference,
    double EvalOutputDifference,
    double RunningMeanMemory,
    double MeanResidual,
    double MedianResidual,
    IReadOnlyList<double> LossesWithoutBias,
    IReadOnlyList<double> LossesWithBias,
    double Seconds)
{
    /// <summary>Redundant in all three senses, to float64 rounding.</summary>
    public bool Holds =>
        new[] { MaxOutputDifference, MaxBiasGradient, MaxLossDifference, RunningMeanOffsetError, FoldedEvalDifference }
            .All(d => d < BiasCheckOptions.Tolerance);

    /// <summary>BatchNorm's output is centred on the batch mean and not on the median (the solution's word).</summary>
    public bool SubtractsMeanNotMedian => MeanResidual < BiasCheckOptions.Tolerance && MedianResidual > 1e3 * Math.Max(MeanResidual, 1e-15);
}
