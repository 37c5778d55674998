using System.CommandLine;
using System.Globalization;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Encodings;
using NeuralLab.NeuralFields.Audio;
using NeuralLab.NeuralFields.Supervision;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab fit [IMAGE]</c>: the main job.</summary>
public sealed class FitCommand : ICommandFactory
{
    public int Order => 10;

    public Command Create()
    {
        var image = new Argument<string?>("IMAGE") { Description = "PNG, JPEG or WebP to fit, or a .wav clip (fitted as audio); default: the embedded cameraman.", Arity = ArgumentArity.ZeroOrOne };
        var supervise = new Option<string?>("--supervise") { Description = "What the loss compares: value (default) | gradient (Sobel) | laplacian (5-point stencil); a field fitted from derivatives is the image up to a constant (or a harmonic function), so PSNR is reported after the least-squares constant (Laplacian: constant + plane)." };
        var audioDemo = new Option<bool>("--audio-demo") { Description = "Fit the generated demo clip (3 s, 16 kHz; see the docs) as audio; a .wav IMAGE argument is fitted as audio too." };
        var maxSamples = new Option<long>("--max-samples") { Description = "Refuse WAV files with more samples (all channels) than this (checked from the header).", DefaultValueFactory = _ => AudioClip.DefaultMaxSamples };
        var field = new FitOptions();
        var common = new CommonOptions();
        var command = new Command("fit",
            "Fit an image with a neural field — a coordinate MLP (ReLU, Tanh or SIREN), optionally behind Fourier features or a multiresolution grid — and show its gradient and Laplacian.\n" +
            "Writes reconstruction.png, gradient.png, laplacian.png, the ground truth's three, panel.png (all six side by side), curves.png, metrics.json and a checkpoint (model.json + model.bin) to --out.\n" +
            "Examples:\n  neurallab fit --out runs/cameraman\n  neurallab fit photo.jpg --size 512 --channels 3 --target-psnr 35 --out runs/photo\n  neurallab fit --preset relu --epochs 20 --out runs/relu\n  neurallab fit --encoding grid --max-parameters 65536 --target-psnr 40 --out runs/grid")
        {
            image,
        };
        field.AddTo(command);
        command.Options.Add(supervise);
        command.Options.Add(audioDemo);
        command.Options.Add(maxSamples);
        common.AddTo(command);
        command.SetAction(parsed =>
        {
            var c = common.Read(parsed);
            var stdout = parsed.InvocationConfiguration.Output;
            var stderr = parsed.InvocationConfiguration.Error;
            string? path = parsed.GetValue(image);
            bool audio = parsed.GetValue(audioDemo) || (path?.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ?? false);
            if (audio && parsed.GetValue(audioDemo) && path != null) throw new BadInputException("give a WAV file or --audio-demo, not both");
            if (audio && parsed.GetValue(field.Preset) is not null) throw new BadInputException("--preset is for images; audio uses SIREN's audio recipe");
            if (audio && (parsed.GetValue(field.Size) is not null || parsed.GetValue(field.Channels) is not null))
                throw new BadInputException("--size and --channels are for images; a clip is fitted at its own length and channels");
            var kind = field.Kind(parsed);
            if (audio && kind != EncodingKind.None) throw new BadInputException($"--encoding {parsed.GetValue(field.Encoding)} encodes 2-D coordinates (images); audio is fitted with --encoding none");
            var basis = audio ? AudioDefaults.Config : field.Basis(parsed, kind);
            var config = field.Config(parsed, c, basis) with
            {
                Supervision = parsed.GetValue(supervise) is string sv ? FieldLosses.Parse(sv) : basis.Supervision,
            };
            if (audio) return FitAudio(parsed, c, path, config, parsed.GetValue(maxSamples), parsed.GetValue(field.FirstOmega0) is not null);
            var target = field.LoadImage(parsed, path, c.Quick ? 64 : FitDefaults.Size, stderr);
            config = field.ForImage(parsed, config, target.Channels, Math.Max(target.Width, target.Height));
            using var output = c.OpenOut();
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                var (metrics, fit) = ConsoleProgress.Run(stderr, progress =>
                    FieldExperiment.Run(target, path ?? FieldImage.DefaultName, config, output, progress, cancel.Token, c.Budget));
                fit.Dispose();
                output?.Commit();
                if (c.Json) c.EmitJson(stdout, metrics);
                else
                {
                    stdout.WriteLine($"{FieldExperiment.FieldLabel(config)} ({metrics.Parameters:N0} parameters) on {metrics.Image} ({metrics.Width}×{metrics.Height}): " +
                                     $"PSNR {metrics.Psnr:F2} dB after {metrics.Steps} steps in {metrics.Seconds:F1} s ({metrics.StoppedBecause})");
                    stdout.WriteLine($"mean |Laplacian| {metrics.LaplacianAbsMean:G4} (ground truth {metrics.GroundTruthLaplacianAbsMean:G4}); " +
                                     $"gradient correlation with Sobel {metrics.GradientCorrelation:F3}");
                    if (metrics.Supervision is { } sup)
                        stdout.WriteLine($"fitted from the {sup.Supervision} alone: PSNR {metrics.Psnr:F2} dB after the {sup.PsnrAfter}; " +
                                         $"after the constant only {sup.PsnrAfterConstant:F2} dB; {sup.Supervision} error (the loss's) MSE {sup.SupervisedMse:G4}, relative {sup.SupervisedRelativeError:P1}");
                    if (output != null) stdout.WriteLine($"wrote {string.Join(", ", FieldExperiment.OutputFiles)} to {output.Root}");
                }
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            return 0;
        });
        return command;
    }

    /// <summary>fit on a clip: the same trainer over t ∈ [-1, 1]; outputs reconstruction.wav and the audio figures.</summary>
    static int FitAudio(ParseResult parsed, CommonValues c, string? path, FitConfig config, long maxSamples, bool firstOmega0Given)
    {
        var stdout = parsed.InvocationConfiguration.Output;
        var stderr = parsed.InvocationConfiguration.Error;
        if (maxSamples <= 0) throw new BadInputException($"--max-samples must be positive, not {maxSamples}");
        // --quick keeps a quarter second of the demo: a run of seconds, as the tests use.
        var clip = path is null ? AudioDemo.Create(c.Quick ? 0.25 : AudioDemo.DefaultSeconds) : AudioClip.Read(path, maxSamples);
        if (path is null && clip.Samples.Length > maxSamples)
            throw new BadInputException($"the demo clip has {clip.Samples.Length:N0} samples, over the budget of {maxSamples:N0} (--max-samples)");
        // SIREN's ω0 = 3000 is for clips of seconds on t ∈ [-1, 1]; the quick quarter-second demo keeps the same
        // first-layer frequency per second of sound (3000 · 0.25 / 3 = 250) unless --first-omega0 says otherwise.
        var architecture = config.Architecture;
        if (path is null && c.Quick && !firstOmega0Given)
            architecture = architecture with { FirstOmega0 = AudioDefaults.FirstOmega0 * clip.Seconds / AudioDemo.DefaultSeconds };
        config = config with { Architecture = architecture with { Inputs = 1, Channels = clip.Channels } };
        config.Validate();
        using var output = c.OpenOut();
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var (metrics, fit) = ConsoleProgress.Run(stderr, progress =>
                AudioExperiment.Run(clip, path ?? AudioDemo.Name, config, output, progress, cancel.Token));
            fit.Dispose();
            output?.Commit();
            if (c.Json) c.EmitJson(stdout, metrics);
            else
            {
                stdout.WriteLine($"audio field on {metrics.Clip} ({metrics.Samples} samples × {metrics.Channels} at {metrics.SampleRate} Hz, {metrics.DurationSeconds:F2} s): " +
                                 $"PSNR {metrics.Psnr:F2} dB, SNR {metrics.Snr:F2} dB after {metrics.Steps} steps in {metrics.Seconds:F1} s ({metrics.StoppedBecause})");
                if (output != null) stdout.WriteLine($"wrote {string.Join(", ", AudioExperiment.OutputFiles)} to {output.Root}");
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        return 0;
    }
}
