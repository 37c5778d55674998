using SkiaSharp;

namespace NeuralLab.NeuralFields;

/// <summary>
/// A white canvas for a figure of several panels, with black text and its title on one line at the top — shrunk to the
/// width rather than cut off — written as a PNG at the end: the one set-up of the composites in <see cref="FieldPanels"/>,
/// <see cref="FieldFigures"/> and <c>AudioFigures</c>.
/// </summary>
internal sealed class FigureCanvas : IDisposable
{
    readonly SKSurface _surface;

    public FigureCanvas(int width, int height)
    {
        _surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException("SkiaSharp could not create a surface");
        Canvas.Clear(SKColors.White);
    }

    public SKCanvas Canvas => _surface.Canvas;

    /// <summary>Black, antialiased: every label's paint.</summary>
    public SKPaint Ink { get; } = new() { Color = SKColors.Black, IsAntialias = true };

    /// <summary>Draws <paramref name="title"/> at (<paramref name="x"/>, <paramref name="baseline"/>) in <paramref name="size"/>-point
    /// type, smaller when it would not fit between <paramref name="x"/> and as wide a margin on the right.</summary>
    public void Title(string title, float size, float x, float baseline)
    {
        using var font = new SKFont(SKTypeface.Default, size);
        float room = Canvas.DeviceClipBounds.Width - 2 * x;
        // Type does not scale exactly linearly (hinting rounds the advances), so shrink until the measure fits.
        for (float measured = font.MeasureText(title); measured > room && font.Size > 4; measured = font.MeasureText(title))
            font.Size *= 0.99f * room / measured;
        Canvas.DrawText(title, x, baseline, font, Ink);
    }

    /// <summary>Writes the canvas to <paramref name="path"/> as a PNG.</summary>
    public void SavePng(string path)
    {
        using var snapshot = _surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    public void Dispose()
    {
        Ink.Dispose();
        _surface.Dispose();
    }
}
