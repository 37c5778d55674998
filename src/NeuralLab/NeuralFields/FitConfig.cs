using NeuralLab.NeuralFields.Encodings;

namespace NeuralLab.NeuralFields;

/// <summary>Learning-rate decay over the run (the homework's Q7).</summary>
public enum LearningRateSchedule
{
    /// <summary>The rate never changes.</summary>
    Constant,
    /// <summary>Halved at 25 %, 50 % and 75 % of the planned steps (ends at lr/8).</summary>
    Step,
    /// <summary>Half a cosine from lr down to lr/100 over the planned steps (Loshchilov &amp; Hutter 2017, no restarts).</summary>
    Cosine,
}

/// <summary>Everything that decides a fit; stored in checkpoints and metrics.</summary>
public sealed record FitConfig
{
    /// <summary>The network fitted.</summary>
    public FieldArchitecture Architecture { get; init; } = new();
    /// <summary>Adam's (initial) learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Optimiser steps; exclusive with <see cref="Epochs"/>.</summary>
    public int? Steps { get; init; }
    /// <summary>Passes over all pixels in shuffled minibatches; exclusive with <see cref="Steps"/>.</summary>
    public int? Epochs { get; init; }
    /// <summary>Pixels per step; null is the whole image per step.</summary>
    public int? Batch { get; init; } = 4096;
    /// <summary>How the learning rate changes over the steps.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    /// <summary>Seed of the initial weights, the encodings and the batches.</summary>
    public int Seed { get; init; }
    /// <summary>Stop as soon as an evaluation reaches this PSNR (dB).</summary>
    public double? TargetPsnr { get; init; }
    /// <summary>Evaluate whole-image PSNR every this many steps; null chooses about every 0.5 epoch-equivalents of compute.</summary>
    public int? EvalEvery { get; init; }
    /// <summary>The encoding in front of the MLP (none: the homework's networks).</summary>
    public EncodingConfig Encoding { get; init; } = new();
    /// <summary>Adam's β2; Instant-NGP's grid uses 0.99 (its table entries see sparse, bursty gradients).</summary>
    public double AdamBeta2 { get; init; } = 0.999;
    /// <summary>Adam's ε; Instant-NGP's grid uses 1e-15, so rarely-touched entries still take full-size steps.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;
    /// <summary>What the loss compares: the field's values, or its gradient or Laplacian (SIREN Sec. 4.1).</summary>
    public Supervision.FieldSupervision Supervision { get; init; } = NeuralFields.Supervision.FieldSupervision.Value;
    /// <summary>Gradient supervision only: also fit the field's differences over long spans to the gradient's line
    /// integrals (<see cref="Supervision.GradientSpans"/>), the low-frequency preconditioner.</summary>
    public bool GradientSpans { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the property (or the architecture's or encoding's) of the
    /// first setting outside its range or combination that cannot be fitted, such as an encoding of a 1-D field.</summary>
    public void Validate()
    {
        Architecture.Validate();
        Encoding.Validate();
        if (Encoding.Kind != EncodingKind.None && Architecture.Inputs != 2)
            throw new ArgumentOutOfRangeException(nameof(Encoding), Encoding.Kind.ToString().ToLowerInvariant(), "encodes 2-D coordinates (images); a 1-D field (audio) takes none");
        if (!(AdamBeta2 is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(AdamBeta2), AdamBeta2, "Adam's β2 must be in (0, 1)");
        if (!(AdamEpsilon > 0) || double.IsInfinity(AdamEpsilon)) throw new ArgumentOutOfRangeException(nameof(AdamEpsilon), AdamEpsilon, "Adam's ε must be positive");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive");
        if (Steps is not null && Epochs is not null) throw new ArgumentException("give steps or epochs, not both", nameof(Epochs));
        if (Steps is <= 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "must be positive");
        if (Epochs is <= 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be positive");
        if (Batch is <= 0) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "must be positive (null: the whole image)");
        if (EvalEvery is <= 0) throw new ArgumentOutOfRangeException(nameof(EvalEvery), EvalEvery, "must be positive");
        if (TargetPsnr is double t && (double.IsNaN(t) || double.IsInfinity(t))) throw new ArgumentOutOfRangeException(nameof(TargetPsnr), t, "must be a finite number of dB");
    }

    /// <summary>Pixels per step for an image of <paramref name="pixels"/> pixels.</summary>
    public int BatchFor(int pixels) => Batch is int b ? Math.Min(b, pixels) : pixels;

    /// <summary>Planned steps for an image of <paramref name="pixels"/> pixels.</summary>
    public long PlannedSteps(int pixels)
    {
        if (Steps is int s) return s;
        long perEpoch = (pixels + BatchFor(pixels) - 1) / BatchFor(pixels);
        return (Epochs ?? 1) * perEpoch;
    }

    /// <summary>The learning rate at step <paramref name="step"/> (0-based) of <paramref name="total"/>.</summary>
    public double LearningRateAt(long step, long total)
    {
        double progress = total <= 1 ? 0 : (double)step / total;
        return Schedule switch
        {
            LearningRateSchedule.Step => LearningRate * Math.Pow(0.5, Math.Min(3, Math.Floor(progress * 4))),
            LearningRateSchedule.Cosine => LearningRate * (0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * progress))),
            _ => LearningRate,
        };
    }
}

/// <summary>The homework's three recipes, with exactly its hyperparameters.</summary>
public static class FitPresets
{
    internal static readonly IReadOnlyDictionary<string, FitConfig> All = new Dictionary<string, FitConfig>
    {
        ["relu"] = new() { Architecture = new(FieldActivation.Relu), Epochs = 300, LearningRate = 1e-3, Batch = 64 },
        ["tanh"] = new() { Architecture = new(FieldActivation.Tanh), Epochs = 300, LearningRate = 1e-3, Batch = 100 },
        ["sine"] = new() { Architecture = new(FieldActivation.Sine), Epochs = 200, LearningRate = 1e-4, Batch = 2048 },
    };

    /// <summary>The preset <paramref name="preset"/> (relu, tanh or sine; any case).</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static FitConfig Get(string preset) =>
        All.TryGetValue(preset.ToLowerInvariant(), out var config)
            ? config
            : throw new ArgumentException($"unknown preset '{preset}' (expected relu, tanh or sine)", nameof(preset));
}
