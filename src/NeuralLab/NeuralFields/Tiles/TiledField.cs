using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Tiles;

/// <summary>A rectangle of the image in its own pixels (pixel centres at integers): what <c>tiles merge --region</c> renders.</summary>
public sealed record PixelRegion(int Left, int Top, int Width, int Height);

/// <summary>
/// The tiles of a <c>tiles fit</c> directory blended into one field over the whole image,
///     f(x) = Σ_i w_i(x) f_i(A_i x),   Σ_i w_i = 1,
/// with x the whole image's field coordinates (<see cref="CoordinateGrid"/>: the longer side spans [-1, 1]), A_i the affine
/// map to tile i's own coordinates (each tile was fitted as an image of its own), and w_i the C² partition of unity of
/// <see cref="PartitionOfUnity"/> (products of the two axes' weights). Everything from x to f is a tensor expression, so
/// <see cref="FieldDerivatives"/> differentiates the blend exactly, the same double backprop as <c>render --what gradient</c>:
///     ∇f = Σ w_i ∇f_i + Σ f_i ∇w_i,   Δf = Σ (w_i Δf_i + 2 ∇w_i·∇f_i + f_i Δw_i),
/// continuous because every w_i is C². Owns the tiles' models.
/// </summary>
public sealed class TiledField : IDisposable
{
    readonly CoordinateMlp[] _models;
    readonly int[] _tops, _lefts, _heights, _widths;

    /// <summary>The run's layout.json.</summary>
    public TileRun Run { get; }
    /// <summary>Each tile's checkpoint, by tile index.</summary>
    public IReadOnlyList<FieldCheckpoint> Checkpoints { get; }
    /// <summary>The network of every tile (tile 0's; all tiles share it).</summary>
    public FieldArchitecture Architecture => Checkpoints[0].Architecture;
    /// <summary>Rows of the whole image.</summary>
    public int Height => Run.Height;
    /// <summary>Columns of the whole image.</summary>
    public int Width => Run.Width;
    /// <summary>Trainable parameters of all the tiles' fields together.</summary>
    public long Parameters => _models.Sum(m => m.parameters().Sum(p => p.numel()));

    TiledField(TileRun run, FieldCheckpoint[] checkpoints, CoordinateMlp[] models)
    {
        Run = run;
        Checkpoints = checkpoints;
        _models = models;
        var layout = run.Layout;
        (_tops, _lefts, _heights, _widths) = (layout.Starts(run.Height), layout.Starts(run.Width), layout.Lengths(run.Height), layout.Lengths(run.Width));
    }

    /// <summary>Loads DIR: its layout.json and every tile's checkpoint. A missing or unfinished tile is a <see cref="BadInputException"/> naming it.</summary>
    public static TiledField Load(string root)
    {
        var run = TileRun.Load(root);
        var missing = Enumerable.Range(0, run.Tiles).Where(i => !TiledFit.IsFinished(root, i)).ToList();
        if (missing.Count > 0)
            throw new BadInputException($"'{root}' is missing {missing.Count} of {run.Tiles} tiles ({string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}): run the shards that own them (tiles fit … --shard I/N)");
        var checkpoints = new FieldCheckpoint[run.Tiles];
        var models = new CoordinateMlp[run.Tiles];
        try
        {
            foreach (var tile in run.Layout.Tiles)
            {
                (checkpoints[tile.Index], models[tile.Index]) = FieldCheckpoint.Load(TileRun.TileDirectory(root, tile.Index));
                var c = checkpoints[tile.Index];
                if (c.ImageHeight != tile.Height || c.ImageWidth != tile.Width || c.Architecture.Inputs != 2 || c.Architecture.Channels != run.Channels)
                    throw new BadInputException($"tile {tile.Index} under '{root}' is a {c.ImageWidth}×{c.ImageHeight} field with {c.Architecture.Channels} channel(s); the layout says {tile.Width}×{tile.Height} with {run.Channels}");
            }
        }
        catch
        {
            foreach (var m in models) m?.Dispose();
            throw;
        }
        return new TiledField(run, checkpoints, models);
    }

    /// <summary>
    /// The blended field at <paramref name="x"/> (N, 2), whole-image field coordinates; returns (N, C) in float32, in the graph
    /// of <paramref name="x"/> (differentiable as many times as the tiles' fields). The affine maps and weights are computed in
    /// float64: at 4096 pixels float32 positions would be off by a thousandth of a pixel.
    /// </summary>
    public Tensor Evaluate(Tensor x)
    {
        long n = x.shape[0];
        double h = CoordinateGrid.Spacing(Height, Width);
        var x64 = x.to_type(ScalarType.Float64);
        var px = x64[.., 0] / h + (Width - 1) / 2.0;  // (N) pixel columns, continuous
        var py = x64[.., 1] / h + (Height - 1) / 2.0; // (N) pixel rows
        int overlap = Run.Overlap;
        // Only tiles whose support meets this batch's bounding box are evaluated.
        double xMin, xMax, yMin, yMax;
        using (no_grad())
        {
            if (n == 0) return zeros(0, Run.Channels);
            (xMin, xMax) = (px.min().item<double>(), px.max().item<double>());
            (yMin, yMax) = (py.min().item<double>(), py.max().item<double>());
        }
        var columns = Meeting(_lefts, overlap, xMin, xMax);
        var rows = Meeting(_tops, overlap, yMin, yMax);
        var columnWeights = columns.ToDictionary(c => c, c => PartitionOfUnity.Weight(px, _lefts, overlap, c)); // (N) each
        Tensor result = zeros(n, Run.Channels, dtype: ScalarType.Float32);                                   // (N, C)
        foreach (int r in rows)
        {
            var rowWeight = PartitionOfUnity.Weight(py, _tops, overlap, r); // (N)
            foreach (int c in columns)
            {
                var weight = rowWeight * columnWeights[c];                   // (N)
                // Points of zero weight are left out: there w_i, ∇w_i and the Hessian of w_i all vanish (q′ = q″ = 0 at
                // the band's ends), so the tile adds nothing to f, ∇f or Δf.
                Tensor index;
                using (no_grad()) index = weight.gt(0).nonzero().reshape(-1); // (M)
                if (index.shape[0] == 0) continue;
                int i = r * _lefts.Length + c;
                double hi = CoordinateGrid.Spacing(_heights[r], _widths[c]);
                var local = stack([
                    (px.index_select(0, index) - _lefts[c] - (_widths[c] - 1) / 2.0) * hi,
                    (py.index_select(0, index) - _tops[r] - (_heights[r] - 1) / 2.0) * hi,
                ], dim: 1).to_type(ScalarType.Float32);                                        // (M, 2) tile i's coordinates
                var value = _models[i].call(local);                                             // (M, C)
                var blended = value * weight.index_select(0, index).to_type(ScalarType.Float32).unsqueeze(1); // (M, C)
                result = result.index_add(0, index, blended, 1);
            }
        }
        return result;
    }

    static List<int> Meeting(int[] starts, int overlap, double from, double to)
    {
        var meeting = new List<int>();
        for (int k = 0; k < starts.Length; k++)
        {
            var (a, b) = PartitionOfUnity.Support(starts, overlap, k);
            if (to > a && from < b) meeting.Add(k);
        }
        return meeting;
    }

    /// <summary>The output's shape for <paramref name="region"/> (default: the whole image) with its longer side <paramref name="size"/> (default: the region's own pixels).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive, or the output would have more
    /// than <see cref="FieldImage.DefaultMaxPixels"/> pixels (named <c>longerSide</c>, as <see cref="FieldRender"/> names it).</exception>
    public (int Height, int Width) Shape(PixelRegion? region, int? size)
    {
        region ??= new PixelRegion(0, 0, Width, Height);
        return FieldRender.ScaledShape(region.Height, region.Width, size);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="region"/> unless it lies inside the image.</summary>
    public void CheckRegion(PixelRegion region)
    {
        if (region.Width <= 0 || region.Height <= 0 || region.Left < 0 || region.Top < 0 || region.Left + region.Width > Width || region.Top + region.Height > Height)
            throw new ArgumentOutOfRangeException(nameof(region), $"{region.Left},{region.Top},{region.Width},{region.Height}", $"is not inside the {Width}×{Height} image");
    }

    /// <summary>
    /// Rows <paramref name="start"/> … of the whole-image field coordinates (n, 2) of an <paramref name="outHeight"/>×<paramref name="outWidth"/>
    /// grid over <paramref name="region"/>: output pixel centre (v, u) sits at the image's continuous pixel position
    /// (top + v·(height − 1)/(outHeight − 1), left + u·(width − 1)/(outWidth − 1)) — at the image's own size, exactly its pixel centres,
    /// as <see cref="CoordinateGrid"/> places them for the whole image.
    /// </summary>
    public Tensor Coordinates(PixelRegion region, int outHeight, int outWidth, long start, long count)
    {
        using var scope = NewDisposeScope();
        double h = CoordinateGrid.Spacing(Height, Width);
        double sx = outWidth > 1 ? (region.Width - 1.0) / (outWidth - 1) : 0, sy = outHeight > 1 ? (region.Height - 1.0) / (outHeight - 1) : 0;
        var index = arange(start, start + count, dtype: ScalarType.Int64);                                 // (n)
        var v = index.div(outWidth, rounding_mode: RoundingMode.floor).to_type(ScalarType.Float64);         // (n)
        var u = index.remainder(outWidth).to_type(ScalarType.Float64);                                     // (n)
        var xs = (region.Left + u * sx - (Width - 1) / 2.0) * h;
        var ys = (region.Top + v * sy - (Height - 1) / 2.0) * h;
        return stack([xs, ys], dim: 1).to_type(ScalarType.Float32).MoveToOuterDisposeScope();              // (n, 2)
    }

    /// <summary>Chunk sizes of the blended passes: one tile's (<see cref="FieldChunks"/>) for half the budget, because in a
    /// blend band a chunk's pixels are evaluated by two tiles (four at a corner) and the scope keeps every tile's graph.</summary>
    int Chunk(FieldPass pass) => FieldChunks.PixelsPerChunk(Architecture, pass, FieldChunks.DefaultChunkBytes / 2);

    /// <summary>The blended field's values (N, C) on the grid of <paramref name="region"/>, chunk by chunk, without a graph.</summary>
    public Tensor Render(PixelRegion region, int outHeight, int outWidth)
    {
        using var noGrad = no_grad();
        long n = (long)outHeight * outWidth;
        int chunk = Chunk(FieldPass.Forward);
        var values = empty(n, Run.Channels); // (N, C)
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            values.narrow(0, start, length).copy_(Evaluate(Coordinates(region, outHeight, outWidth, start, length)));
        }
        return values;
    }

    /// <summary>Gradient (N, 2) and Laplacian (N) of the blended field by <see cref="FieldDerivatives"/>, per unit of whole-image field coordinate.</summary>
    public (Tensor Gradient, Tensor Laplacian) Derivatives(PixelRegion region, int outHeight, int outWidth) =>
        FieldDerivatives.Evaluate(Evaluate, (long)outHeight * outWidth, (start, length) => Coordinates(region, outHeight, outWidth, start, length), Chunk(FieldPass.Derivatives));

    /// <summary>Whole-image MSE and PSNR of the blend at the image's own pixels against <paramref name="image"/>.</summary>
    public double Psnr(FieldImage image)
    {
        if (image.Height != Height || image.Width != Width || image.Channels != Run.Channels)
            throw new BadInputException($"the image is {image.Width}×{image.Height}×{image.Channels}; the tiles were fitted to {Width}×{Height}×{Run.Channels}");
        using var scope = NewDisposeScope();
        var values = Render(new PixelRegion(0, 0, Width, Height), Height, Width); // (N, C)
        using var targets = image.ToTensor();                                    // (N, C)
        double mse = (values - targets).square().mean().to_type(ScalarType.Float64).item<double>();
        return FieldTrainer.Psnr(mse);
    }

    /// <summary>
    /// Writes <paramref name="what"/> ("field", "gradient" or "laplacian", as <see cref="FieldRender"/>) of the blend over
    /// <paramref name="region"/> at <paramref name="outHeight"/>×<paramref name="outWidth"/> to <paramref name="path"/>
    /// atomically, after checking the pixel budget and the estimate against <paramref name="budget"/>.
    /// </summary>
    public void Save(PixelRegion region, int outHeight, int outWidth, string what, string path, ResourceBudget? budget = null)
    {
        FieldRender.CheckGrid(what, outHeight, outWidth);
        CheckRegion(region);
        // A pixel in a blend band costs up to two tiles' passes (four at corners): count the render twice.
        var estimate = FieldBudget.Render(Architecture, outHeight, outWidth, what);
        (budget ?? ResourceBudget.Default).Check(estimate with { Bytes = 2 * estimate.Bytes, Seconds = 2 * estimate.Seconds });
        AtomicFile.Write(path, temp =>
        {
            using var scope = NewDisposeScope();
            if (what == "field")
            {
                FieldFigures.SaveImage(Render(region, outHeight, outWidth), outHeight, outWidth, temp);
                return;
            }
            var (gradient, laplacian) = Derivatives(region, outHeight, outWidth); // (N, 2), (N)
            if (what == "gradient")
            {
                var magnitude = gradient.norm(1, keepdim: false, p: 2); // (N)
                FieldFigures.SaveMagnitude(magnitude, outHeight, outWidth, FieldFigures.RobustScale(magnitude), temp);
            }
            else FieldFigures.SaveDiverging(laplacian, outHeight, outWidth, FieldFigures.RobustScale(laplacian), temp);
        });
    }

    /// <summary>Frees every tile's model.</summary>
    public void Dispose()
    {
        foreach (var m in _models) m.Dispose();
    }
}
