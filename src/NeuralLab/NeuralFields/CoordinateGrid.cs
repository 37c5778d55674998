using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// Pixel-centre coordinates of an image: the longer side spans [-1, 1]; the shorter side keeps the
/// same spacing, centred on 0, so a pixel is square in field coordinates too.
/// </summary>
internal static class CoordinateGrid
{
    /// <summary>Distance between neighbouring pixel centres in field units: 2 / (longer side − 1).</summary>
    public static double Spacing(int height, int width) => 2.0 / Math.Max(1, Math.Max(height, width) - 1);

    /// <summary>Coordinates (height·width, 2) in row-major pixel order; column 0 is x (across), 1 is y (down).</summary>
    public static Tensor Create(int height, int width, ScalarType dtype = ScalarType.Float32)
    {
        double h = Spacing(height, width);
        var xs = (arange(width, dtype: float64) - (width - 1) / 2.0) * h;   // (W)
        var ys = (arange(height, dtype: float64) - (height - 1) / 2.0) * h; // (H)
        var grid = meshgrid([ys, xs], indexing: "ij");                        // 2 × (H, W)
        return stack([grid[1].reshape(-1), grid[0].reshape(-1)], dim: 1).to_type(dtype); // (H·W, 2)
    }

    /// <summary>
    /// The rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of <see cref="Create"/>
    /// (same float64 arithmetic, so the same values), without building the whole grid: a chunked pass over a
    /// 4096² image needs its chunk's coordinates, not 134 MB of them.
    /// </summary>
    public static Tensor Slice(int height, int width, long start, long count, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        double h = Spacing(height, width);
        var index = arange(start, start + count, dtype: int64);                        // (n)
        var rows = index.div(width, rounding_mode: RoundingMode.floor).to_type(float64);   // (n)
        var columns = index.remainder(width).to_type(float64);                           // (n)
        var xs = (columns - (width - 1) / 2.0) * h;
        var ys = (rows - (height - 1) / 2.0) * h;
        return stack([xs, ys], dim: 1).to_type(dtype).MoveToOuterDisposeScope();        // (n, 2)
    }

    /// <summary>Sample-centre coordinates (length, 1) of a 1-D signal (audio): first sample at −1, last at 1, as SIREN's get_mgrid.</summary>
    public static Tensor CreateLine(int length, ScalarType dtype = ScalarType.Float32) =>
        ((arange(length, dtype: float64) - (length - 1) / 2.0) * Spacing(1, length)).reshape(length, 1).to_type(dtype); // (N, 1)

    /// <summary>Rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of <see cref="CreateLine"/> (same float64 arithmetic).</summary>
    public static Tensor SliceLine(int length, long start, long count, ScalarType dtype = ScalarType.Float32) =>
        ((arange(start, start + count, dtype: float64) - (length - 1) / 2.0) * Spacing(1, length)).reshape(count, 1).to_type(dtype); // (n, 1)
}
