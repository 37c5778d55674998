using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Encodings;
using NeuralLab.NeuralFields.Audio;
using NeuralLab.NeuralFields.Supervision;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab fit [IMAGE]</c>: the main job.</summary>
public sealed class FitCommand() : NeuralLabCommand("fit", """
    Fit an image with a neural field — a coordinate MLP (ReLU, Tanh or SIREN), optionally behind Fourier features
    or a multiresolution grid — and show its gradient and Laplacian.

    Writes reconstruction.png, gradient.png, laplacian.png, the ground truth's three, panel.png (all six side by
    side), curves.png, metrics.json and a checkpoint (model.json + model.bin) to --out.

    Examples:
      neurallab fit --out runs/cameraman
      neurallab fit photo.jpg --size 512 --channels 3 --target-psnr 35 --out runs/photo
      neurallab fit --preset relu --epochs 20 --out runs/relu
      neurallab fit --encoding grid --max-parameters 65536 --target-psnr 40 --out runs/grid
    """), ICommandFactory
{
    public int Order => 10;

    readonly Argument<string?> _image = new("IMAGE") { Description = "PNG, JPEG or WebP to fit, or a .wav clip (fitted as audio); default: the embedded cameraman.", Arity = ArgumentArity.ZeroOrOne };
    readonly FitOptions _field = new();
    readonly Option<string?> _supervise = new("--supervise") { Description = "What the loss compares: value (default) | gradient (Sobel) | laplacian (5-point stencil); a field fitted from derivatives is the image up to a constant (or a harmonic function), so PSNR is reported after the least-squares constant (Laplacian: constant + plane)." };
    readonly Option<bool> _audioDemo = new("--audio-demo") { Description = "Fit the generated demo clip (3 s, 16 kHz; see the docs) as audio; a .wav IMAGE argument is fitted as audio too." };
    readonly Option<long> _maxSamples = new("--max-samples") { Description = "Refuse WAV files with more samples (all channels) than this (checked from the header).", DefaultValueFactory = _ => AudioClip.DefaultMaxSamples };

    readonly Option<string?> _gradientSpans = new("--gradient-spans") { Description = "With --supervise gradient: on (default) | off: also fit the field's differences over long spans to the gradient's line integrals, so the image's large-scale brightness is not learned last (docs/neural-fields.md)." };
    protected override IEnumerable<Symbol> Symbols => [_image, .. _field.Symbols, _supervise, _gradientSpans, _audioDemo, _maxSamples];

    /// <summary>The trainer stops at the next step on Ctrl+C and the run still writes and prints what it reached.</summary>
    protected override bool StopsOnCancel => true;

    protected override Outcome Execute(CommandContext c)
    {
        string? path = c.Get(_image);
        bool audio = c.Get(_audioDemo) || (path?.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ?? false);
        if (audio && c.Get(_audioDemo) && path != null) throw new BadInputException("give a WAV file or --audio-demo, not both");
        if (audio && c.Get(_field.Preset) is not null) throw new BadInputException("--preset is for images; audio uses SIREN's audio recipe");
        if (audio && (c.Get(_field.Size) is not null || c.Get(_field.Channels) is not null))
            throw new BadInputException("--size and --channels are for images; a clip is fitted at its own length and channels");
        // --max-samples bounds a WAV's header before it is read; an image has none, so the flag would do nothing.
        if (!audio && c.Parsed.GetResult(_maxSamples) is { Implicit: false })
            throw new BadInputException("--max-samples is for audio (a .wav IMAGE or --audio-demo), not an image");
        var kind = _field.Kind(c);
        // The encoding goes into the audio recipe too: FitConfig.Validate refuses an encoding of 1-D coordinates by its name (--encoding).
        var basis = audio ? AudioDefaults.Config with { Encoding = new EncodingConfig { Kind = kind } } : _field.Basis(c, kind);
        var config = _field.Config(c, basis) with { Supervision = c.Get(_supervise) is string sv ? FieldLosses.Parse(sv) : basis.Supervision };
        if (c.Get(_gradientSpans) is string spans)
            config = config with
            {
                GradientSpans = spans.ToLowerInvariant() switch
                {
                    "on" => true,
                    "off" => false,
                    _ => throw new BadInputException($"--gradient-spans must be on or off, not '{spans}'"),
                },
            };
        // The spans integrate a gradient target: a value or Laplacian fit has nothing for them to use, so the flag would do nothing.
        if (c.Get(_gradientSpans) is not null && config.Supervision != FieldSupervision.Gradient)
            throw new BadInputException($"--gradient-spans is for --supervise gradient, not {config.Supervision.ToString().ToLowerInvariant()}");
        return audio ? FitAudio(c, path, config) : FitImage(c, path, config);
    }

    Outcome FitImage(CommandContext c, string? path, FitConfig config)
    {
        var target = _field.LoadImage(c, path, c.Quick ? 64 : FitDefaults.Size);
        config = _field.ForImage(c, config, target.Channels, Math.Max(target.Width, target.Height));
        var output = c.OpenOutput();
        var (metrics, fit) = c.Progress(progress =>
            FieldExperiment.Run(target, path ?? FieldImage.DefaultName, config, output, progress, c.Budget, c.Cancel));
        fit.Dispose();
        return new Outcome(metrics, o =>
        {
            o.WriteLine($"{FieldExperiment.FieldLabel(config)} ({metrics.Parameters:N0} parameters) on {metrics.Image} ({metrics.Width}×{metrics.Height}): " +
                        $"PSNR {metrics.Psnr:F2} dB after {metrics.Steps} steps in {metrics.Seconds:F1} s ({metrics.StoppedBecause})");
            o.WriteLine($"mean |Laplacian| {metrics.LaplacianAbsMean:G4} (ground truth {metrics.GroundTruthLaplacianAbsMean:G4}); " +
                        $"gradient correlation with Sobel {metrics.GradientCorrelation:F3}");
            if (metrics.Supervision is { } sup)
                o.WriteLine($"fitted from the {sup.Supervision} alone{(sup.GradientSpans == true ? " (with long-span differences)" : "")}: PSNR {metrics.Psnr:F2} dB after the {sup.PsnrAfter}; " +
                            $"after the constant only {sup.PsnrAfterConstant:F2} dB; {sup.Supervision} error (the loss's) MSE {sup.SupervisedMse:G4}, relative {sup.SupervisedRelativeError:P1}");
            if (output != null) o.WriteLine($"wrote {string.Join(", ", FieldExperiment.OutputFiles)} to {output.Root}");
        });
    }

    /// <summary>fit on a clip: the same trainer over t ∈ [-1, 1]; outputs reconstruction.wav and the audio figures.</summary>
    Outcome FitAudio(CommandContext c, string? path, FitConfig config)
    {
        long maxSamples = c.Get(_maxSamples);
        // --quick keeps a quarter second of the demo: a run of seconds, as the tests use.
        var clip = path is null ? AudioDemo.Create(c.Quick ? 0.25 : AudioDemo.DefaultSeconds, maxSamples) : AudioClip.Read(path, maxSamples);
        // SIREN's ω0 = 3000 is for clips of seconds on t ∈ [-1, 1]; the quick quarter-second demo keeps the same
        // first-layer frequency per second of sound (3000 · 0.25 / 3 = 250) unless --first-omega0 says otherwise.
        var architecture = config.Architecture;
        if (path is null && c.Quick && c.Get(_field.FirstOmega0) is null)
            architecture = architecture with { FirstOmega0 = AudioDefaults.FirstOmega0 * clip.Seconds / AudioDemo.DefaultSeconds };
        config = config with { Architecture = architecture with { Inputs = 1, Channels = clip.Channels } };
        config.Validate();
        var output = c.OpenOutput();
        var (metrics, fit) = c.Progress(progress => AudioExperiment.Run(clip, path ?? AudioDemo.Name, config, output, progress, c.Cancel));
        fit.Dispose();
        return new Outcome(metrics, o =>
        {
            o.WriteLine($"audio field on {metrics.Clip} ({metrics.Samples} samples × {metrics.Channels} at {metrics.SampleRate} Hz, {metrics.DurationSeconds:F2} s): " +
                        $"PSNR {metrics.Psnr:F2} dB, SNR {metrics.Snr:F2} dB after {metrics.Steps} steps in {metrics.Seconds:F1} s ({metrics.StoppedBecause})");
            if (output != null) o.WriteLine($"wrote {string.Join(", ", AudioExperiment.OutputFiles)} to {output.Root}");
        });
    }
}
