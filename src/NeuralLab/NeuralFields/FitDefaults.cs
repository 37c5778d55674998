namespace NeuralLab.NeuralFields;

/// <summary>
/// fit's defaults when no preset is given, chosen by measurement on the 256² cameraman
/// (docs/benchmarks.md, "Choosing fit's defaults").
/// </summary>
public static class FitDefaults
{
    public const int Size = 256;

    public static FitConfig Config { get; } = new()
    {
        Architecture = new FieldArchitecture(FieldActivation.Sine),
        LearningRate = 1e-4,
        Batch = 4096,
        Schedule = LearningRateSchedule.Constant,
        Steps = 3000,
    };
}
