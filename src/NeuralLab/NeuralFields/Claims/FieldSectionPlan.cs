using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Claims;

/// <summary>
/// What section 5 trains at a profile: the solution's three recipes (its only numbers for 5.1–5.3),
/// the sine recipe with libtorch's default initialisation (5.6), and the sine recipe decayed and
/// twice as long (5.5). Full is exactly the recipes; Quick keeps each recipe's lr and batch for a
/// stated fraction of its epochs; Test is a 32² crop and a small network for the test suite.
/// </summary>
internal sealed record FieldSectionPlan(
    ReportProfile Profile,
    int ImageSize,
    bool Crop,
    FitConfig Relu,
    FitConfig Tanh,
    FitConfig Sine,
    FitConfig SineConstant,
    FitConfig SineDefaultInit,
    FitConfig SineDecayed,
    FitConfig SineLonger)
{
    /// <summary>The written solution's recipes (5.1–5.3): epochs, learning rate, batch (pixels per step).</summary>
    public static readonly (int Epochs, double LearningRate, int Batch) ReluRecipe = (300, 1e-3, 64), TanhRecipe = (300, 1e-3, 100), SineRecipe = (200, 1e-4, 2048);

    /// <summary>Quick's epochs per recipe: the ReLU and Tanh recipes take ~1000 and ~650 small steps per epoch, so they get
    /// a fraction; the sine recipe (32 steps per epoch) runs whole, because 5.3's criterion is about the recipe's own outcome
    /// (a first quick run at 25 of its 200 epochs judged a budget, not the recipe). 5.5's and 5.6's comparisons are relative
    /// (decay against constant at equal epochs, default against SIREN initialisation), so Quick runs them at
    /// <see cref="QuickSineQuestionEpochs"/> with their own constant-rate baseline.</summary>
    public const int QuickReluEpochs = 10, QuickTanhEpochs = 10, QuickSineEpochs = 200, QuickSineQuestionEpochs = 25;

    /// <summary>Test's epochs (on a 32² crop with 2 × 64 units).</summary>
    public const int TestReluEpochs = 20, TestTanhEpochs = 20, TestSineEpochs = 100;

    public static FieldSectionPlan For(ReportProfile profile, int seed = 0)
    {
        var (reluEpochs, tanhEpochs, sineEpochs, questionEpochs) = profile switch
        {
            ReportProfile.Full => (ReluRecipe.Epochs, TanhRecipe.Epochs, SineRecipe.Epochs, SineRecipe.Epochs),
            ReportProfile.Quick => (QuickReluEpochs, QuickTanhEpochs, QuickSineEpochs, QuickSineQuestionEpochs),
            _ => (TestReluEpochs, TestTanhEpochs, TestSineEpochs, TestSineEpochs),
        };
        // fit's network (3 × 256) except in tests.
        var (hidden, layers) = profile == ReportProfile.Test ? (64, 2) : (256, 3);
        FitConfig Recipe(FieldActivation activation, (int Epochs, double LearningRate, int Batch) recipe, int epochs) => new()
        {
            Architecture = new FieldArchitecture(activation, hidden, layers),
            Epochs = epochs,
            Steps = null,
            LearningRate = recipe.LearningRate,
            Batch = recipe.Batch,
            Schedule = LearningRateSchedule.Constant,
            Seed = seed,
        };
        var sine = Recipe(FieldActivation.Sine, SineRecipe, sineEpochs);
        var constant = sine with { Epochs = questionEpochs };
        return new FieldSectionPlan(
            profile,
            profile == ReportProfile.Test ? 32 : FitDefaults.Size,
            profile == ReportProfile.Test,
            Recipe(FieldActivation.Relu, ReluRecipe, reluEpochs),
            Recipe(FieldActivation.Tanh, TanhRecipe, tanhEpochs),
            sine,
            constant,
            constant with { Architecture = constant.Architecture with { Init = FieldInit.Default } },
            constant with { Schedule = LearningRateSchedule.Cosine },
            constant with { Epochs = 2 * questionEpochs });
    }

    /// <summary>Name of the constant-rate sine run that 5.5 and 5.6 compare against: the recipe's own run when it has the same epochs.</summary>
    public string SineConstantName => SineConstant == Sine ? "sine" : "sine-constant";

    /// <summary>The runs in training order, with the names the section's figures and progress use.</summary>
    public IReadOnlyList<(string Name, FitConfig Config)> Runs =>
    [
        ("relu", Relu), ("tanh", Tanh), ("sine", Sine),
        .. SineConstant == Sine ? Array.Empty<(string, FitConfig)>() : [("sine-constant", SineConstant)],
        ("sine-default-init", SineDefaultInit), ("sine-cosine-decay", SineDecayed), ("sine-2x-epochs", SineLonger),
    ];

    /// <summary>The image the plan fits: the embedded cameraman at 256², or a 32² crop of it for tests.</summary>
    public FieldImage LoadImage() => Crop
        ? FieldImage.Load(null, size: FitDefaults.Size).Crop(64, 96, ImageSize, ImageSize)
        : FieldImage.Load(null, size: ImageSize);

    /// <summary>How the profile relates to the recipes, for the page.</summary>
    public string Describe() => Profile switch
    {
        ReportProfile.Full => "the recipes exactly: ReLU 300 epochs × 1024 steps of 64 pixels (307,200 steps), Tanh 300 × 656 steps of 100 (196,800), sine 200 × 32 steps of 2048 (6,400)",
        ReportProfile.Quick => $"each recipe's learning rate and batch for a fraction of its epochs: ReLU {Relu.Epochs} of 300 epochs, Tanh {Tanh.Epochs} of 300, " +
                               $"sine {Sine.Epochs} of 200; 5.5's and 5.6's sine comparisons at {SineConstant.Epochs} epochs (--full runs them all at 200)",
        _ => $"a test budget: a {ImageSize}² crop, {Relu.Architecture.Layers} × {Relu.Architecture.Hidden} units, ReLU {Relu.Epochs} epochs, Tanh {Tanh.Epochs}, sine {Sine.Epochs}",
    };
}
