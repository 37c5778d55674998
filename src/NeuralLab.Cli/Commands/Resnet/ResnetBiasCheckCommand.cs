using NeuralLab.Residual;

namespace NeuralLab.Cli.Commands.Resnet;

/// <summary>neurallab resnet bias-check: is a conv bias before BatchNorm redundant? Three measurements in float64.</summary>
internal sealed class ResnetBiasCheckCommand() : NeuralLabCommand("bias-check", """
    Show that a conv bias before BatchNorm is redundant, in float64: (1) in training mode the network with random
    conv biases (scales 0.01, 1, 100) gives the same BatchNorm outputs and logits as without; (2) trained side by
    side from the same weights on the same batches, the biases' gradients are zero and the losses coincide step
    for step; (3) in eval mode the bias lives in the running mean (μ_run − b gives a bias-free network with
    identical outputs). Also measures that BatchNorm centres on the mean, not the median. --placement after-norm
    runs the control: the same shifts after BatchNorm, which must fail every check.
    """)
{
    internal sealed record CheckJson(
        double MaxOutputDifference, double MaxBiasGradient, bool Holds,
        double MaxLossDifference, double MaxWeightDifference, double RunningMeanOffsetError, double FoldedEvalDifference,
        double EvalOutputDifference, double RunningMeanMemory, double MeanResidual, double MedianResidual,
        bool SubtractsMeanNotMedian, int Channels, int Steps, string Placement, double Seconds, string Verdict, string Summary);

    readonly Option<int> _channels = new("--channels") { Description = "Width C of the networks compared.", DefaultValueFactory = _ => 8 };
    readonly Option<int?> _steps = new("--steps") { Description = "SGD steps of the side-by-side training (default 100; 20 with --quick)." };
    readonly Option<int> _batch = new("--batch") { Description = "Minibatch size.", DefaultValueFactory = _ => 64 };
    readonly Option<string> _placement = new("--placement")
    {
        Description = "before-norm (the experiment) or after-norm (the control).",
        DefaultValueFactory = _ => "before-norm",
    };
    readonly ResnetDataOptions _data = new();

    protected override IEnumerable<Symbol> Symbols => [_channels, _steps, _batch, _placement, .. _data.Symbols];

    protected override string ThreadsDefault => ResnetDataOptions.ThreadsDefault;

    protected override Outcome Execute(CommandContext c)
    {
        string where = c.Get(_placement)!;
        if (where is not ("before-norm" or "after-norm"))
            throw new BadInputException($"--placement '{where}': expected before-norm or after-norm");
        var options = new BiasCheckOptions
        {
            Channels = c.Get(_channels),
            Steps = c.Get(_steps) ?? (c.Quick ? 20 : 100),
            BatchSize = c.Get(_batch),
            Placement = where == "after-norm" ? ConvBias.AfterNorm : ConvBias.BeforeNorm,
            Seed = c.Seed,
        };
        options.Validate();
        var (train, test) = _data.Read(c.Parsed).SplitInHalf(c.Seed);
        c.Budget.Check(options.Estimate(test.Count)); // before --out is opened; the library checks again
        var outDir = c.OpenOutput();
        // The report's check of answer 4, with this command's sizes and placement.
        var check = new BiasBeforeNormClaim(train, test, options);
        var r = c.Progress(progress => check.Measure(new ReportContext(c.Quick ? ReportProfile.Test : ReportProfile.Quick, c.Seed, FigureDirectory: "", progress)));
        var claim = check.Judge(r);
        var json = new CheckJson(r.MaxOutputDifference, r.MaxBiasGradient, r.Holds, r.MaxLossDifference, r.MaxWeightDifference,
            r.RunningMeanOffsetError, r.FoldedEvalDifference, r.EvalOutputDifference, r.RunningMeanMemory, r.MeanResidual,
            r.MedianResidual, r.SubtractsMeanNotMedian, r.Channels, r.Steps, where, r.Seconds,
            NeuralLab.Report.VerdictText.Of(claim.Verdict), claim.Summary);
        if (outDir != null)
        {
            ResidualFigures.BiasLosses(r, outDir.PathFor("bias-check.png"));
            outDir.WriteAllText("bias-check.json", Json.Serialize(json));
        }
        return new Outcome(json, o => Print(o, r, claim));
    }

    static void Print(TextWriter o, BiasCheckResult r, Claim claim)
    {
        string Row(string what, double value) => string.Create(CultureInfo.InvariantCulture, $"  {what,-62} {value,10:E2}");
        o.WriteLine($"C = {r.Channels}, {(r.Placement == ConvBias.BeforeNorm ? "biases before BatchNorm" : "shifts after BatchNorm (control)")}, float64, {r.Steps} SGD steps");
        o.WriteLine("(1) training mode, random biases of scale 0.01, 1, 100");
        o.WriteLine(Row("max |output with bias − without| (BatchNorm units, logits)", r.MaxOutputDifference));
        o.WriteLine("(2) trained side by side, same initial weights and batches");
        o.WriteLine(Row("max |∂loss/∂bias|", r.MaxBiasGradient));
        o.WriteLine(Row("max |loss with bias − without| over the steps", r.MaxLossDifference));
        o.WriteLine(Row("max |shared weights with − without| at the end", r.MaxWeightDifference));
        o.WriteLine("(3) eval mode");
        o.WriteLine(Row("running-mean offset vs b·(1 − 0.9^t)", r.RunningMeanOffsetError));
        o.WriteLine(Row("biased vs bias-free with running mean μ − b (folded)", r.FoldedEvalDifference));
        o.WriteLine(Row($"as trained, unfolded (decays as 0.9^t = {r.RunningMeanMemory:E1})", r.EvalOutputDifference));
        o.WriteLine("BatchNorm centres on");
        o.WriteLine(Row("the batch mean: residual", r.MeanResidual));
        o.WriteLine(Row("the batch median (the written solution's word): residual", r.MedianResidual));
        o.WriteLine($"claim 4: {NeuralLab.Report.VerdictText.Of(claim.Verdict)}: {claim.Summary}");
    }
}
