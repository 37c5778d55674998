using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Audio;

/// <summary>What an audio fit reports (metrics.json, and fit --json).</summary>
public sealed record AudioMetrics
{
    /// <summary>10·log10(4 / MSE) of the clip scaled to peak 1 (peak-to-peak range 2, as images in [-1, 1]).</summary>
    public required double Psnr { get; init; }
    /// <summary>10·log10(Σ signal² / Σ error²).</summary>
    public required double Snr { get; init; }
    /// <summary>Optimiser steps taken.</summary>
    public required long Steps { get; init; }
    /// <summary>Wall time of the fit in seconds, evaluations included.</summary>
    public required double Seconds { get; init; }
    /// <summary>Why training ended: "budget", "target_psnr" or "cancelled".</summary>
    public required string StoppedBecause { get; init; }
    /// <summary>The clip's name (its file name, or the demo's).</summary>
    public required string Clip { get; init; }
    /// <summary>The file's sample encoding, e.g. "16-bit PCM".</summary>
    public required string Encoding { get; init; }
    /// <summary>Samples per second per channel (Hz).</summary>
    public required int SampleRate { get; init; }
    /// <summary>1 (mono) or 2 (stereo).</summary>
    public required int Channels { get; init; }
    /// <summary>Frames (samples per channel).</summary>
    public required int Samples { get; init; }
    /// <summary>Length of the clip in seconds.</summary>
    public required double DurationSeconds { get; init; }
    /// <summary>Largest |sample| of the clip; the field is fitted to the clip divided by it.</summary>
    public required double Peak { get; init; }
    /// <summary>The field's activation: "sine", "relu", ….</summary>
    public required string Activation { get; init; }
    /// <summary>Units per hidden layer.</summary>
    public required int Hidden { get; init; }
    /// <summary>Hidden layers.</summary>
    public required int Layers { get; init; }
    /// <summary>ω0 of the sine layers after the first.</summary>
    public required double Omega0 { get; init; }
    /// <summary>ω0 of the first sine layer (t in [−1, 1] spans the whole clip).</summary>
    public required double FirstOmega0 { get; init; }
    /// <summary>Adam's (initial) learning rate.</summary>
    public required double LearningRate { get; init; }
    /// <summary>Samples per step, or "full".</summary>
    public required string Batch { get; init; }
    /// <summary>The learning-rate schedule: "constant", "step" or "cosine".</summary>
    public required string Schedule { get; init; }
    /// <summary>Seed of the fit.</summary>
    public required int Seed { get; init; }
    /// <summary>Seconds to first reach 30, 40 and 50 dB PSNR (null if never).</summary>
    public required IReadOnlyDictionary<string, double?> SecondsTo { get; init; }
}

/// <summary>SIREN's audio recipe (Sitzmann et al. 2020, Sec. 4.2 and explore_siren): 256×3 sine layers, ω0 = 3000 on the first.</summary>
public static class AudioDefaults
{
    /// <summary>ω0 of the first layer in SIREN's audio recipe.</summary>
    public const double FirstOmega0 = 3000;

    /// <summary>The recipe as a configuration: Adam 1e-4 with a cosine decay, batches of 8192 samples, 2000
    /// steps.</summary>
    public static FitConfig Config { get; } = new()
    {
        Architecture = new FieldArchitecture(FieldActivation.Sine, Inputs: 1, FirstOmega0: FirstOmega0),
        LearningRate = 1e-4,
        Batch = 8192,
        Schedule = LearningRateSchedule.Cosine,
        Steps = 2000,
    };
}

/// <summary>Fits a clip with a 1-D field on <see cref="FieldTrainer"/> and writes the sound, pictures, metrics and checkpoint.</summary>
public static class AudioExperiment
{
    /// <summary>PSNRs (dB) whose first-reaching time metrics.json records.</summary>
    static readonly int[] SecondsToDecibels = [30, 40, 50];

    /// <summary>Every file <see cref="Run"/> writes into its output directory.</summary>
    public static readonly string[] OutputFiles =
    [
        "reconstruction.wav", "ground_truth.wav", "waveform.png", "spectrogram.png", "curves.png", "metrics.json",
        FieldCheckpoint.ConfigFile, FieldCheckpoint.WeightsFile,
    ];

    /// <summary>Fits <paramref name="clip"/> scaled to peak 1 and measures the fit; writes into <paramref
    /// name="output"/> when given (the caller commits).</summary>
    /// <param name="clip">The clip; its channel count overrides the configuration's.</param>
    /// <param name="clipName">How metrics name the clip.</param>
    /// <param name="config">The fit; the field takes 1 coordinate.</param>
    /// <param name="output">Where the outputs go; null writes nothing.</param>
    /// <param name="progress">Progress sink, may be null.</param>
    /// <param name="cancel">Ends training early; the field so far is still measured and written.</param>
    /// <exception cref="BadInputException">The clip is silent, or the configuration is invalid.</exception>
    public static (AudioMetrics Metrics, FitResult Fit) Run(AudioClip clip, string clipName, FitConfig config,
        OutputDirectory? output, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        double peak = clip.Peak;
        if (!(peak > 0)) throw new BadInputException($"audio '{clipName}' is silent (every sample is 0): nothing to fit");
        var signal = clip.ToSignal(peak);
        var fit = FieldTrainer.Fit(signal, config with { Architecture = config.Architecture with { Inputs = 1, Channels = clip.Channels } }, progress, cancel: cancel);
        try
        {
            return (Measure(clip, clipName, signal, peak, fit, output), fit);
        }
        catch
        {
            fit.Dispose();
            throw;
        }
    }

    static AudioMetrics Measure(AudioClip clip, string clipName, FieldSignal signal, double peak, FitResult fit, OutputDirectory? output)
    {
        using var scope = NewDisposeScope();
        var rendered = signal.Render(fit.Model);                                  // (N, C), scaled by 1/peak
        var normalised = rendered.to_type(ScalarType.Float64);
        var truth = signal.ToTensor().to_type(ScalarType.Float64);                 // (N, C)
        double mse = (normalised - truth).square().mean().item<double>();
        double snr = 10 * Math.Log10(truth.square().sum().item<double>() / (normalised - truth).square().sum().item<double>());
        var fitted = (rendered * (float)peak).reshape(-1).data<float>().ToArray(); // interleaved, original units
        var config = fit.Config;
        var architecture = config.Architecture;
        if (output != null)
        {
            AudioClip.WritePcm16(output.PathFor("reconstruction.wav"), clip.SampleRate, clip.Channels, fitted);
            clip.WritePcm16(output.PathFor("ground_truth.wav"));
            string title = $"{clipName}: SIREN (ω0 {architecture.FirstLayerOmega0:G4} first layer), {fit.Steps} steps, {FieldTrainer.Psnr(mse):F1} dB";
            AudioFigures.SaveWaveform(clip.Samples, fitted, clip.Channels, clip.SampleRate, title, output.PathFor("waveform.png"));
            AudioFigures.SaveSpectrograms(clip.Samples, fitted, clip.Channels, clip.SampleRate, title, output.PathFor("spectrogram.png"));
            FieldFigures.SaveCurves(fit, output.PathFor("curves.png"),
                $"audio field, {clip.Frames} samples, {fit.Steps} steps, {fit.Seconds:F0} s, final {fit.Psnr:F2} dB");
        }
        var metrics = new AudioMetrics
        {
            Psnr = FieldTrainer.Psnr(mse),
            Snr = snr,
            Steps = fit.Steps,
            Seconds = fit.Seconds,
            StoppedBecause = fit.StopName,
            Clip = clipName,
            Encoding = clip.Encoding,
            SampleRate = clip.SampleRate,
            Channels = clip.Channels,
            Samples = clip.Frames,
            DurationSeconds = clip.Seconds,
            Peak = peak,
            Activation = architecture.Activation.ToString().ToLowerInvariant(),
            Hidden = architecture.Hidden,
            Layers = architecture.Layers,
            Omega0 = architecture.Omega0,
            FirstOmega0 = architecture.FirstLayerOmega0,
            LearningRate = config.LearningRate,
            Batch = config.Batch?.ToString() ?? "full",
            Schedule = config.Schedule.ToString().ToLowerInvariant(),
            Seed = config.Seed,
            SecondsTo = SecondsToDecibels.ToDictionary(db => $"{db}db", db => fit.FirstReaching(db)?.Seconds),
        };
        if (output != null)
        {
            output.WriteAllText("metrics.json", Json.Serialize(metrics));
            new FieldCheckpoint
            {
                Architecture = architecture, Fit = config, ImageHeight = 1, ImageWidth = clip.Frames, Steps = fit.Steps, Psnr = metrics.Psnr,
                SampleRate = clip.SampleRate,
            }.Save(output, fit.Model);
        }
        return metrics;
    }
}
