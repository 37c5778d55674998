using ScottPlot;

namespace NeuralLab.Residual;

/// <summary>The section's plots: risk curves, a confusion matrix, and the bias experiment's two loss curves.</summary>
public static class ResidualFigures
{
    const int Width = 900, Height = 560;

    static readonly Color[] Palette = [Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"), Color.FromHex("#ff7f0e")];

    /// <summary>Training-batch loss (thin) and test loss (thick) against iterations, one colour per C.</summary>
    public static void RiskCurves(IReadOnlyList<ResNetTrainingResult> runs, string title, string path)
    {
        var plt = new Plot();
        for (int k = 0; k < runs.Count; k++)
        {
            var run = runs[k];
            double[] xs = run.Curve.Select(p => (double)p.Iteration).ToArray();
            var color = Palette[k % Palette.Length];
            var train = plt.Add.Scatter(xs, run.Curve.Select(p => p.TrainLoss).ToArray());
            train.LegendText = $"C = {run.Channels}, training batch";
            train.Color = color.WithAlpha(0.55);
            train.MarkerSize = 0;
            train.LineWidth = 1;
            var test = plt.Add.Scatter(xs, run.Curve.Select(p => p.TestLoss).ToArray());
            test.LegendText = $"C = {run.Channels}, test ({run.TestAccuracy:P1} accuracy)";
            test.Color = color;
            test.MarkerSize = 0;
            test.LineWidth = 2.5f;
        }
        plt.Title(title);
        plt.XLabel("iteration");
        plt.YLabel("cross-entropy risk");
        plt.Axes.SetLimitsY(0, Math.Max(0.5, runs.SelectMany(r => r.Curve).Select(p => Math.Max(p.TrainLoss, p.TestLoss)).DefaultIfEmpty(1).Max() * 1.05));
        plt.ShowLegend(Edge.Bottom); // below the axes: the curves span the whole width
        plt.SavePng(path, Width, Height + 60);
    }

    /// <summary>Counts of [true class][predicted class], coloured by the fraction of the true class's images.</summary>
    public static void ConfusionMatrix(int[][] counts, string title, string path)
    {
        int k = counts.Length;
        var plt = new Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (int truth = 0; truth < k; truth++)
        {
            double total = Math.Max(1, counts[truth].Sum());
            for (int predicted = 0; predicted < k; predicted++)
            {
                double fraction = counts[truth][predicted] / total;
                double y = k - 1 - truth; // row 0 (true class 0) at the top
                var cell = plt.Add.Rectangle(predicted - 0.5, predicted + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = colormap.GetColor(Math.Sqrt(fraction)); // sqrt: single confusions stay visible beside the diagonal
                cell.LineWidth = 0;
                var label = plt.Add.Text($"{counts[truth][predicted]}", predicted, y);
                label.Alignment = Alignment.MiddleCenter;
                label.LabelFontSize = 13;
                label.LabelFontColor = fraction > 0.5 ? Colors.Black : Colors.White;
            }
        }
        var bottom = new ScottPlot.TickGenerators.NumericManual();
        var left = new ScottPlot.TickGenerators.NumericManual();
        for (int c = 0; c < k; c++)
        {
            bottom.AddMajor(c, $"{c}");
            left.AddMajor(k - 1 - c, $"{c}");
        }
        plt.Axes.Bottom.TickGenerator = bottom;
        plt.Axes.Left.TickGenerator = left;
        plt.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plt.Title(title);
        plt.XLabel("predicted class");
        plt.YLabel("true class");
        plt.SavePng(path, 620, 600);
    }

    /// <summary>The two networks' training losses step by step (they coincide when the bias is redundant).</summary>
    public static void BiasLosses(BiasCheckResult check, string path)
    {
        var plt = new Plot();
        double[] steps = Enumerable.Range(1, check.LossesWithoutBias.Count).Select(i => (double)i).ToArray();
        var plain = plt.Add.Scatter(steps, check.LossesWithoutBias.ToArray());
        plain.LegendText = "conv without bias (the homework's)";
        plain.Color = Palette[0];
        plain.LineWidth = 4;
        plain.MarkerSize = 0;
        var biased = plt.Add.Scatter(steps, check.LossesWithBias.ToArray());
        biased.LegendText = check.Placement == ConvBias.BeforeNorm ? "conv with random biases before BatchNorm" : "random shifts after BatchNorm (control)";
        biased.Color = Palette[1];
        biased.LineWidth = 1.5f;
        biased.MarkerSize = 4;
        plt.Title($"Same batches, same initial weights: max |Δloss| = {check.MaxLossDifference:G2}, max |∂L/∂b| = {check.MaxBiasGradient:G2}");
        plt.XLabel("SGD step");
        plt.YLabel("training-batch cross-entropy");
        plt.ShowLegend(Alignment.UpperRight);
        plt.SavePng(path, Width, Height);
    }
}
