
namespace NeuralLab.NeuralFields.Tiles;

/// <summary>One tile: its index in row-major order over the grid, its grid position and its pixels in the image.</summary>
public record TileBounds(int Index, int Row, int Column, int Top, int Left, int Height, int Width);

/// <summary>
/// Overlapping tiles covering a <see cref="Height"/>×<see cref="Width"/> image. Along each axis the tiles start every
/// stride S = tile − overlap pixels; the last one is cropped at the image's edge, so an axis of L pixels needs
/// ⌈(L − overlap) / S⌉ tiles (one when L ≤ tile) and the last one still has more than <see cref="Overlap"/> pixels.
/// Neighbouring tiles share exactly <see cref="Overlap"/> pixels: the band where <see cref="PartitionOfUnity"/> blends them.
/// </summary>
public sealed record TileLayout(int Height, int Width, int TileSize, int Overlap)
{
    /// <summary>The blend needs a band of at least two pixel centres: one spacing over which a weight goes from 1 to 0.</summary>
    public const int MinimumOverlap = 2;

    /// <summary>Throws <see cref="ArgumentException"/>, naming the property, for a layout that cannot be blended.</summary>
    public void Validate()
    {
        if (Height <= 0 || Width <= 0) throw new ArgumentException($"cannot tile an image of {Width}×{Height} pixels", Height <= 0 ? nameof(Height) : nameof(Width));
        if (TileSize <= 0) throw new ArgumentOutOfRangeException(nameof(TileSize), TileSize, "must be positive");
        if (Overlap < MinimumOverlap) throw new ArgumentOutOfRangeException(nameof(Overlap), Overlap, $"must be at least {MinimumOverlap} pixels (the blend needs a band)");
        // Bands of neighbouring borders must not intersect, or a pixel would be blended from three tiles along one axis
        // and the telescoping weights of PartitionOfUnity would go negative: stride ≥ overlap.
        if (2 * Overlap > TileSize) throw new ArgumentOutOfRangeException(nameof(Overlap), Overlap, $"is more than half of the tile's {TileSize} pixels");
    }

    /// <summary>Pixels from one tile's start to the next: TileSize − Overlap.</summary>
    public int Stride => TileSize - Overlap;

    /// <summary>First pixel of each tile along an axis of <paramref name="length"/> pixels.</summary>
    public int[] Starts(int length)
    {
        if (length <= TileSize) return [0];
        int count = (length - Overlap + Stride - 1) / Stride;
        return Enumerable.Range(0, count).Select(k => k * Stride).ToArray();
    }

    /// <summary>Pixels of each tile along an axis of <paramref name="length"/> pixels.</summary>
    public int[] Lengths(int length) => Starts(length).Select(s => Math.Min(TileSize, length - s)).ToArray();

    /// <summary>Tiles down the image.</summary>
    public int Rows => Starts(Height).Length;

    /// <summary>Tiles across the image.</summary>
    public int Columns => Starts(Width).Length;

    /// <summary>Rows · Columns.</summary>
    public int Count => Rows * Columns;

    /// <summary>Every tile, row-major.</summary>
    public IReadOnlyList<TileBounds> Tiles
    {
        get
        {
            var tops = Starts(Height);
            var lefts = Starts(Width);
            var heights = Lengths(Height);
            var widths = Lengths(Width);
            var tiles = new List<TileBounds>(tops.Length * lefts.Length);
            for (int r = 0; r < tops.Length; r++)
                for (int c = 0; c < lefts.Length; c++)
                    tiles.Add(new TileBounds(r * lefts.Length + c, r, c, tops[r], lefts[c], heights[r], widths[c]));
            return tiles;
        }
    }

    /// <summary>
    /// The seed of tile <paramref name="index"/>'s fit: SplitMix64's finaliser (Steele, Lea and Flood 2014) of the run's
    /// seed and the index, so a tile's fit depends on nothing else — not on which shard, process or order fits it —
    /// and neighbouring tiles do not start from correlated weights.
    /// </summary>
    public static int TileSeed(int seed, int index)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
