using ScottPlot;

namespace NeuralLab.Recurrence;

/// <summary>The figures of 2.5, drawn with ScottPlot. Log scales are plotted as log10 of the value with 10^k tick labels.</summary>
public static class RecurrencePlots
{
    static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    /// <summary>One panel per σ: log10|∂h_T/∂h_1| against T, one line per w.</summary>
    public static void SaveSweep(SweepResult sweep, string path, string? caption = null)
    {
        var activations = sweep.Curves.Select(c => c.Activation).Distinct().ToList();
        var multiplot = new Multiplot();
        multiplot.AddPlots(activations.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (int p = 0; p < activations.Count; p++)
        {
            var plot = multiplot.GetPlot(p);
            var curves = sweep.Curves.Where(c => c.Activation == activations[p]).ToList();
            for (int i = 0; i < curves.Count; i++)
            {
                var c = curves[i];
                var points = c.AbsDhTDh1.Select((v, k) => (T: k + 1.0, L: Math.Log10(v))).Where(q => double.IsFinite(q.L)).ToArray();
                var line = plot.Add.ScatterLine(points.Select(q => q.T).ToArray(), points.Select(q => q.L).ToArray(), Color.FromHex(Palette[i % Palette.Length]));
                line.LineWidth = 2;
                line.LegendText = $"w = {c.W:G3} (slope {c.Slope:F3}, ln|w| {c.LogAbsW:F3})";
            }
            LogAxis(plot.Axes.Left);
            plot.Title($"σ = {activations[p]}, {sweep.Form} form");
            plot.XLabel("T");
            plot.YLabel("|∂h_T/∂h_1|");
            plot.ShowLegend(Alignment.LowerLeft);
        }
        if (caption != null) multiplot.GetPlot(0).Axes.Title.Label.Text += "\n" + caption;
        multiplot.SavePng(path, 1400, 620);
    }

    /// <summary>
    /// Training loss against step for each remedy, log scale: the main run bold (a cross where it
    /// overflowed), the survey's other input sequences as thin lines of the same colour.
    /// </summary>
    public static void SaveRemedies(RemedyResult result, string path, string? caption = null)
    {
        var plot = new Plot();
        var t = result.Task;
        // Overflowing runs reach 1e300: cap the axis a few decades above the starting loss and let them leave through the top.
        var all = result.Curves.Concat(result.SurveyCurves.Values.SelectMany(v => v)).ToList();
        double top = all.Max(c => Math.Log10(c.Loss[0])) + 3;
        double bottom = all.SelectMany(c => c.Loss).Select(Math.Log10).Where(double.IsFinite).DefaultIfEmpty(top - 6).Min() - 0.5;
        (double Step, double L)[] LogLoss(TrainingCurve c) =>
            c.Loss.Select((v, k) => (Step: (double)k, L: Math.Min(Math.Log10(v), top))).Where(q => !double.IsNaN(q.L)).ToArray();
        for (int i = 0; i < result.Curves.Count; i++)
        {
            var c = result.Curves[i];
            var color = Color.FromHex(Palette[i % Palette.Length]);
            if (result.SurveyCurves.TryGetValue(c.Remedy, out var others))
                foreach (var other in others.Skip(1))
                {
                    var faint = LogLoss(other);
                    if (faint.Length == 0) continue;
                    var thin = plot.Add.ScatterLine(faint.Select(q => q.Step).ToArray(), faint.Select(q => q.L).ToArray(), color.WithAlpha(0.25));
                    thin.LineWidth = 1;
                }
            var points = LogLoss(c);
            var survey = result.Survey.FirstOrDefault(s => s.Remedy == c.Remedy);
            string label = c.Remedy switch
            {
                "clipping" => $"norm clipping at c = {t.ClipNorm:G3}",
                "truncation" => $"truncated BPTT, k = {t.TruncationLength}",
                _ => "full BPTT, no remedy",
            };
            string outcome = c.DivergedAtStep is int d ? $"overflowed at step {d}" : $"final w = {c.FinalW:F4}";
            if (survey != null) outcome += $"; {survey.Converged}/{survey.Runs} sequences converge, {survey.Overflowed} overflow";
            if (points.Length == 0) continue;
            var line = plot.Add.ScatterLine(points.Select(q => q.Step).ToArray(), points.Select(q => q.L).ToArray(), color);
            line.LineWidth = 2.5f;
            line.LegendText = $"{label}: {outcome}";
            if (c.DivergedAtStep != null)
            {
                var marker = plot.Add.Marker(points[^1].Step, points[^1].L, MarkerShape.Cross, 14, color);
                marker.LineWidth = 3;
            }
        }
        LogAxis(plot.Axes.Left);
        plot.Axes.SetLimitsY(bottom, top + 0.3);
        plot.Title($"Learning w (true {t.TrueW:G3}) from w0 = {t.InitialW:G3}: σ = {t.Activation.Name()}, T = {t.Length}, SGD lr {t.LearningRate:G3}, seed {t.Seed}"
                   + (caption == null ? "" : "\n" + caption));
        plot.XLabel("SGD step");
        plot.YLabel("loss (1/T) Σ (h_t − h*_t)²");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1100, 650);
    }

    static void LogAxis(ScottPlot.IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Abs(v - Math.Round(v)) < 1e-9 ? $"1e{Math.Round(v):F0}" : "",
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
    }
}
