namespace NeuralLab.NeuralFields;

/// <summary>
/// fit's defaults when no preset is given, chosen by measurement on the 256² cameraman
/// (docs/benchmarks.md, "Choosing fit's defaults"): batch 4096 with Adam from 3e-4 and a cosine decay
/// reached 35 dB in 58 s and 40 dB in 81 s; a constant 1e-4 needed 87 s for 35 dB and stalled at
/// 34.6 dB after 3000 steps; batch 8192 from 2e-4 needed 76 s for 35 dB.
/// </summary>
public static class FitDefaults
{
    public const int Size = 256;

    public static FitConfig Config { get; } = new()
    {
        Architecture = new FieldArchitecture(FieldActivation.Sine),
        LearningRate = 3e-4,
        Batch = 4096,
        Schedule = LearningRateSchedule.Cosine,
        Steps = 3000,
    };
}
