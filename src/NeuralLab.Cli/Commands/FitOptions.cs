using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Audio;
using NeuralLab.NeuralFields.Encodings;

namespace NeuralLab.Cli.Commands;

/// <summary>
/// fit's options that describe the field and its training (architecture, encoding, optimiser, budget, image size), and
/// how they become a <see cref="FitConfig"/>: one set-up shared by <c>fit</c> and <c>tiles fit</c>. Each command holds
/// its own instance (a System.CommandLine symbol has one parent).
/// </summary>
sealed class FitOptions
{
    public Option<string?> Preset { get; } = new("--preset") { Description = "The homework's recipes: relu (300 epochs, lr 0.001, batch 64), tanh (300 epochs, lr 0.001, batch 100), sine (200 epochs, lr 0.0001, batch 2048). Flags override." };
    public Option<string?> Activation { get; } = new("--activation") { Description = "relu | tanh | sine | silu (default sine; silu behind an encoding)." };
    public Option<int?> Hidden { get; } = FieldOptions.Hidden();
    public Option<int?> Layers { get; } = FieldOptions.Layers();
    public Option<double?> Omega0 { get; } = new("--omega0") { Description = "SIREN's frequency factor ω0 in sin(ω0·(Wx+b)) (default 30)." };
    public Option<string?> Init { get; } = new("--init") { Description = "siren | default: SIREN's initialisation, or libtorch's default (the Q8 ablation)." };
    public Option<double?> Lr { get; } = FieldOptions.LearningRate();
    public Option<int?> Steps { get; } = FieldOptions.Steps();
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Passes over all pixels in shuffled minibatches (instead of --steps)." };
    public Option<string?> Batch { get; } = new("--batch") { Description = $"Pixels per step, or 'full' for the whole image (default {FitDefaults.Config.Batch})." };
    public Option<string?> Schedule { get; } = new("--schedule") { Description = "Learning-rate decay: constant | step (halve at 25/50/75 %) | cosine (to lr/100)." };
    public Option<double?> TargetPsnr { get; } = new("--target-psnr") { Description = "Stop as soon as the whole-image PSNR reaches this many dB." };
    public Option<int?> Size { get; } = new("--size") { Description = $"Shrink so the longer side has at most N pixels (box filter; default {FitDefaults.Size}). A smaller image keeps its size unless --upsample is given." };
    public Option<bool> Upsample { get; } = new("--upsample") { Description = "Let --size enlarge a smaller image too (each pixel becomes a block: the field learns the blocks' edges)." };
    public Option<int?> Channels { get; } = new("--channels") { Description = "1 (grayscale) or 3 (RGB); default: as the image." };
    public Option<long> MaxPixels { get; } = FieldOptions.MaxPixels();
    public Option<int?> EvalEvery { get; } = new("--eval-every") { Description = "Whole-image PSNR every N steps (default: about every half epoch)." };
    public Option<string?> Encoding { get; } = new("--encoding") { Description = "none | fourier | grid: the coordinates as they are (the homework's networks), Gaussian Fourier features, or Instant-NGP's multiresolution grid. Each brings its own defaults (decoder, lr, Adam, batch, steps); flags override." };
    public Option<int?> FourierFeatures { get; } = new("--fourier-features") { Description = "Fourier: number m of random frequencies (2m features; default 256)." };
    public Option<double?> FourierScale { get; } = new("--fourier-scale") { Description = "Fourier: σ of the frequencies B ~ N(0, σ²), in cycles across the image's longer side (default 10)." };
    public Option<int?> GridLevels { get; } = new("--grid-levels") { Description = "Grid: resolution levels L (default 8)." };
    public Option<int?> GridFeatures { get; } = new("--grid-features") { Description = "Grid: features per vertex F (default 2)." };
    public Option<int?> GridMin { get; } = new("--grid-min") { Description = "Grid: cells across the longer side at the coarsest level (default 16)." };
    public Option<int?> GridMax { get; } = new("--grid-max") { Description = "Grid: cells across the longer side at the finest level (default: the image's longer side)." };
    public Option<int?> GridTable { get; } = new("--grid-table") { Description = "Grid: entries per level at most; larger levels are spatially hashed (default 4096)." };
    public Option<long?> MaxParameters { get; } = new("--max-parameters") { Description = "Size the field (grid table, Fourier features, or hidden width without an encoding) to the most that fits in N trainable parameters." };
    public Option<double?> FirstOmega0 { get; } = new("--first-omega0") { Description = $"ω0 of the first sine layer only (default: --omega0 for images, {AudioDefaults.FirstOmega0} for audio, as SIREN's paper)." };

    /// <summary>The options in --help order.</summary>
    public IEnumerable<Symbol> Symbols =>
    [
        Preset, Activation, Hidden, Layers, Omega0, Init, Lr, Steps, Epochs, Batch, Schedule, TargetPsnr, Size, Upsample, Channels, MaxPixels, EvalEvery,
        Encoding, FourierFeatures, FourierScale, GridLevels, GridFeatures, GridMin, GridMax, GridTable, MaxParameters, FirstOmega0,
    ];

    /// <summary>--encoding, parsed (none when absent).</summary>
    public EncodingKind Kind(CommandContext c)
    {
        var kind = c.Get(Encoding) is string e ? ParseEncoding(e) : EncodingKind.None;
        // Another encoding's flag would be silently unused (and its value never checked): refuse it, as --gradient-spans
        // without gradient supervision.
        foreach (var (flag, owner) in EncodingFlags())
            if (owner != kind && c.Parsed.GetResult(flag) is { Implicit: false })
                throw new BadInputException($"{flag.Name} is for --encoding {owner.ToString().ToLowerInvariant()}, not {kind.ToString().ToLowerInvariant()}");
        return kind;
    }

    IEnumerable<(Option Flag, EncodingKind Owner)> EncodingFlags() =>
    [
        (FourierFeatures, EncodingKind.Fourier), (FourierScale, EncodingKind.Fourier),
        (GridLevels, EncodingKind.Grid), (GridFeatures, EncodingKind.Grid), (GridMin, EncodingKind.Grid), (GridMax, EncodingKind.Grid), (GridTable, EncodingKind.Grid),
    ];

    /// <summary>The recipe the flags start from: --preset's, else fit's defaults for the encoding.</summary>
    public FitConfig Basis(CommandContext c, EncodingKind kind) =>
        c.Get(Preset) is string p ? FitPresets.Get(p) with { Encoding = new EncodingConfig { Kind = kind } } : FitDefaults.For(kind);

    /// <summary><paramref name="basis"/> with the flags applied (the image's channels and encoding details come later, <see cref="ForImage"/>).
    /// --quick without --steps or --epochs trains 200 steps.</summary>
    public FitConfig Config(CommandContext c, FitConfig basis)
    {
        bool budgetGiven = c.Get(Steps) is not null || c.Get(Epochs) is not null;
        var arch = basis.Architecture;
        arch = arch with
        {
            Activation = c.Get(Activation) is string a ? ParseActivation(a) : arch.Activation,
            Hidden = c.Get(Hidden) ?? arch.Hidden,
            Layers = c.Get(Layers) ?? arch.Layers,
            Omega0 = c.Get(Omega0) ?? arch.Omega0,
            Init = c.Get(Init) is string i ? ParseInit(i) : arch.Init,
            FirstOmega0 = c.Get(FirstOmega0) ?? arch.FirstOmega0,
        };
        return basis with
        {
            Architecture = arch,
            LearningRate = c.Get(Lr) ?? basis.LearningRate,
            Steps = budgetGiven ? c.Get(Steps) : c.Quick ? 200 : basis.Steps,
            Epochs = budgetGiven ? c.Get(Epochs) : c.Quick ? null : basis.Epochs,
            Batch = c.Get(Batch) is string b ? ParseBatch(b) : basis.Batch,
            Schedule = c.Get(Schedule) is string s ? ParseSchedule(s) : basis.Schedule,
            TargetPsnr = c.Get(TargetPsnr),
            EvalEvery = c.Get(EvalEvery),
            Seed = c.Seed,
        };
    }

    /// <summary>The image at --size (else <paramref name="defaultSize"/>; null keeps its size), --channels, --max-pixels, --upsample;
    /// notes on stderr when --size would have enlarged it.</summary>
    public FieldImage LoadImage(CommandContext c, string? path, int? defaultSize)
    {
        var target = FieldImage.Load(path, c.Get(Channels), c.Get(Size) ?? defaultSize, c.Get(MaxPixels), c.Get(Upsample));
        if (c.Get(Size) is int askedSize && Math.Max(target.Width, target.Height) < askedSize)
            c.Note($"note: the image is {target.Width}×{target.Height}; --size {askedSize} does not enlarge it (add --upsample to enlarge it)");
        return target;
    }

    /// <summary>As <see cref="LoadImage"/>, opened to be read band by band (<see cref="FieldImageRows"/>: by rows where the format allows).</summary>
    public FieldImageRows OpenImage(CommandContext c, string? path, int? defaultSize)
    {
        var target = FieldImageRows.Open(path, c.Get(Channels), c.Get(Size) ?? defaultSize, c.Get(MaxPixels), c.Get(Upsample));
        if (c.Get(Size) is int askedSize && Math.Max(target.Width, target.Height) < askedSize)
            c.Note($"note: the image is {target.Width}×{target.Height}; --size {askedSize} does not enlarge it (add --upsample to enlarge it)");
        return target;
    }

    /// <summary><paramref name="config"/> for an image of <paramref name="channels"/> channels whose longer side is <paramref name="longerSide"/>
    /// pixels: the encoding's flags, the grid's finest level, validation and --max-parameters.</summary>
    public FitConfig ForImage(CommandContext c, FitConfig config, int channels, int longerSide)
    {
        config = config with
        {
            Architecture = config.Architecture with { Channels = channels },
            Encoding = config.Encoding with
            {
                FourierFeatures = c.Get(FourierFeatures) ?? config.Encoding.FourierFeatures,
                FourierScale = c.Get(FourierScale) ?? config.Encoding.FourierScale,
                GridLevels = c.Get(GridLevels) ?? config.Encoding.GridLevels,
                GridFeatures = c.Get(GridFeatures) ?? config.Encoding.GridFeatures,
                GridMin = c.Get(GridMin) ?? config.Encoding.GridMin,
                // A finest level of one cell per pixel: finer cells would hold no more of the image.
                GridMax = c.Get(GridMax) ?? longerSide,
                GridTable = c.Get(GridTable) ?? config.Encoding.GridTable,
            },
        };
        if (config.Encoding.Kind == EncodingKind.Grid && c.Get(GridMax) is null && config.Encoding.GridMax < config.Encoding.GridMin)
            config = config with { Encoding = config.Encoding with { GridMax = config.Encoding.GridMin } };
        config.Validate();
        if (c.Get(MaxParameters) is long budget) config = FieldParameters.SizeToBudget(config, budget);
        return config;
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
        // A number out of range is FitConfig.Validate's to refuse (Batch: --batch 0: must be positive).
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b)) return b;
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
