using System.Globalization;
using ScottPlot;

namespace NeuralLab.Attention;

/// <summary>
/// Line plots with logarithmic axes. ScottPlot 5 has no log scale: the data are plotted as log10 values and the
/// ticks relabelled — a log x axis gets a labelled tick at each data x (sizes and ranks are few and meaningful),
/// a log y axis gets powers of ten with logarithmic minor ticks. Non-positive values are left out.
/// </summary>
internal static class LogPlot
{
    /// <param name="Label">Legend text.</param>
    /// <param name="X">Abscissae.</param>
    /// <param name="Y">Ordinates.</param>
    /// <param name="Dashed">Dashed line without markers (closed forms and bounds), else solid with markers (measurements).</param>
    public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Dashed = false);

    public static void Save(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        bool logX, bool logY, int width = 760, int height = 540)
    {
        var plot = new Plot();
        var allX = new SortedSet<double>();
        foreach (var s in series)
        {
            var points = s.X.Zip(s.Y).Where(p => (!logX || p.First > 0) && (!logY || p.Second > 0) && double.IsFinite(p.Second)).ToArray();
            if (points.Length == 0) continue;
            foreach (var p in points) allX.Add(p.First);
            var xs = points.Select(p => logX ? Math.Log10(p.First) : p.First).ToArray();
            var ys = points.Select(p => logY ? Math.Log10(p.Second) : p.Second).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = s.Label;
            scatter.LineWidth = 2;
            scatter.MarkerSize = s.Dashed ? 0 : 7;
            if (s.Dashed) scatter.LinePattern = LinePattern.Dashed;
        }
        if (logX)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (double x in allX)
                ticks.AddMajor(Math.Log10(x), x.ToString(x == Math.Floor(x) ? "0" : "G4", CultureInfo.InvariantCulture));
            plot.Axes.Bottom.TickGenerator = ticks;
        }
        if (logY)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = PowerOfTen,
            };
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, width, height);
    }

    static string PowerOfTen(double exponent)
    {
        int e = (int)Math.Round(exponent);
        return e is >= -2 and <= 3 ? Math.Pow(10, e).ToString("0.##", CultureInfo.InvariantCulture) : $"1e{e}";
    }
}
