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
    readonly Option<string?> _preset = new("--preset") { Description = "The homework's recipes: relu (300 epochs, lr 0.001, batch 64), tanh (300 epochs, lr 0.001, batch 100), sine (200 epochs, lr 0.0001, batch 2048). Flags override." };
    readonly Option<string?> _activation = new("--activation") { Description = "relu | tanh | sine | silu (default sine; silu behind an encoding)." };
    readonly Option<int?> _hidden = FieldOptions.Hidden();
    readonly Option<int?> _layers = FieldOptions.Layers();
    readonly Option<double?> _omega0 = new("--omega0") { Description = "SIREN's frequency factor ω0 in sin(ω0·(Wx+b)) (default 30)." };
    readonly Option<string?> _init = new("--init") { Description = "siren | default: SIREN's initialisation, or libtorch's default (the Q8 ablation)." };
    readonly Option<double?> _lr = FieldOptions.LearningRate();
    readonly Option<int?> _steps = FieldOptions.Steps();
    readonly Option<int?> _epochs = new("--epochs") { Description = "Passes over all pixels in shuffled minibatches (instead of --steps)." };
    readonly Option<string?> _batch = new("--batch") { Description = $"Pixels per step, or 'full' for the whole image (default {FitDefaults.Config.Batch})." };
    readonly Option<string?> _schedule = new("--schedule") { Description = "Learning-rate decay: constant | step (halve at 25/50/75 %) | cosine (to lr/100)." };
    readonly Option<double?> _targetPsnr = new("--target-psnr") { Description = "Stop as soon as the whole-image PSNR reaches this many dB." };
    readonly Option<int?> _size = new("--size") { Description = $"Shrink so the longer side has at most N pixels (box filter; default {FitDefaults.Size}). A smaller image keeps its size unless --upsample is given." };
    readonly Option<bool> _upsample = new("--upsample") { Description = "Let --size enlarge a smaller image too (each pixel becomes a block: the field learns the blocks' edges)." };
    readonly Option<int?> _channels = new("--channels") { Description = "1 (grayscale) or 3 (RGB); default: as the image." };
    readonly Option<long> _maxPixels = FieldOptions.MaxPixels();
    readonly Option<int?> _evalEvery = new("--eval-every") { Description = "Whole-image PSNR every N steps (default: about every half epoch)." };
    readonly Option<string?> _encoding = new("--encoding") { Description = "none | fourier | grid: the coordinates as they are (the homework's networks), Gaussian Fourier features, or Instant-NGP's multiresolution grid. Each brings its own defaults (decoder, lr, Adam, batch, steps); flags override." };
    readonly Option<int?> _fourierFeatures = new("--fourier-features") { Description = "Fourier: number m of random frequencies (2m features; default 256)." };
    readonly Option<double?> _fourierScale = new("--fourier-scale") { Description = "Fourier: σ of the frequencies B ~ N(0, σ²), in cycles across the image's longer side (default 10)." };
    readonly Option<int?> _gridLevels = new("--grid-levels") { Description = "Grid: resolution levels L (default 8)." };
    readonly Option<int?> _gridFeatures = new("--grid-features") { Description = "Grid: features per vertex F (default 2)." };
    readonly Option<int?> _gridMin = new("--grid-min") { Description = "Grid: cells across the longer side at the coarsest level (default 16)." };
    readonly Option<int?> _gridMax = new("--grid-max") { Description = "Grid: cells across the longer side at the finest level (default: the image's longer side)." };
    readonly Option<int?> _gridTable = new("--grid-table") { Description = "Grid: entries per level at most; larger levels are spatially hashed (default 4096)." };
    readonly Option<long?> _maxParameters = new("--max-parameters") { Description = "Size the field (grid table, Fourier features, or hidden width without an encoding) to the most that fits in N trainable parameters." };
    readonly Option<string?> _supervise = new("--supervise") { Description = "What the loss compares: value (default) | gradient (Sobel) | laplacian (5-point stencil); a field fitted from derivatives is the image up to a constant (or a harmonic function), so PSNR is reported after the least-squares constant (Laplacian: constant + plane)." };
    readonly Option<double?> _firstOmega0 = new("--first-omega0") { Description = $"ω0 of the first sine layer only (default: --omega0 for images, {AudioDefaults.FirstOmega0} for audio, as SIREN's paper)." };
    readonly Option<bool> _audioDemo = new("--audio-demo") { Description = "Fit the generated demo clip (3 s, 16 kHz; see the docs) as audio; a .wav IMAGE argument is fitted as audio too." };
    readonly Option<long> _maxSamples = new("--max-samples") { Description = "Refuse WAV files with more samples (all channels) than this (checked from the header).", DefaultValueFactory = _ => AudioClip.DefaultMaxSamples };

    protected override IEnumerable<Symbol> Symbols =>
    [
        _image, _preset, _activation, _hidden, _layers, _omega0, _init, _lr, _steps, _epochs, _batch, _schedule, _targetPsnr, _size, _upsample, _channels, _maxPixels, _evalEvery,
        _encoding, _fourierFeatures, _fourierScale, _gridLevels, _gridFeatures, _gridMin, _gridMax, _gridTable, _maxParameters,
        _supervise, _firstOmega0, _audioDemo, _maxSamples,
    ];

    /// <summary>The trainer stops at the next step on Ctrl+C and the run still writes and prints what it reached.</summary>
    protected override bool StopsOnCancel => true;

    protected override Outcome Execute(CommandContext c)
    {
        string? path = c.Get(_image);
        bool audio = c.Get(_audioDemo) || (path?.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ?? false);
        if (audio && c.Get(_audioDemo) && path != null) throw new BadInputException("give a WAV file or --audio-demo, not both");
        if (audio && c.Get(_preset) is not null) throw new BadInputException("--preset is for images; audio uses SIREN's audio recipe");
        if (audio && (c.Get(_size) is not null || c.Get(_channels) is not null))
            throw new BadInputException("--size and --channels are for images; a clip is fitted at its own length and channels");
        var kind = c.Get(_encoding) is string e ? ParseEncoding(e) : EncodingKind.None;
        if (audio && kind != EncodingKind.None) throw new BadInputException($"--encoding {c.Get(_encoding)} encodes 2-D coordinates (images); audio is fitted with --encoding none");
        var basis = audio ? AudioDefaults.Config
            : c.Get(_preset) is string p ? FitPresets.Get(p) with { Encoding = new EncodingConfig { Kind = kind } } : FitDefaults.For(kind);
        bool budgetGiven = c.Get(_steps) is not null || c.Get(_epochs) is not null;
        var arch = basis.Architecture;
        arch = arch with
        {
            Activation = c.Get(_activation) is string a ? ParseActivation(a) : arch.Activation,
            Hidden = c.Get(_hidden) ?? arch.Hidden,
            Layers = c.Get(_layers) ?? arch.Layers,
            Omega0 = c.Get(_omega0) ?? arch.Omega0,
            Init = c.Get(_init) is string i ? ParseInit(i) : arch.Init,
            FirstOmega0 = c.Get(_firstOmega0) ?? arch.FirstOmega0,
        };
        var config = basis with
        {
            Architecture = arch,
            LearningRate = c.Get(_lr) ?? basis.LearningRate,
            Steps = budgetGiven ? c.Get(_steps) : c.Quick ? 200 : basis.Steps,
            Epochs = budgetGiven ? c.Get(_epochs) : c.Quick ? null : basis.Epochs,
            Batch = c.Get(_batch) is string b ? ParseBatch(b) : basis.Batch,
            Schedule = c.Get(_schedule) is string s ? ParseSchedule(s) : basis.Schedule,
            TargetPsnr = c.Get(_targetPsnr),
            EvalEvery = c.Get(_evalEvery),
            Seed = c.Seed,
            Supervision = c.Get(_supervise) is string sv ? FieldLosses.Parse(sv) : basis.Supervision,
        };
        return audio ? FitAudio(c, path, config) : FitImage(c, path, config);
    }

    Outcome FitImage(CommandContext c, string? path, FitConfig config)
    {
        int? sizeValue = c.Get(_size) ?? (c.Quick ? 64 : FitDefaults.Size);
        var target = FieldImage.Load(path, c.Get(_channels), sizeValue, c.Get(_maxPixels), c.Get(_upsample));
        if (c.Get(_size) is int askedSize && Math.Max(target.Width, target.Height) < askedSize)
            c.Note($"note: the image is {target.Width}×{target.Height}; --size {askedSize} does not enlarge it (add --upsample to enlarge it)");
        config = config with
        {
            Architecture = config.Architecture with { Channels = target.Channels },
            Encoding = config.Encoding with
            {
                FourierFeatures = c.Get(_fourierFeatures) ?? config.Encoding.FourierFeatures,
                FourierScale = c.Get(_fourierScale) ?? config.Encoding.FourierScale,
                GridLevels = c.Get(_gridLevels) ?? config.Encoding.GridLevels,
                GridFeatures = c.Get(_gridFeatures) ?? config.Encoding.GridFeatures,
                GridMin = c.Get(_gridMin) ?? config.Encoding.GridMin,
                // A finest level of one cell per pixel: finer cells would hold no more of the image.
                GridMax = c.Get(_gridMax) ?? Math.Max(target.Width, target.Height),
                GridTable = c.Get(_gridTable) ?? config.Encoding.GridTable,
            },
        };
        if (config.Encoding.Kind == EncodingKind.Grid && c.Get(_gridMax) is null && config.Encoding.GridMax < config.Encoding.GridMin)
            config = config with { Encoding = config.Encoding with { GridMax = config.Encoding.GridMin } };
        config.Validate();
        if (c.Get(_maxParameters) is long budget) config = FieldParameters.SizeToBudget(config, budget);
        var output = c.OpenOutput();
        var (metrics, fit) = c.Progress(progress =>
            FieldExperiment.Run(target, path ?? FieldImage.DefaultName, config, output, progress, c.Cancel, c.Budget));
        fit.Dispose();
        return new Outcome(metrics, o =>
        {
            o.WriteLine($"{FieldExperiment.FieldLabel(config)} ({metrics.Parameters:N0} parameters) on {metrics.Image} ({metrics.Width}×{metrics.Height}): " +
                        $"PSNR {metrics.Psnr:F2} dB after {metrics.Steps} steps in {metrics.Seconds:F1} s ({metrics.StoppedBecause})");
            o.WriteLine($"mean |Laplacian| {metrics.LaplacianAbsMean:G4} (ground truth {metrics.GroundTruthLaplacianAbsMean:G4}); " +
                        $"gradient correlation with Sobel {metrics.GradientCorrelation:F3}");
            if (metrics.Supervision is { } sup)
                o.WriteLine($"fitted from the {sup.Supervision} alone: PSNR {metrics.Psnr:F2} dB after the {sup.PsnrAfter}; " +
                            $"after the constant only {sup.PsnrAfterConstant:F2} dB; {sup.Supervision} error (the loss's) MSE {sup.SupervisedMse:G4}, relative {sup.SupervisedRelativeError:P1}");
            if (output != null) o.WriteLine($"wrote {string.Join(", ", FieldExperiment.OutputFiles)} to {output.Root}");
        });
    }

    /// <summary>fit on a clip: the same trainer over t ∈ [-1, 1]; outputs reconstruction.wav and the audio figures.</summary>
    Outcome FitAudio(CommandContext c, string? path, FitConfig config)
    {
        long maxSamples = c.Get(_maxSamples);
        if (maxSamples <= 0) throw new BadInputException($"--max-samples must be positive, not {maxSamples}");
        // --quick keeps a quarter second of the demo: a run of seconds, as the tests use.
        var clip = path is null ? AudioDemo.Create(c.Quick ? 0.25 : AudioDemo.DefaultSeconds) : AudioClip.Read(path, maxSamples);
        if (path is null && clip.Samples.Length > maxSamples)
            throw new BadInputException($"the demo clip has {clip.Samples.Length:N0} samples, over the budget of {maxSamples:N0} (--max-samples)");
        // SIREN's ω0 = 3000 is for clips of seconds on t ∈ [-1, 1]; the quick quarter-second demo keeps the same
        // first-layer frequency per second of sound (3000 · 0.25 / 3 = 250) unless --first-omega0 says otherwise.
        var architecture = config.Architecture;
        if (path is null && c.Quick && c.Get(_firstOmega0) is null)
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
