using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Tiles;

/// <summary>
/// The tiles' own PSNRs summed up three ways, to set beside the merged PSNR. Only the last two are comparable with it:
/// <list type="bullet">
/// <item><see cref="MeanPsnr"/>, the mean of the tiles' PSNRs, is not the PSNR of anything. PSNR is −10 log₁₀ of the
/// MSE (a convex, decreasing function), so by Jensen the mean of the PSNRs is at least the PSNR of the mean MSE, and
/// more so the more the tiles differ; and it counts a 64×256 edge strip as much as a whole 256² tile.</item>
/// <item><see cref="PixelWeightedPsnr"/>: the PSNR of Σ n_i mse_i / Σ n_i, n_i the pixels of tile i's own region (the
/// bands counted in both tiles).</item>
/// <item><see cref="BlendWeightedPsnr"/>: the PSNR of Σ a_i mse_i / (H·W), a_i = Σ_p w_i(p) the pixels tile i owns after
/// blending (its partition-of-unity weight summed over the image's pixels; Σ a_i = H·W). This is what the merge would
/// score if each tile's error were spread evenly over its tile and the blend neither helped nor hurt in the bands: by the
/// convexity of the square, a blend's error in a band, (w e_a + (1 − w) e_b)², is at most w e_a² + (1 − w) e_b², so a
/// merged PSNR above it means the bands average errors away, and one below it means errors concentrate where tiles meet.</item>
/// </list>
/// </summary>
public sealed record TileErrorSummary(int Tiles, double MeanPsnr, double MinPsnr, double PixelWeightedPsnr, double BlendWeightedPsnr)
{
    /// <summary>The MSE behind a PSNR of <see cref="FieldTrainer.Psnr"/> (values in [−1, 1], peak-to-peak 2).</summary>
    public static double Mse(double psnr) => 4 * Math.Pow(10, -psnr / 10);

    /// <summary>The summary of the tiles (all of <paramref name="layout"/>'s, row-major) with PSNRs <paramref name="psnrs"/>.</summary>
    public static TileErrorSummary Of(TileLayout layout, IReadOnlyList<double> psnrs)
    {
        if (psnrs.Count != layout.Count) throw new ArgumentException($"{psnrs.Count} PSNRs for {layout.Count} tiles");
        var rowShares = BlendShares(layout.Starts(layout.Height), layout.Height, layout.Overlap);
        var columnShares = BlendShares(layout.Starts(layout.Width), layout.Width, layout.Overlap);
        double pixels = 0, pixelErrors = 0, blendErrors = 0;
        foreach (var tile in layout.Tiles)
        {
            double mse = Mse(psnrs[tile.Index]);
            double own = (double)tile.Height * tile.Width;
            pixels += own;
            pixelErrors += own * mse;
            blendErrors += rowShares[tile.Row] * columnShares[tile.Column] * mse;
        }
        return new TileErrorSummary(layout.Count, psnrs.Average(), psnrs.Min(),
            FieldTrainer.Psnr(pixelErrors / pixels), FieldTrainer.Psnr(blendErrors / ((double)layout.Height * layout.Width)));
    }

    /// <summary>Σ_p w_k(p) over the pixel centres p = 0 … length − 1 of each tile k along one axis (they sum to length).</summary>
    public static double[] BlendShares(IReadOnlyList<int> starts, int length, int overlap)
    {
        using var scope = NewDisposeScope();
        var p = arange(length, dtype: ScalarType.Float64);                                // (L)
        var shares = PartitionOfUnity.Weights(p, starts, overlap).sum([0]).contiguous(); // (n)
        return shares.data<double>().ToArray();
    }
}
