using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuralLab.Common;

namespace NeuralLab.Residual;

/// <summary>
/// Section 4 of the homework: the small ResNet on the 8×8 digits (risk curves for C ∈ {1, 2, 4} and C = 64,
/// accuracy, confusion matrix) and the solution's answer that a conv bias before BatchNorm is redundant.
/// </summary>
public sealed class ResidualReportSection : IReportSection
{
    /// <inheritdoc/>
    public int Number => 4;

    /// <inheritdoc/>
    public string Title => "Residual networks";

    static readonly int[] NarrowWidths = [1, 2, 4];
    const int WideWidth = 64;
    const double AccuracyTarget = 0.97;
    const int HomeworkIterations = 4000;

    /// <summary>Budgets: Test a few seconds, Quick well under 3 minutes on 2 shared cores, Full the homework's 4000 iterations.</summary>
    sealed record Budget(int Iterations, int BiasChannels, int BiasSteps, int BiasBatch);

    static Budget For(ReportProfile profile) => profile switch
    {
        ReportProfile.Test => new Budget(50, 4, 10, 32),
        ReportProfile.Quick => new Budget(600, 8, 100, 64),
        _ => new Budget(HomeworkIterations, 16, 300, 128),
    };

    /// <inheritdoc/>
    public SectionResult Run(ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        var budget = For(context.Profile);
        var digits = DigitsReader.LoadEmbedded();
        var (train, test) = digits.SplitInHalf(context.Seed);
        var claim = new BiasBeforeNormClaim(train, test, new BiasCheckOptions
        {
            Channels = budget.BiasChannels,
            Steps = budget.BiasSteps,
            BatchSize = budget.BiasBatch,
            Seed = context.Seed,
        });
        var check = claim.Measure(context);
        var runs = NarrowWidths.Append(WideWidth).Select(c => ResNetTraining.Train(train, test,
            new ResNetTrainingOptions { Channels = c, Iterations = budget.Iterations, Seed = context.Seed }, context.Progress)).ToList();
        var figures = WriteFigures(context, runs, check, budget, train.Count, test.Count);
        return new SectionResult([claim.Judge(check)], figures, Markdown(runs, check, budget, train.Count, test.Count), clock.Elapsed.TotalSeconds)
        {
            Reproductions = [Accuracy(runs, budget)],
        };
    }

    /// <summary>The ResNet's accuracy: a measurement the homework asks for, not a numbered answer of the written solution.</summary>
    static Reproduction Accuracy(List<ResNetTrainingResult> runs, Budget budget)
    {
        var wide = runs.Single(r => r.Channels == WideWidth);
        double bestNarrow = runs.Where(r => r.Channels != WideWidth).Max(r => r.TestAccuracy);
        var evidence = new Dictionary<string, object?> { ["iterations"] = budget.Iterations, ["target_accuracy"] = AccuracyTarget };
        foreach (var r in runs) evidence[$"test_accuracy_c{r.Channels}"] = r.TestAccuracy;
        foreach (var r in runs) evidence[$"test_loss_c{r.Channels}"] = r.TestLoss;
        string shortened = budget.Iterations < HomeworkIterations ? $" (the homework trains {HomeworkIterations})" : "";
        return new Reproduction("4.accuracy",
            $"The homework's ResNet on the 8×8 digits, C = 1, 2, 4 and 64, {budget.Iterations} SGD iterations{shortened}",
            string.Create(CultureInfo.InvariantCulture,
                $"C = 64 reaches {wide.TestAccuracy:P1} test accuracy ({(wide.TestAccuracy >= AccuracyTarget ? "at least" : "below")} {AccuracyTarget:P0}); the best narrow network {bestNarrow:P1}."),
            evidence, "resnet-risk-c64.png");
    }

    static List<Figure> WriteFigures(ReportContext context, List<ResNetTrainingResult> runs, BiasCheckResult check, Budget budget, int trainCount, int testCount)
    {
        string Dir(string name) => Path.Combine(context.FigureDirectory, name);
        string shortened = budget.Iterations < HomeworkIterations ? $" (shortened for this profile; the homework trains {HomeworkIterations})" : "";
        string recipe = $"SGD step 0.1, random minibatches of 128, {budget.Iterations} iterations{shortened}, {trainCount} training / {testCount} test digits, seed {context.Seed}";
        var narrow = runs.Where(r => r.Channels != WideWidth).ToList();
        var wide = runs.Single(r => r.Channels == WideWidth);
        ResidualFigures.RiskCurves(narrow, $"ResNet risk, C = 1, 2, 4 ({budget.Iterations} iterations)", Dir("resnet-risk-c1-2-4.png"));
        ResidualFigures.RiskCurves([wide], $"ResNet risk, C = 64 ({budget.Iterations} iterations)", Dir("resnet-risk-c64.png"));
        ResidualFigures.ConfusionMatrix(wide.ConfusionMatrix, $"C = 64: test accuracy {wide.TestAccuracy:P1}", Dir("resnet-confusion-c64.png"));
        ResidualFigures.BiasLosses(check, Dir("resnet-bias-check.png"));
        string Seconds(IEnumerable<ResNetTrainingResult> rs) => rs.Sum(r => r.Seconds).ToString("F1", CultureInfo.InvariantCulture);
        return
        [
            new Figure("resnet-risk-c1-2-4.png",
                $"Risk curves of the homework's ResNet with C = 1, 2, 4 (training-batch loss thin, test loss thick, every 25 iterations; test in eval mode): {recipe}; {Seconds(narrow)} s. " +
                $"Test accuracy {string.Join(", ", narrow.Select(r => $"C = {r.Channels}: {r.TestAccuracy:P1}"))}: a handful of channels underfits."),
            new Figure("resnet-risk-c64.png",
                $"Risk curves of the ResNet with C = 64: {recipe}; {Seconds([wide])} s. Test accuracy {wide.TestAccuracy:P1}, test loss {wide.TestLoss:F3}."),
            new Figure("resnet-confusion-c64.png",
                $"Confusion matrix of C = 64 on the {testCount} test digits (rows: true class, columns: predicted); colour is the square root of the row fraction so single errors show."),
            new Figure("resnet-bias-check.png",
                $"The same network with and without conv biases before BatchNorm (C = {check.Channels}, float64), trained side by side from the same weights on the same batches for {check.Steps} SGD steps " +
                $"(batch {budget.BiasBatch}, step 0.1, seed {context.Seed}, {check.Seconds:F1} s): the losses coincide to {check.MaxLossDifference:G2} and the bias gradients stay below {check.MaxBiasGradient:G2}."),
        ];
    }

    static string Markdown(List<ResNetTrainingResult> runs, BiasCheckResult check, Budget budget, int trainCount, int testCount)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"The homework's ResNet (conv 3×3 stride 2 → BatchNorm → ReLU → max-pool 2 → one residual block → average pool → linear), trained on the UCI 8×8 digits (CC BY 4.0, E. Alpaydin and C. Kaynak) split in half at random ({trainCount} training, {testCount} test), SGD with step 0.1 on random minibatches of 128 for {budget.Iterations} iterations{(budget.Iterations < HomeworkIterations ? $" (the homework: {HomeworkIterations})" : "")}.");
        md.AppendLine();
        md.AppendLine("| C | test accuracy | test loss | seconds |");
        md.AppendLine("|---|---|---|---|");
        foreach (var r in runs)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Channels} | {r.TestAccuracy:P1} | {r.TestLoss:F3} | {r.Seconds:F1} |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Bias before BatchNorm (C = {check.Channels}, float64): outputs with vs without random biases differ by {check.MaxOutputDifference:G2} in training mode; trained side by side for {check.Steps} steps the bias gradients stay below {check.MaxBiasGradient:G2} and the losses agree to {check.MaxLossDifference:G2}; in eval mode the running mean carries the bias (offset error {check.RunningMeanOffsetError:G2}, folded network identical to {check.FoldedEvalDifference:G2}).");
        return md.ToString();
    }
}
