using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Encodings;

/// <summary>What sits between the coordinates and the decoder MLP.</summary>
public enum EncodingKind
{
    /// <summary>The raw coordinates (the homework's networks).</summary>
    None,
    /// <summary>Gaussian random Fourier features (Tancik et al. 2020).</summary>
    Fourier,
    /// <summary>Multiresolution feature grid, hashed where a level does not fit (Müller et al. 2022).</summary>
    Grid,
}

/// <summary>
/// The encoding of a field and its sizes; stored in checkpoints (inside <see cref="FitConfig"/>), so a
/// checkpoint rebuilds the same module. Coordinates enter every encoding as u = (x + 1)/2, so the image's
/// longer side spans [0, 1] as in both papers and σ and the grid resolutions mean what they mean there.
/// </summary>
public sealed record EncodingConfig
{
    /// <summary>Which encoding; the other properties configure only their own kind.</summary>
    public EncodingKind Kind { get; init; } = EncodingKind.None;
    /// <summary>m: number of random frequencies; the encoding has 2m outputs.</summary>
    public int FourierFeatures { get; init; } = 256;
    /// <summary>σ of B ~ N(0, σ²) in cycles per unit of u (Tancik et al.'s best for natural images: 10).</summary>
    public double FourierScale { get; init; } = 10;
    /// <summary>L: number of resolution levels.</summary>
    public int GridLevels { get; init; } = 8;
    /// <summary>F: features per grid vertex.</summary>
    public int GridFeatures { get; init; } = 2;
    /// <summary>N_min: cells per unit of u at the coarsest level.</summary>
    public int GridMin { get; init; } = 16;
    /// <summary>N_max: cells per unit of u at the finest level.</summary>
    public int GridMax { get; init; } = 256;
    /// <summary>T: entries per level at most; a level with more vertices is spatially hashed into T entries.</summary>
    public int GridTable { get; init; } = 4096;

    /// <summary>Throws <see cref="BadInputException"/> naming the CLI option of the first setting of <see cref="Kind"/>
    /// outside its range.</summary>
    public void Validate()
    {
        switch (Kind)
        {
            case EncodingKind.Fourier:
                if (FourierFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(FourierFeatures), FourierFeatures, "must be positive");
                if (!(FourierScale > 0) || double.IsInfinity(FourierScale)) throw new ArgumentOutOfRangeException(nameof(FourierScale), FourierScale, "must be positive");
                break;
            case EncodingKind.Grid:
                if (GridLevels is <= 0 or > 32) throw new ArgumentOutOfRangeException(nameof(GridLevels), GridLevels, "must be between 1 and 32");
                if (GridFeatures is <= 0 or > 64) throw new ArgumentOutOfRangeException(nameof(GridFeatures), GridFeatures, "must be between 1 and 64");
                if (GridMin <= 0) throw new ArgumentOutOfRangeException(nameof(GridMin), GridMin, "must be positive");
                if (GridMax < GridMin) throw new ArgumentOutOfRangeException(nameof(GridMax), GridMax, $"must be at least the coarsest level's {GridMin} cells");
                if (GridMax > 1 << 16) throw new ArgumentOutOfRangeException(nameof(GridMax), GridMax, "must be at most 65536");
                if (GridTable <= 0) throw new ArgumentOutOfRangeException(nameof(GridTable), GridTable, "must be positive");
                break;
        }
    }

    /// <summary>Per-level resolutions N_l = round(N_min · b^l), b = exp((ln N_max − ln N_min)/(L − 1)) (Müller et al., Eq. 2–3; rounded as the PyTorch peer does).</summary>
    public int[] GridResolutions()
    {
        double growth = Math.Exp((Math.Log(GridMax) - Math.Log(GridMin)) / Math.Max(GridLevels - 1, 1));
        return Enumerable.Range(0, GridLevels).Select(l => (int)Math.Round(GridMin * Math.Pow(growth, l))).ToArray();
    }

    /// <summary>Table entries per level: (N_l + 1)² vertices when they fit in T (dense), else T (hashed).</summary>
    public long[] GridLevelSizes() => GridResolutions().Select(r => Math.Min((long)(r + 1) * (r + 1), GridTable)).ToArray();

    /// <summary>Width of the encoding's output, the decoder's input.</summary>
    public int OutputDimension => Kind switch
    {
        EncodingKind.Fourier => 2 * FourierFeatures,
        EncodingKind.Grid => GridLevels * GridFeatures,
        _ => 2,
    };

    /// <summary>Trainable parameters of the encoding alone (Fourier's B is a fixed buffer).</summary>
    public long Parameters => Kind == EncodingKind.Grid ? GridLevelSizes().Sum() * GridFeatures : 0;

    internal string Describe() => Kind switch
    {
        EncodingKind.Fourier => $"fourier (m {FourierFeatures}, σ {FourierScale:G4})",
        EncodingKind.Grid => $"grid (L {GridLevels}, F {GridFeatures}, N {GridMin}→{GridMax}, T {GridTable})",
        _ => "none",
    };
}
