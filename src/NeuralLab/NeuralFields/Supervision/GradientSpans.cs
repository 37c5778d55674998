using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Supervision;

/// <summary>
/// The low-frequency preconditioner of gradient supervision, still from the gradient alone. A loss on ∇f weighs an
/// error at frequency ω by |ω|², so the image's large-scale brightness, which a gradient fit must integrate over the
/// whole image, is learned last (docs/benchmarks.md, "The gradient aim: what limits it"). Each pixel therefore also
/// compares the field's difference over a long span, f(x + d) − f(x), with the line integral of the target gradient
/// along d (trapezoid rule over the pixels the span crosses): an error at frequency ω ≪ 1/|d| then weighs
/// |ω·d|²/ℓ² in that column instead of |ω|², up to (|d|/ℓ)² times more, while no error weighs more than 4/ℓ² there
/// — the gradient's own weight ω² at ω = 2/ℓ, so above that frequency the gradient term still rules. The spans are
/// axis-aligned (a checkerboard picks the axis) and point towards the centre, their lengths 2, 4, … up to half the
/// side in pixels, cycled by row (horizontal spans) or column (vertical spans), so every length is used in every region.
/// </summary>
internal sealed class GradientSpans : IDisposable
{
    /// <summary>ℓ as a fraction of the image's extent in field units (2): a difference over a span of ℓ weighs as much
    /// as a slope error; over the longest spans (half the image, 1 unit) a low-frequency error weighs up to 100× more.</summary>
    public const double LengthFraction = 0.05;

    readonly int _height, _width;
    readonly double _spacing;
    readonly Tensor _displacements; // (N, 2), field units

    /// <summary>ℓ in field units: differences are divided by it, so their errors weigh as slope errors over ℓ.</summary>
    public double Length { get; }

    public GradientSpans(int height, int width)
    {
        (_height, _width) = (height, width);
        _spacing = CoordinateGrid.Spacing(height, width);
        Length = 2 * LengthFraction;
        var displacements = new float[height * width * 2];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                var (axis, step) = Span(r, c);
                displacements[(r * width + c) * 2 + axis] = (float)(step * _spacing);
            }
        _displacements = tensor(displacements, [height * width, 2]).DetachFromDisposeScope();
    }

    /// <summary>Pixel (r, c)'s span: its axis (0: x across, 1: y down) and signed length in pixels (0 when the image is too small).</summary>
    public (int Axis, int Pixels) Span(int r, int c)
    {
        int axis = (r + c) % 2;
        int side = axis == 0 ? _width : _height, position = axis == 0 ? c : r, cycle = axis == 0 ? r : c;
        int lengths = (int)Math.Floor(Math.Log2(side / 2));           // 2^1 … 2^lengths ≤ side/2: never leaves the image
        if (lengths < 1) return (axis, 0);
        int pixels = 1 << (1 + cycle % lengths);
        return (axis, 2 * position >= side - 1 ? -pixels : pixels);    // towards the centre
    }

    /// <summary>The target column (N, 1) of one channel: the trapezoid line integral of its gradient (N, 2) along each pixel's span, ÷ ℓ.
    /// Prefix sums along each row (column) make it O(N) whatever the spans' lengths.</summary>
    public Tensor Targets(Tensor gradient)
    {
        var g = gradient.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray(); // (N·2), (∂/∂x, ∂/∂y)
        var targets = new float[_height * _width];
        double scale = _spacing / Length;
        var prefix = new double[Math.Max(_height, _width) + 1];
        void Integrate(int lines, int length, Func<int, int, int> pixel, int axis, Func<int, int, (int Axis, int Pixels)> span)
        {
            for (int line = 0; line < lines; line++)
            {
                for (int k = 0; k < length; k++) prefix[k + 1] = prefix[k] + g[pixel(line, k) * 2 + axis];
                for (int k = 0; k < length; k++)
                {
                    var (spanAxis, pixels) = span(line, k);
                    if (spanAxis != axis || pixels == 0) continue;
                    var (a, b) = pixels > 0 ? (k, k + pixels) : (k + pixels, k);
                    double trapezoid = prefix[b + 1] - prefix[a] - (g[pixel(line, a) * 2 + axis] + g[pixel(line, b) * 2 + axis]) / 2.0;
                    targets[pixel(line, k)] = (float)(Math.Sign(pixels) * trapezoid * scale);
                }
            }
        }
        Integrate(_height, _width, (r, c) => r * _width + c, 0, (r, c) => Span(r, c));   // rows: horizontal spans
        Integrate(_width, _height, (c, r) => r * _width + c, 1, (c, r) => Span(r, c));   // columns: vertical spans
        return tensor(targets, [_height * _width, 1]);
    }

    /// <summary>The field's differences (B, C) over the spans of the pixels at <paramref name="x"/> (B, 2) — pixel centres of this grid —
    /// ÷ ℓ, given the field's values <paramref name="y"/> (B, C) there.</summary>
    public Tensor Predict(CoordinateMlp model, Tensor x, Tensor y)
    {
        var centre = x.detach();
        var columns = (centre[.., 0] / _spacing + (_width - 1) / 2.0).round().to_type(ScalarType.Int64);   // (B)
        var rows = (centre[.., 1] / _spacing + (_height - 1) / 2.0).round().to_type(ScalarType.Int64);      // (B)
        var d = _displacements.index_select(0, rows * _width + columns).to_type(centre.dtype);            // (B, 2)
        return (model.call(centre + d) - y) / Length;
    }

    public void Dispose() => _displacements.Dispose();
}
