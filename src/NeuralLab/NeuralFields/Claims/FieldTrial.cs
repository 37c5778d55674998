namespace NeuralLab.NeuralFields.Claims;

/// <summary>
/// One fit the section ran, as the checks see it: its metrics and curve, the field's maps on the pixel
/// grid, and (for ReLU fields) the hidden layers' weights, copied out so the model can be disposed.
/// </summary>
internal sealed record FieldTrial(
    string Name,
    FitConfig Config,
    FitMetrics Metrics,
    FieldMaps Maps,
    IReadOnlyList<FitEvaluation> Curve,
    IReadOnlyList<LayerWeights>? ReluLayers = null)
{
    /// <summary>Whole-image PSNR gained over the second half of the run: final minus the last evaluation at or before half the steps.</summary>
    public double SecondHalfGainDb()
    {
        long half = Metrics.Steps / 2;
        var before = Curve.LastOrDefault(e => e.Step <= half) ?? Curve[0];
        return Curve[^1].Psnr - before.Psnr;
    }

    /// <summary>"lr 0.001, batch 64, 10 epochs (10,240 steps), 12 s": what was run, for summaries.</summary>
    public string Recipe => $"lr {Config.LearningRate:G3}, batch {Metrics.Batch}, {Config.Epochs} epochs ({Metrics.Steps:N0} steps{(Config.Schedule == LearningRateSchedule.Constant ? "" : $", {Metrics.Schedule} decay")}), {Metrics.Seconds:F0} s";
}
