
namespace NeuralLab.NeuralFields.Encodings;

/// <summary>
/// Trainable-parameter counts of a field (encoding + decoder MLP) in closed form, and the sizing behind
/// <c>fit --max-parameters</c>: fields compared at equal size, as the targets require.
/// </summary>
public static class FieldParameters
{
    /// <summary>Trainable parameters of <see cref="CoordinateMlp"/>(<paramref name="architecture"/>, <paramref name="encoding"/>).</summary>
    public static long Count(FieldArchitecture architecture, EncodingConfig encoding)
    {
        long inputs = encoding.Kind == EncodingKind.None ? architecture.Inputs : encoding.OutputDimension, h = architecture.Hidden;
        long decoder = (inputs + 1) * h + architecture.Layers * (h + 1) * h + (h + 1) * architecture.Channels;
        return encoding.Parameters + decoder;
    }

    internal static long Count(FitConfig config) => Count(config.Architecture, config.Encoding);

    /// <summary>
    /// The largest field of <paramref name="config"/>'s kind within <paramref name="maxParameters"/>: the grid's
    /// table T, the number of Fourier features m, or (no encoding) the hidden width; everything else is kept.
    /// A grid whose levels are all dense already cannot use more, so it may stay below the budget.
    /// </summary>
    public static FitConfig SizeToBudget(FitConfig config, long maxParameters)
    {
        if (maxParameters <= 0) throw new ArgumentOutOfRangeException(nameof(maxParameters), maxParameters, "must be positive");
        var encoding = config.Encoding;
        (string what, long upper, Func<long, FitConfig> with) = encoding.Kind switch
        {
            EncodingKind.Grid => ("a grid table of 1 entry per level", encoding.GridResolutions().Max(r => (long)(r + 1) * (r + 1)),
                (Func<long, FitConfig>)(t => config with { Encoding = encoding with { GridTable = (int)t } })),
            EncodingKind.Fourier => ("1 Fourier feature", 1L << 20,
                m => config with { Encoding = encoding with { FourierFeatures = (int)m } }),
            _ => ("a hidden width of 1", 1L << 16,
                h => config with { Architecture = config.Architecture with { Hidden = (int)h } }),
        };
        long smallest = Count(with(1));
        if (smallest > maxParameters)
            throw new ArgumentOutOfRangeException(nameof(maxParameters), maxParameters,
                $"too small for this field: with {what} it already has {smallest} parameters");
        // Count is non-decreasing in each of the three sizes: binary search for the largest that fits.
        long lo = 1, hi = upper;
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (Count(with(mid)) <= maxParameters) lo = mid; else hi = mid - 1;
        }
        return with(lo);
    }
}
