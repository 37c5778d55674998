using NeuralLab.NeuralFields.Encodings;

namespace NeuralLab.NeuralFields;

/// <summary>
/// fit's defaults when no preset is given, chosen by measurement on the 256² cameraman
/// (docs/benchmarks.md, "Choosing fit's defaults"): batch 4096 with Adam from 3e-4 and a cosine decay
/// reached 35 dB in 58 s and 40 dB in 81 s; a constant 1e-4 needed 87 s for 35 dB and stalled at
/// 34.6 dB after 3000 steps; batch 8192 from 2e-4 needed 76 s for 35 dB.
/// </summary>
public static class FitDefaults
{
    /// <summary>Longest side in pixels an image is shrunk to by default (box filter; a smaller one keeps its size).</summary>
    public const int Size = 256;

    /// <summary>The default configuration.</summary>
    public static FitConfig Config { get; } = new()
    {
        Architecture = new FieldArchitecture(FieldActivation.Sine),
        LearningRate = 3e-4,
        Batch = 4096,
        Schedule = LearningRateSchedule.Cosine,
        Steps = 3000,
        // Only read by --supervise gradient: with the long-span differences the 256² cameraman from its gradient alone
        // reached 31.52 dB after the constant in 1000 steps, where the plain loss needed 6000 for 29.91
        // (docs/benchmarks.md, "Long-span differences").
        GradientSpans = true,
    };

    /// <summary>
    /// fit's defaults for each encoding (flags override them). Fourier: Tancik et al.'s σ = 10, m = 256 and
    /// Adam at 1e-3, with a SiLU decoder (smooth, so the Laplacian is defined) of 3 × 128, half their width so
    /// the field (98,817 parameters) can be sized down to one parameter per pixel of a 256² image. Grid: Instant-NGP's
    /// recipe (Adam lr 1e-2, β2 = 0.99, ε = 1e-15, full batch) with the PyTorch peer's 8 levels 16→256,
    /// F = 2, T = 4096 (48,333 parameters for one channel) and its 2 × 64 decoder, in SiLU.
    /// </summary>
    public static FitConfig For(EncodingKind kind) => kind switch
    {
        EncodingKind.Fourier => Config with
        {
            Architecture = new FieldArchitecture(FieldActivation.Silu, Hidden: 128, Layers: 2),
            Encoding = new EncodingConfig { Kind = EncodingKind.Fourier },
            LearningRate = 1e-3,
        },
        EncodingKind.Grid => Config with
        {
            Architecture = new FieldArchitecture(FieldActivation.Silu, Hidden: 64, Layers: 1),
            Encoding = new EncodingConfig { Kind = EncodingKind.Grid },
            LearningRate = 1e-2,
            AdamBeta2 = 0.99,
            AdamEpsilon = 1e-15,
            Batch = null,
            Steps = 1000,
        },
        _ => Config,
    };
}
