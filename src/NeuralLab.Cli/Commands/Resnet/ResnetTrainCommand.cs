using NeuralLab.Residual;

namespace NeuralLab.Cli.Commands.Resnet;

/// <summary>neurallab resnet train: the homework's recipe for each C, risk curves, accuracy, confusion matrix, checkpoints.</summary>
internal sealed class ResnetTrainCommand() : NeuralLabCommand("train", """
    Train the ResNet the homework's way for each C: SGD with step 0.1 on random minibatches of 128, cross-entropy,
    4000 iterations; every 25 iterations the training-batch loss and the test loss (BatchNorm in eval mode).
    Prints test accuracy and loss per C; --out writes risk curves (C ≤ 4 together, larger C alone), confusion
    matrices, curves.csv and checkpoints.
    """)
{
    const int QuickIterations = 100;

    /// <summary>One line of --json output per C (the issue's fields first).</summary>
    internal sealed record RunJson(int Channels, double TestAccuracy, double TestLoss, double Seconds,
        int Iterations, int TrainImages, int TestImages, int[][] ConfusionMatrix);

    readonly Option<int[]> _channels = new("--channels")
    {
        Description = "Widths C to train, e.g. --channels 1 2 4 64 (the homework's).",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [1, 2, 4, 64],
    };
    readonly Option<int?> _iterations = new("--iterations") { Description = $"SGD iterations per C (default 4000; {QuickIterations} with --quick)." };
    readonly Option<int> _batch = new("--batch") { Description = "Minibatch size.", DefaultValueFactory = _ => 128 };
    readonly Option<double> _learningRate = new("--learning-rate") { Description = "SGD step size.", DefaultValueFactory = _ => 0.1 };
    readonly Option<int> _checkpointEvery = new("--checkpoint-every")
    {
        Description = "With --out: also save checkpoints/resnet-cC-iterN.pt every N iterations (the final resnet-cC.pt is always saved).",
        DefaultValueFactory = _ => 0,
    };
    readonly ResnetDataOptions _data = new();

    protected override IEnumerable<Symbol> Symbols => [_channels, _iterations, _batch, _learningRate, _checkpointEvery, .. _data.Symbols];

    protected override string ThreadsDefault => ResnetDataOptions.ThreadsDefault;

    protected override Outcome Execute(CommandContext c)
    {
        var widths = c.Get(_channels) ?? [];
        if (widths.Length == 0) throw new BadInputException("--channels needs at least one width");
        var baseOptions = new ResNetTrainingOptions
        {
            Iterations = c.Get(_iterations) ?? (c.Quick ? QuickIterations : 4000),
            BatchSize = c.Get(_batch),
            LearningRate = c.Get(_learningRate),
            CheckpointEvery = c.Get(_checkpointEvery),
            Seed = c.Seed,
        };
        foreach (int width in widths) (baseOptions with { Channels = width }).Validate();
        var digits = _data.Read(c.Parsed);
        var (train, test) = digits.SplitInHalf(c.Seed);
        var estimate = widths.Select(width => (baseOptions with { Channels = width }).Estimate(train.Count, test.Count)).Aggregate((a, b) => a.Then(b));
        c.Budget.Check(estimate with { Work = $"training C = {string.Join(", ", widths)} for {baseOptions.Iterations:N0} iterations of batch {baseOptions.BatchSize:N0}" });
        var outDir = c.OpenOutput();
        var results = c.Progress(progress => widths.Select(width =>
        {
            var options = baseOptions with { Channels = width };
            return ResNetTraining.Train(train, test, options, progress,
                outDir == null ? null : ResNetCheckpoint.Into(outDir, options, digits.Source), c.Budget);
        }).ToList());
        var json = results.Select(r => new RunJson(r.Channels, r.TestAccuracy, r.TestLoss, r.Seconds, r.Iterations,
            train.Count, test.Count, r.ConfusionMatrix)).ToList();
        if (outDir != null)
        {
            WriteFigures(outDir, results, digits.Source, train.Count, c.Seed);
            outDir.WriteAllText("curves.csv", CurvesCsv(results));
            outDir.WriteAllText("results.json", Json.Serialize(json));
        }
        return new Outcome(json, o => PrintTable(o, results, digits.Source, train.Count, test.Count));
    }

    static void WriteFigures(OutputDirectory outDir, List<ResNetTrainingResult> results, string source, int trainCount, int seed)
    {
        int iterations = results[0].Iterations;
        var narrow = results.Where(r => r.Channels <= 4).ToList();
        if (narrow.Count > 0)
            ResidualFigures.RiskCurves(narrow, $"ResNet risk, C = {string.Join(", ", narrow.Select(r => r.Channels))} ({iterations} iterations, {trainCount} training images, seed {seed})",
                outDir.PathFor($"risk-curves-c{string.Join("-", narrow.Select(r => r.Channels))}.png"));
        foreach (var wide in results.Where(r => r.Channels > 4))
            ResidualFigures.RiskCurves([wide], $"ResNet risk, C = {wide.Channels} ({iterations} iterations, {trainCount} training images, seed {seed})",
                outDir.PathFor($"risk-curves-c{wide.Channels}.png"));
        foreach (var r in results)
            ResidualFigures.ConfusionMatrix(r.ConfusionMatrix, $"C = {r.Channels}: test accuracy {r.TestAccuracy:P1} ({Path.GetFileName(source)})",
                outDir.PathFor($"confusion-c{r.Channels}.png"));
    }

    static string CurvesCsv(List<ResNetTrainingResult> results)
    {
        var lines = new List<string> { "channels,iteration,train_loss,test_loss" };
        foreach (var r in results)
            lines.AddRange(r.Curve.Select(p => string.Create(CultureInfo.InvariantCulture, $"{r.Channels},{p.Iteration},{p.TrainLoss:R},{p.TestLoss:R}")));
        return string.Join('\n', lines) + "\n";
    }

    static void PrintTable(TextWriter stdout, List<ResNetTrainingResult> results, string source, int trainCount, int testCount)
    {
        stdout.WriteLine($"{source}: {trainCount} training and {testCount} test images, {results[0].Iterations} iterations per C");
        stdout.WriteLine($"{"C",5}  {"test accuracy",13}  {"test loss",9}  {"seconds",8}");
        foreach (var r in results)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Channels,5}  {r.TestAccuracy,13:P2}  {r.TestLoss,9:F4}  {r.Seconds,8:F1}"));
    }
}
