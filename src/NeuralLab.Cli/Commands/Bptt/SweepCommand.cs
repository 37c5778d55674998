using System.Text;
using NeuralLab.Recurrence;
using static NeuralLab.Cli.Commands.Bptt.BpttParsing;

namespace NeuralLab.Cli.Commands.Bptt;

/// <summary><c>neurallab bptt sweep</c>: exploding and vanishing gradients (2.5) and the two remedies.</summary>
sealed class SweepCommand() : NeuralLabCommand("sweep", """
    Homework 2.5. |dh_T/dh_1| against T = 1..max-T for w in {0.5, 0.9, 1, 1.1, 1.5} with sigma = identity and tanh
    on N(0,1) inputs (fixed seed), with the least-squares slope of ln|dh_T/dh_1| (ln|w| in the linear case). Then
    the remedies on a small task, learning w from the states of a network with a known w by SGD: full BPTT,
    gradient-norm clipping and truncated BPTT. With --out DIR writes sweep.csv, sweep.png, remedies.csv,
    remedies.png. Example: neurallab bptt sweep --out figures
    """)
{
    public sealed record CurveSummary(string Activation, double W, double Slope, double LogAbsW, [property: System.Text.Json.Serialization.JsonPropertyName("abs_dhT_dh1_at_max_t")] double AtMaxT);

    public sealed record TrainingSummary(string Remedy, double FinalW, double FinalLoss, int? DivergedAtStep, double MaxGradientNorm, int StepsTaken);

    public sealed record SweepOutput(string Form, int MaxT, int Seed, IReadOnlyList<CurveSummary> Curves, RemedyTask Training, string Engine,
        IReadOnlyList<TrainingSummary> Remedies, IReadOnlyList<RemedySurvey> Survey, double Seconds, IReadOnlyList<string> Files);

    static readonly RemedyTask Defaults = new();

    readonly Option<int> _maxT = new("--max-T") { Description = "Longest sequence of the sweep.", DefaultValueFactory = _ => 200 };
    readonly Option<string> _form = BpttOptions.Form();
    readonly Option<int> _trainT = new("--train-T") { Description = "Sequence length of the training task.", DefaultValueFactory = _ => Defaults.Length };
    readonly Option<int?> _steps = new("--steps") { Description = $"SGD steps per run (default {Defaults.Steps}, 60 with --quick)." };
    readonly Option<string> _lr = new("--lr") { Description = "SGD learning rate.", DefaultValueFactory = _ => Number(Defaults.LearningRate) };
    readonly Option<string> _w0 = new("--w0") { Description = "Initial w of the training task.", DefaultValueFactory = _ => Number(Defaults.InitialW) };
    readonly Option<string> _wTrue = new("--w-true") { Description = "The w that generated the target states.", DefaultValueFactory = _ => Number(Defaults.TrueW) };
    readonly Option<string> _clip = new("--clip") { Description = "Gradient-norm threshold c of clipping.", DefaultValueFactory = _ => Number(Defaults.ClipNorm) };
    readonly Option<int> _truncate = new("--truncate") { Description = "Truncation length k of truncated BPTT.", DefaultValueFactory = _ => Defaults.TruncationLength };
    readonly Option<string> _trainActivation = new("--train-activation") { Description = "sigma of the training task.", DefaultValueFactory = _ => Defaults.Activation.Name() };
    readonly Option<int> _surveySeeds = new("--survey-seeds") { Description = "Input sequences (seeds seed, seed+1, ...) on which every remedy is also run, by the hand-written engine.", DefaultValueFactory = _ => 20 };
    readonly Option<string> _engine = new("--engine") { Description = "Gradients of the main runs: autograd (libtorch, NeuralLab.Common.Sgd) or manual (the hand-written BPTT, 100x faster).", DefaultValueFactory = _ => "autograd" };

    protected override IEnumerable<Symbol> Symbols => [_maxT, _form, _trainT, _steps, _lr, _w0, _wTrue, _clip, _truncate, _trainActivation, _surveySeeds, _engine];

    protected override Outcome Execute(CommandContext c)
    {
        var rnnForm = ActivationFunctions.ParseForm(c.Get(_form));
        var task = new RemedyTask(
            Length: c.Get(_trainT),
            TrueW: ParseNumber(c.Get(_wTrue), "--w-true"),
            InitialW: ParseNumber(c.Get(_w0), "--w0"),
            LearningRate: ParseNumber(c.Get(_lr), "--lr"),
            Steps: c.Get(_steps) ?? (c.Quick ? 60 : Defaults.Steps),
            ClipNorm: ParseNumber(c.Get(_clip), "--clip"),
            TruncationLength: c.Get(_truncate),
            Activation: ActivationFunctions.ParseActivation(c.Get(_trainActivation), "trainActivation"),
            Form: rnnForm,
            Seed: c.Seed);
        task.Validate();
        int longest = c.Get(_maxT);
        GradientSweep.CheckMaxT(longest);
        int seeds = c.Get(_surveySeeds);
        GradientRemedies.CheckSurveySeeds(seeds);
        var trainingEngine = c.Get(_engine)?.Trim().ToLowerInvariant() switch
        {
            "autograd" => TrainingEngine.Autograd,
            "manual" => TrainingEngine.Manual,
            var other => throw new BadInputException($"--engine: unknown engine '{other}' (expected autograd or manual)"),
        };
        var outDir = c.OpenOutput();
        Seeding.SeedEverything(c.Seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (sweep, remedies) = c.Progress(progress =>
            (GradientSweep.Run(longest, form: rnnForm, seed: c.Seed, progress: progress), GradientRemedies.Run(task, seeds, trainingEngine, progress)));
        if (outDir != null)
        {
            outDir.WriteAllText("sweep.csv", SweepCsv(sweep));
            RecurrencePlots.SaveSweep(sweep, outDir.PathFor("sweep.png"));
            outDir.WriteAllText("remedies.csv", RemediesCsv(remedies));
            RecurrencePlots.SaveRemedies(remedies, outDir.PathFor("remedies.png"));
        }
        var output = new SweepOutput(sweep.Form, sweep.MaxT, sweep.Seed,
            [.. sweep.Curves.Select(s => new CurveSummary(s.Activation, s.W, s.Slope, s.LogAbsW, s.AbsDhTDh1[^1]))],
            task, remedies.Engine,
            [.. remedies.Curves.Select(r => new TrainingSummary(r.Remedy, r.FinalW, r.FinalLoss, r.DivergedAtStep, r.GradientNorm.Max(), r.Loss.Length))],
            remedies.Survey, clock.Elapsed.TotalSeconds, c.Written);
        return new Outcome(output, o => Print(o, output));
    }

    static string SweepCsv(SweepResult sweep)
    {
        var csv = new StringBuilder("activation,form,w,T,abs_dhT_dh1\n");
        foreach (var curve in sweep.Curves)
            for (int t = 0; t < curve.AbsDhTDh1.Length; t++)
                csv.Append(CultureInfo.InvariantCulture, $"{curve.Activation},{sweep.Form},{Number(curve.W)},{t + 1},{Number(curve.AbsDhTDh1[t])}\n");
        return csv.ToString();
    }

    static string RemediesCsv(RemedyResult result)
    {
        var csv = new StringBuilder("remedy,step,loss,gradient_norm,w_after\n");
        foreach (var curve in result.Curves)
            for (int s = 0; s < curve.Loss.Length; s++)
                csv.Append(CultureInfo.InvariantCulture, $"{curve.Remedy},{s},{Number(curve.Loss[s])},{Number(curve.GradientNorm[s])},{(s < curve.W.Length ? Number(curve.W[s]) : "")}\n");
        return csv.ToString();
    }

    static void Print(TextWriter o, SweepOutput r)
    {
        o.WriteLine($"|dh_T/dh_1| for T = 1..{r.MaxT}, {r.Form} form, N(0,1) inputs, seed {r.Seed}");
        o.WriteLine($"{"sigma",-10} {"w",6} {"slope of ln|.|",16} {"ln|w|",10} {"|dh_T/dh_1| at T=" + r.MaxT,24}");
        foreach (var s in r.Curves)
            o.WriteLine($"{s.Activation,-10} {s.W,6:G3} {s.Slope,16:F6} {s.LogAbsW,10:F6} {Short(s.AtMaxT),24}");
        var t = r.Training;
        o.WriteLine();
        o.WriteLine($"Remedies: learn w (true {t.TrueW:G4}) from w0 = {t.InitialW:G4}, sigma = {t.Activation.Name()}, T = {t.Length}, SGD lr {t.LearningRate:G3}, {t.Steps} steps, clip {t.ClipNorm:G3}, truncation k = {t.TruncationLength}");
        o.WriteLine($"{"remedy",-12} {"final w",12} {"final loss",14} {"max |dL/dw|",14} {"outcome",-24}");
        foreach (var s in r.Remedies)
            o.WriteLine($"{s.Remedy,-12} {s.FinalW,12:F6} {Short(s.FinalLoss),14} {Short(s.MaxGradientNorm),14} {(s.DivergedAtStep is int d ? $"overflowed at step {d}" : $"{s.StepsTaken} steps"),-24}");
        o.WriteLine($"Over {(r.Survey.Count > 0 ? r.Survey[0].Runs : 0)} input sequences (seeds {r.Seed}..): " +
            string.Join(", ", r.Survey.Select(s => $"{s.Remedy} converges on {s.Converged}, overflows on {s.Overflowed}")));
        o.WriteLine($"({r.Seconds:F1} s, main runs by {r.Engine})");
        foreach (var f in r.Files) o.WriteLine($"  {f}");
    }
}
