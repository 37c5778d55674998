using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;
using SkiaSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields.Tiles;

/// <summary>
/// What the merge's PSNR is made of. The merge at the image's own pixels must be the tiles' own renders (each on the grid it
/// was fitted on) blended with the partition-of-unity weights, computed here again in plain doubles — an error of placement
/// (a pixel off), of resolution, of axes or of colour shows as a difference of the order of the image's contrast, not
/// 10⁻⁴. The tiles' summaries (<see cref="TileErrorSummary"/>) are checked against closed forms.
/// </summary>
public class TileMergeTests
{
    /// <summary>The quintic smoothstep of PartitionOfUnity, written out again in doubles.</summary>
    static double Q(double t)
    {
        t = Math.Clamp(t, 0, 1);
        return t * t * t * (t * (t * 6 - 15) + 10);
    }

    /// <summary>Weight of tile k along an axis at pixel p: rise from the left neighbour's band minus fall into the right one's.</summary>
    static double AxisWeight(int[] starts, int overlap, int k, int p) =>
        (k == 0 ? 1 : Q((p - starts[k]) / (overlap - 1.0))) - (k == starts.Length - 1 ? 0 : Q((p - starts[k + 1]) / (overlap - 1.0)));

    [Fact]
    public void The_merge_is_the_tiles_own_renders_blended_and_its_PSNR_is_that_blends()
    {
        using var threads = LibtorchThreads.One();
        using var dir = new TempDir();
        // Colour, not square, neither side a multiple of the stride: 3 columns (the last 22 wide) and 2 rows (the last 29 high).
        string image = FieldImageTests.WriteImage(dir.File("ramp.png"), 70, 53, SKEncodedImageFormat.Png);
        string output = dir.File("run");
        var fit = CliRunner.Succeeds("tiles", "fit", image, "--tile", "32", "--overlap", "8", "--hidden", "32", "--layers", "1", "--steps", "40", "--out", output, "--json");

        using var scope = NewDisposeScope();
        using var field = TiledField.Load(output);
        var target = FieldImage.Load(image);
        var layout = field.Run.Layout;
        Assert.Equal((2, 3, 3), (layout.Rows, layout.Columns, target.Channels));
        int height = target.Height, width = target.Width, channels = target.Channels;
        var merged = field.Render(new PixelRegion(0, 0, width, height), height, width).contiguous().data<float>().ToArray(); // (H·W·C)

        var blended = new double[height * width * channels];
        var weightedSquares = new double[height * width]; // Σ_i w_i e_i², summed over channels
        int[] tops = layout.Starts(height), lefts = layout.Starts(width);
        foreach (var tile in layout.Tiles)
        {
            var (checkpoint, model) = FieldCheckpoint.Load(TileRun.TileDirectory(output, tile.Index));
            using var _ = model;
            var own = FieldTrainer.Render(model, tile.Height, tile.Width).contiguous().data<float>().ToArray(); // the grid it was fitted on
            var crop = target.Crop(tile.Top, tile.Left, tile.Height, tile.Width);
            double squares = 0;
            for (int y = 0; y < tile.Height; y++)
                for (int x = 0; x < tile.Width; x++)
                {
                    int p = (tile.Top + y) * width + tile.Left + x;
                    double w = AxisWeight(tops, layout.Overlap, tile.Row, tile.Top + y) * AxisWeight(lefts, layout.Overlap, tile.Column, tile.Left + x);
                    for (int ch = 0; ch < channels; ch++)
                    {
                        int q = (y * tile.Width + x) * channels + ch;
                        double error = own[q] - crop.Pixels[q];
                        squares += error * error;
                        blended[p * channels + ch] += w * own[q];
                        weightedSquares[p] += w * error * error;
                    }
                }
            // The tile's metrics are the PSNR of its whole own region (what TileErrorSummary assumes), not a minibatch's.
            Assert.Equal(checkpoint.Psnr, FieldTrainer.Psnr(squares / crop.Pixels.Length), 3);
        }
        double largest = merged.Zip(blended).Max(m => Math.Abs(m.First - m.Second));
        Assert.True(largest < 2e-4, $"the merge differs from the tiles' own renders blended by up to {largest:G3}");

        double mergedMse = blended.Zip(target.Pixels).Average(m => (m.First - m.Second) * (m.First - m.Second));
        Assert.Equal(FieldTrainer.Psnr(mergedMse), field.Psnr(target), 3);
        // Convexity of the square: blending errors with weights summing to 1 never does worse than blending their squares.
        double blendOfSquares = weightedSquares.Sum() / (height * width * channels);
        Assert.True(mergedMse <= blendOfSquares * (1 + 1e-9), $"merged MSE {mergedMse:G6} above the blend of the tiles' squared errors {blendOfSquares:G6}");
    }

    [Theory]
    [InlineData(64, 32, 8)]
    [InlineData(70, 32, 8)]
    [InlineData(1024, 256, 16)]
    [InlineData(30, 32, 8)]   // one tile
    [InlineData(300, 10, 5)]  // overlap half the tile
    public void Each_tile_owns_its_pixels_less_half_of_each_band_it_shares(int length, int tile, int overlap)
    {
        var layout = new TileLayout(length, length, tile, overlap);
        var starts = layout.Starts(length);
        var lengths = layout.Lengths(length);
        var shares = TileErrorSummary.BlendShares(starts, length, overlap);
        // q(t) + q(1 − t) = 1, so over a band's O pixel centres the two tiles' weights sum to O/2 each.
        for (int k = 0; k < starts.Length; k++)
        {
            int bands = (k > 0 ? 1 : 0) + (k < starts.Length - 1 ? 1 : 0);
            Assert.Equal(lengths[k] - bands * overlap / 2.0, shares[k], 9);
        }
        Assert.Equal(length, shares.Sum(), 9);
    }

    [Fact]
    public void The_tiles_summary_weights_their_MSEs_by_pixels_and_by_blend_shares()
    {
        // Two tiles along x: 32 and 26 pixels wide, sharing 8; 32 rows.
        var layout = new TileLayout(32, 50, 32, 8);
        double m0 = TileErrorSummary.Mse(20), m1 = TileErrorSummary.Mse(40);
        Assert.Equal(4 * 1e-2, m0, 12);
        var summary = TileErrorSummary.Of(layout, [20, 40]);
        Assert.Equal(30, summary.MeanPsnr, 12);
        Assert.Equal(20, summary.MinPsnr, 12);
        Assert.Equal(FieldTrainer.Psnr((32 * 32 * m0 + 32 * 26 * m1) / (32 * 32 + 32 * 26)), summary.PixelWeightedPsnr, 9);
        Assert.Equal(FieldTrainer.Psnr((32 * 28 * m0 + 32 * 22 * m1) / (32 * 50)), summary.BlendWeightedPsnr, 9);
        // Jensen: the mean of the PSNRs is never below the PSNR of the mean MSE, and equal tiles agree on every summary.
        Assert.True(summary.MeanPsnr > summary.PixelWeightedPsnr + 6);
        var equal = TileErrorSummary.Of(new TileLayout(70, 53, 32, 8), Enumerable.Repeat(27.5, 6).ToList());
        Assert.Equal((27.5, 27.5, 27.5), (equal.MeanPsnr, Math.Round(equal.PixelWeightedPsnr, 9), Math.Round(equal.BlendWeightedPsnr, 9)));
    }
}
