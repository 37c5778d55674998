using SkiaSharp;

namespace NeuralLab.NeuralFields;

/// <summary>Grids of a fit's output pictures with row and column labels (the report's Figures 2–5).</summary>
internal static class FieldPanels
{
    public static readonly string[] Columns = ["image", "gradient magnitude", "Laplacian"];

    /// <summary>
    /// One row per (label, fit directory): that directory's reconstruction, gradient and Laplacian;
    /// a row whose directory is prefixed "truth:" shows the ground truth's three instead.
    /// </summary>
    public static void Compose(IReadOnlyList<(string Label, string[] Files)> rows, string title, string path, int cell = 220)
    {
        const int labelWidth = 150, header = 60, gap = 6;
        int width = labelWidth + Columns.Length * (cell + gap);
        int height = header + rows.Count * (cell + gap);
        using var figure = new FigureCanvas(width, height);
        var (canvas, ink) = (figure.Canvas, figure.Ink);
        using var font = new SKFont(SKTypeface.Default, 15);
        figure.Title(title, 18, 8, 22);
        for (int c = 0; c < Columns.Length; c++)
            canvas.DrawText(Columns[c], labelWidth + c * (cell + gap) + 4, header - 10, font, ink);
        using var sampling = new SKPaint();
        for (int r = 0; r < rows.Count; r++)
        {
            int y = header + r * (cell + gap);
            float line = y + cell / 2f - 10;
            foreach (var part in rows[r].Label.Split('\n'))
            {
                canvas.DrawText(part, 6, line, font, ink);
                line += 19;
            }
            for (int c = 0; c < rows[r].Files.Length && c < Columns.Length; c++)
            {
                using var image = SKImage.FromEncodedData(rows[r].Files[c]);
                if (image == null) continue;
                var target = SKRect.Create(labelWidth + c * (cell + gap), y, cell, cell * image.Height / (float)image.Width);
                canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Nearest), sampling);
            }
        }
        figure.SavePng(path);
    }
}
