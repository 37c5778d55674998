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
        var preset = new Option<string?>("--preset") { Description = "The homework's recipes: relu (300 epochs, lr 0.001, batch 64), tanh (300 epochs, lr 0.001, batch 100), sine (200 epochs, lr 0.0001, batch 2048). Flags override." };
        var activation = new Option<string?>("--activation") { Description = "relu | tanh | sine | silu (default sine; silu behind an encoding)." };
        var hidden = new Option<int?>("--hidden") { Description = "Units per hidden layer (default 256)." };
        var layers = new Option<int?>("--layers") { Description = "Hidden-to-hidden layers (default 3)." };
        var omega0 = new Option<double?>("--omega0") { Description = "SIREN's frequency factor ω0 in sin(ω0·(Wx+b)) (default 30)." };
        var init = new Option<string?>("--init") { Description = "siren | default: SIREN's initialisation, or libtorch's default (the Q8 ablation)." };
        var lr = new Option<double?>("--lr") { Description = $"Adam's learning rate (default {FitDefaults.Config.LearningRate})." };
        var steps = new Option<int?>("--steps") { Description = $"Optimiser steps (default {FitDefaults.Config.Steps})." };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over all pixels in shuffled minibatches (instead of --steps)." };
        var batch = new Option<string?>("--batch") { Description = $"Pixels per step, or 'full' for the whole image (default {FitDefaults.Config.Batch})." };
        var schedule = new Option<string?>("--schedule") { Description = "Learning-rate decay: constant | step (halve at 25/50/75 %) | cosine (to lr/100)." };
        var targetPsnr = new Option<double?>("--target-psnr") { Description = "Stop as soon as the whole-image PSNR reaches this many dB." };
        var size = new Option<int?>("--size") { Description = $"Shrink so the longer side has at most N pixels (box filter; default {FitDefaults.Size}). A smaller image keeps its size unless --upsample is given." };
        var upsample = new Option<bool>("--upsample") { Description = "Let --size enlarge a smaller image too (each pixel becomes a block: the field learns the blocks' edges)." };
        var channels = new Option<int?>("--channels") { Description = "1 (grayscale) or 3 (RGB); default: as the image." };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this (checked from the header).", DefaultValueFactory = _ => FieldImage.DefaultMaxPixels };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Whole-image PSNR every N steps (default: about every half epoch)." };
        var encoding = new Option<string?>("--encoding") { Description = "none | fourier | grid: the coordinates as they are (the homework's networks), Gaussian Fourier features, or Instant-NGP's multiresolution grid. Each brings its own defaults (decoder, lr, Adam, batch, steps); flags override." };
        var fourierFeatures = new Option<int?>("--fourier-features") { Description = "Fourier: number m of random frequencies (2m features; default 256)." };
        var fourierScale = new Option<double?>("--fourier-scale") { Description = "Fourier: σ of the frequencies B ~ N(0, σ²), in cycles across the image's longer side (default 10)." };
        var gridLevels = new Option<int?>("--grid-levels") { Description = "Grid: resolution levels L (default 8)." };
        var gridFeatures = new Option<int?>("--grid-features") { Description = "Grid: features per vertex F (default 2)." };
        var gridMin = new Option<int?>("--grid-min") { Description = "Grid: cells across the longer side at the coarsest level (default 16)." };
        var gridMax = new Option<int?>("--grid-max") { Description = "Grid: cells across the longer side at the finest level (default: the image's longer side)." };
        var gridTable = new Option<int?>("--grid-table") { Description = "Grid: entries per level at most; larger levels are spatially hashed (default 4096)." };
        var maxParameters = new Option<long?>("--max-parameters") { Description = "Size the field (grid table, Fourier features, or hidden width without an encoding) to the most that fits in N trainable parameters." };
        var supervise = new Option<string?>("--supervise") { Description = "What the loss compares: value (default) | gradient (Sobel) | laplacian (5-point stencil); a field fitted from derivatives is the image up to a constant (or a harmonic function), so PSNR is reported after the least-squares constant (Laplacian: constant + plane)." };
        var firstOmega0 = new Option<double?>("--first-omega0") { Description = $"ω0 of the first sine layer only (default: --omega0 for images, {AudioDefaults.FirstOmega0} for audio, as SIREN's paper)." };
        var audioDemo = new Option<bool>("--audio-demo") { Description = "Fit the generated demo clip (3 s, 16 kHz; see the docs) as audio; a .wav IMAGE argument is fitted as audio too." };
        var maxSamples = new Option<long>("--max-samples") { Description = "Refuse WAV files with more samples (all channels) than this (checked from the header).", DefaultValueFactory = _ => AudioClip.DefaultMaxSamples };
        var common = new CommonOptions();
        var command = new Command("fit",
            "Fit an image with a neural field — a coordinate MLP (ReLU, Tanh or SIREN), optionally behind Fourier features or a multiresolution grid — and show its gradient and Laplacian.\n" +
            "Writes reconstruction.png, gradient.png, laplacian.png, the ground truth's three, panel.png (all six side by side), curves.png, metrics.json and a checkpoint (model.json + model.bin) to --out.\n" +
            "Examples:\n  neurallab fit --out runs/cameraman\n  neurallab fit photo.jpg --size 512 --channels 3 --target-psnr 35 --out runs/photo\n  neurallab fit --preset relu --epochs 20 --out runs/relu\n  neurallab fit --encoding grid --max-parameters 65536 --target-psnr 40 --out runs/grid")
        {
            image, preset, activation, hidden, layers, omega0, init, lr, steps, epochs, batch, schedule, targetPsnr, size, upsample, channels, maxPixels, evalEvery,
            encoding, fourierFeatures, fourierScale, gridLevels, gridFeatures, gridMin, gridMax, gridTable, maxParameters,
            supervise, firstOmega0, audioDemo, maxSamples,
        };
        common.AddTo(command);
        command.SetAction(parsed =>
        {
            var c = common.Read(parsed);
            var stdout = parsed.InvocationConfiguration.Output;
            var stderr = parsed.InvocationConfiguration.Error;
            string? path = parsed.GetValue(image);
            bool audio = parsed.GetValue(audioDemo) || (path?.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ?? false);
            if (audio && parsed.GetValue(audioDemo) && path != null) throw new BadInputException("give a WAV file or --audio-demo, not both");
            if (audio && parsed.GetValue(preset) is not null) throw new BadInputException("--preset is for images; audio uses SIREN's audio recipe");
            if (audio && (parsed.GetValue(size) is not null || parsed.GetValue(channels) is not null))
                throw new BadInputException("--size and --channels are for images; a clip is fitted at its own length and channels");
            var kind = parsed.GetValue(encoding) is string e ? ParseEncoding(e) : EncodingKind.None;
            if (audio && kind != EncodingKind.None) throw new BadInputException($"--encoding {parsed.GetValue(encoding)} encodes 2-D coordinates (images); audio is fitted with --encoding none");
            var basis = audio ? AudioDefaults.Config
                : parsed.GetValue(preset) is string p ? FitPresets.Get(p) with { Encoding = new EncodingConfig { Kind = kind } } : FitDefaults.For(kind);
            bool budgetGiven = parsed.GetValue(steps) is not null || parsed.GetValue(epochs) is not null;
            var arch = basis.Architecture;
            arch = arch with
            {
                Activation = parsed.GetValue(activation) is string a ? ParseActivation(a) : arch.Activation,
                Hidden = parsed.GetValue(hidden) ?? arch.Hidden,
                Layers = parsed.GetValue(layers) ?? arch.Layers,
                Omega0 = parsed.GetValue(omega0) ?? arch.Omega0,
                Init = parsed.GetValue(init) is string i ? ParseInit(i) : arch.Init,
                FirstOmega0 = parsed.GetValue(firstOmega0) ?? arch.FirstOmega0,
            };
            var config = basis with
            {
                LearningRate = parsed.GetValue(lr) ?? basis.LearningRate,
                Steps = budgetGiven ? parsed.GetValue(steps) : c.Quick ? 200 : basis.Steps,
                Epochs = budgetGiven ? parsed.GetValue(epochs) : c.Quick ? null : basis.Epochs,
                Batch = parsed.GetValue(batch) is string b ? ParseBatch(b) : basis.Batch,
                Schedule = parsed.GetValue(schedule) is string s ? ParseSchedule(s) : basis.Schedule,
                TargetPsnr = parsed.GetValue(targetPsnr),
                EvalEvery = parsed.GetValue(evalEvery),
                Seed = c.Seed,
                Supervision = parsed.GetValue(supervise) is string sv ? FieldLosses.Parse(sv) : basis.Supervision,
            };
            if (audio) return FitAudio(parsed, c, path, config with { Architecture = arch }, parsed.GetValue(maxSamples), parsed.GetValue(firstOmega0) is not null);
            int? sizeValue = parsed.GetValue(size) ?? (c.Quick ? 64 : FitDefaults.Size);
            var target = FieldImage.Load(path, parsed.GetValue(channels), sizeValue, parsed.GetValue(maxPixels), parsed.GetValue(upsample));
            if (parsed.GetValue(size) is int askedSize && Math.Max(target.Width, target.Height) < askedSize)
                stderr.WriteLine($"neurallab: note: the image is {target.Width}×{target.Height}; --size {askedSize} does not enlarge it (add --upsample to enlarge it)");
            config = config with
            {
                Architecture = arch with { Channels = target.Channels },
                Encoding = config.Encoding with
                {
                    FourierFeatures = parsed.GetValue(fourierFeatures) ?? config.Encoding.FourierFeatures,
                    FourierScale = parsed.GetValue(fourierScale) ?? config.Encoding.FourierScale,
                    GridLevels = parsed.GetValue(gridLevels) ?? config.Encoding.GridLevels,
                    GridFeatures = parsed.GetValue(gridFeatures) ?? config.Encoding.GridFeatures,
                    GridMin = parsed.GetValue(gridMin) ?? config.Encoding.GridMin,
                    // A finest level of one cell per pixel: finer cells would hold no more of the image.
                    GridMax = parsed.GetValue(gridMax) ?? Math.Max(target.Width, target.Height),
                    GridTable = parsed.GetValue(gridTable) ?? config.Encoding.GridTable,
                },
            };
            if (config.Encoding.Kind == EncodingKind.Grid && parsed.GetValue(gridMax) is null && config.Encoding.GridMax < config.Encoding.GridMin)
                config = config with { Encoding = config.Encoding with { GridMax = config.Encoding.GridMin } };
            config.Validate();
            if (parsed.GetValue(maxParameters) is long budget) config = FieldParameters.SizeToBudget(config, budget);
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

    internal static FieldActivation ParseActivation(string s) => s.ToLowerInvariant() switch
    {
        "relu" => FieldActivation.Relu,
        "tanh" => FieldActivation.Tanh,
        "sine" or "siren" or "sin" => FieldActivation.Sine,
        "silu" => FieldActivation.Silu,
        _ => throw new BadInputException($"unknown activation '{s}' (expected relu, tanh, sine or silu)"),
    };

    static EncodingKind ParseEncoding(string s) => s.ToLowerInvariant() switch
    {
        "none" => EncodingKind.None,
        "fourier" => EncodingKind.Fourier,
        "grid" or "hash" => EncodingKind.Grid,
        _ => throw new BadInputException($"unknown --encoding '{s}' (expected none, fourier or grid)"),
    };

    static FieldInit ParseInit(string s) => s.ToLowerInvariant() switch
    {
        "siren" => FieldInit.Siren,
        "default" => FieldInit.Default,
        _ => throw new BadInputException($"unknown --init '{s}' (expected siren or default)"),
    };

    static int? ParseBatch(string s)
    {
        if (s.Equals("full", StringComparison.OrdinalIgnoreCase)) return null;
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) && b > 0) return b;
        throw new BadInputException($"--batch must be a positive number of pixels or 'full', not '{s}'");
    }

    static LearningRateSchedule ParseSchedule(string s) => s.ToLowerInvariant() switch
    {
        "constant" => LearningRateSchedule.Constant,
        "step" => LearningRateSchedule.Step,
        "cosine" => LearningRateSchedule.Cosine,
        _ => throw new BadInputException($"unknown --schedule '{s}' (expected constant, step or cosine)"),
    };
}
