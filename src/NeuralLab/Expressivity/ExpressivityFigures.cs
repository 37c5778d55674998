using ScottPlot;

namespace NeuralLab.Expressivity;

/// <summary>The section-1 figures, as PNG files. Logarithmic axes plot log10 of the values with ticks labelled 1eK.</summary>
public static class ExpressivityFigures
{
    const int Width = 900, Height = 560;

    static readonly ScottPlot.Palettes.Category10 Palette = new();

    /// <summary>The networks of 1.1–1.4 on [−4, 4] (lines) over their targets (dots).</summary>
    public static void Constructions(string path, string title)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, 801).Select(i => -4 + 8.0 * i / 800).ToArray();
        var dots = xs.Where((_, i) => i % 40 == 0).ToArray();
        var items = new (string Label, Construction C)[]
        {
            ("1.1 w0 = w1 = [1, −1]: x", Expressivity.Constructions.Identity()),
            ("1.2 m = 2, b = −1: 2x − 1", Expressivity.Constructions.Affine(2, -1)),
            ("1.3 w1 = 2b, sigmoid: b = 1.5", Expressivity.Constructions.ConstantAsWritten(1.5, Activation.Sigmoid)),
            ("1.4 f1 + f2 + f3: the hat", Expressivity.Constructions.Hat()),
            ("1.4 as stated, b = [2, −2, 0]", Expressivity.Constructions.HatAsStated()),
            ("extra: w1 = [1, 1] gives |x|", Expressivity.Constructions.AbsoluteValue()),
            ("extra: 1.3 under ReLU gives 0", Expressivity.Constructions.ConstantAsWritten(1.5, Activation.Relu)),
        };
        for (int k = 0; k < items.Length; k++)
        {
            var (label, c) = items[k];
            using var network = c.Network;
            var line = plot.Add.Scatter(xs, network.Evaluate(xs));
            Style(line, Palette.GetColor(k), label);
            var targets = plot.Add.Scatter(dots, dots.Select(c.TargetFunction).ToArray());
            targets.LineWidth = 0;
            targets.MarkerSize = 5;
            targets.Color = Palette.GetColor(k);
        }
        Finish(plot, title, "x", "f(x)  (lines: network; dots: target)", path);
    }

    /// <summary>Units against ε, log–log, per function; dashed: fewest uniform pieces meeting the same ε; black: ⌈1/(2√ε)⌉.</summary>
    public static void UnitsVsEps(string path, IReadOnlyList<ApproximationRow> rows, string title)
    {
        var plot = new Plot();
        var byFunction = rows.GroupBy(r => r.Function).ToList();
        for (int k = 0; k < byFunction.Count; k++)
        {
            var group = byFunction[k].OrderByDescending(r => r.Eps).ToArray();
            var color = Palette.GetColor(k);
            var adaptive = plot.Add.Scatter(group.Select(r => Math.Log10(r.Eps)).ToArray(), group.Select(r => Math.Log10(r.Units)).ToArray());
            Style(adaptive, color, $"{group[0].Function} on [{group[0].A:G}, {group[0].B:G}]");
            adaptive.MarkerSize = 6;
            var uniform = group.Where(r => r.UniformPieces != null).ToArray();
            if (uniform.Length > 1)
            {
                var line = plot.Add.Scatter(uniform.Select(r => Math.Log10(r.Eps)).ToArray(), uniform.Select(r => Math.Log10(r.UniformPieces!.Value)).ToArray());
                Style(line, color, null);
                line.LinePattern = LinePattern.Dashed;
            }
        }
        var bound = rows.Where(r => r.SquareBound != null).OrderByDescending(r => r.Eps).ToArray();
        if (bound.Length > 0)
        {
            var line = plot.Add.Scatter(bound.Select(r => Math.Log10(r.Eps)).ToArray(), bound.Select(r => Math.Log10(r.SquareBound!.Value)).ToArray());
            Style(line, Colors.Black, "x² uniform bound ⌈1/(2√ε)⌉");
            line.LinePattern = LinePattern.Dotted;
        }
        LogTicks(plot.Axes.Bottom);
        LogTicks(plot.Axes.Left);
        var eps = rows.Select(r => Math.Log10(r.Eps)).ToArray();
        plot.Axes.SetLimitsX(eps.Max() + 0.2, eps.Min() - 0.2);  // smaller ε to the right
        Finish(plot, title, "ε (dashed: uniform knots meeting the same ε)", "hidden units", path);
    }

    /// <summary>|x² − f(x)| on [−4L, 4L] per fit, log scale, with the fitted intervals' ends.</summary>
    public static void OutsideError(string path, IReadOnlyList<OutsideFit> fits, string title)
    {
        var plot = new Plot();
        var halfWidths = fits.Select(f => f.HalfWidth).Distinct().OrderBy(l => l).ToList();
        foreach (var fit in fits)
        {
            int k = halfWidths.IndexOf(fit.HalfWidth);
            var keep = fit.CurveX.Select((x, i) => (x, e: fit.CurveError[i])).Where(p => p.x >= 0).ToArray();
            var line = plot.Add.Scatter(keep.Select(p => p.x).ToArray(), keep.Select(p => Math.Log10(Math.Max(p.e, 1e-8))).ToArray());
            Style(line, Palette.GetColor(k), $"{fit.Method}, L = {fit.HalfWidth:G}, {fit.Units} units");
            if (fit.Method != "interpolation") line.LinePattern = LinePattern.Dashed;
        }
        for (int k = 0; k < halfWidths.Count; k++)
        {
            var edge = plot.Add.VerticalLine(halfWidths[k]);
            edge.Color = Palette.GetColor(k).WithAlpha(0.5);
            edge.LinePattern = LinePattern.Dotted;
        }
        LogTicks(plot.Axes.Left);
        Finish(plot, title, "x (dotted: end of the fitted interval [−L, L])", "|x² − f(x)|", path);
    }

    /// <summary>Training MSE of x² on [−2, 2] per network, log scale, against the bias-free bound.</summary>
    public static void BiasFreeTraining(string path, HomogeneityStudy study, string title)
    {
        var plot = new Plot();
        for (int k = 0; k < study.Trained.Count; k++)
        {
            var fit = study.Trained[k];
            var line = plot.Add.Scatter(fit.LossCurve.Select(p => (double)p.Step).ToArray(), fit.LossCurve.Select(p => Math.Log10(Math.Max(p.Mse, 1e-12))).ToArray());
            Style(line, Palette.GetColor(fit.Depth - 1), $"depth {fit.Depth}, width {fit.Width}, {(fit.Biases ? "with" : "without")} biases");
            if (fit.Biases) line.LinePattern = LinePattern.Dashed;
        }
        var bound = plot.Add.HorizontalLine(Math.Log10(study.Bound.Mse));
        bound.Color = Colors.Black;
        bound.LineWidth = 1;
        bound.LinePattern = LinePattern.Dotted;
        bound.LegendText = $"bound for any bias-free f: {study.Bound.Mse:G4}";
        LogTicks(plot.Axes.Left);
        plot.Legend.Alignment = Alignment.UpperRight;
        Finish(plot, title, "Adam step", "training MSE (dotted: the least any bias-free network can reach)", path);
    }

    /// <summary>f and the network on [a, b] with the knots marked.</summary>
    public static void Approximation(string path, ReluApproximation r, Func<double, double> f)
    {
        var plot = new Plot();
        var xs = CurveFitting.Linspace(r.A, r.B, 2001);
        Style(plot.Add.Scatter(xs, xs.Select(f).ToArray()), Palette.GetColor(0), r.Function);
        var network = plot.Add.Scatter(xs, r.Network.Evaluate(xs));
        Style(network, Palette.GetColor(1), $"ReLU network, {r.Units} units");
        network.LinePattern = LinePattern.Dashed;
        var knots = plot.Add.Scatter(r.Knots, r.Values);
        knots.LineWidth = 0;
        knots.MarkerSize = 4;
        knots.Color = Palette.GetColor(1);
        Finish(plot, $"{r.Function} on [{r.A:G}, {r.B:G}], ε = {r.Eps:G3}: {r.Units} units, max error {r.Certificate.MaxError:G3}", "x", "y", path);
    }

    /// <summary>network − f on the certification grid with ±ε.</summary>
    public static void ApproximationError(string path, ReluApproximation r, Func<double, double> f)
    {
        var plot = new Plot();
        var grid = AdaptiveApproximator.CertificationGrid(r.Knots);
        var values = r.Network.Evaluate(grid);
        Style(plot.Add.Scatter(grid, grid.Select((x, i) => values[i] - f(x)).ToArray()), Palette.GetColor(3), "network − f");
        // ScottPlot's autoscaler fails on a span of ±1e308 (2ε overflows); a band that wide would flatten the errors anyway.
        foreach (double level in r.Eps < 1e100 ? new[] { r.Eps, -r.Eps } : [])
        {
            var line = plot.Add.HorizontalLine(level);
            line.Color = Colors.Black;
            line.LinePattern = LinePattern.Dashed;
        }
        Finish(plot, $"error on the certification grid ({grid.Length} points), ε = ±{r.Eps:G3}", "x", "network(x) − f(x)", path);
    }

    static void Style(ScottPlot.Plottables.Scatter line, Color color, string? label)
    {
        line.Color = color;
        line.LineWidth = 2;
        line.MarkerSize = 0;
        if (label != null) line.LegendText = label;
    }

    static void LogTicks(IAxis axis) => axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
    {
        IntegerTicksOnly = true,
        LabelFormatter = v => $"1e{v:0}",
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
    };

    static void Finish(Plot plot, string title, string xLabel, string yLabel, string path)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }
}
