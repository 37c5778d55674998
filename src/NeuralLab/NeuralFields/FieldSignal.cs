using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// What a field is fitted to: values (N, C) at the points of a regular grid of shape
/// <see cref="Shape"/> ([H, W] for an image, [N] for a clip of audio), whose coordinates are
/// <see cref="CoordinateGrid"/>'s. Images and audio share <see cref="FieldTrainer"/> through it.
/// </summary>
public sealed class FieldSignal
{
    /// <summary>Grid shape: [height, width] or [samples].</summary>
    public IReadOnlyList<int> Shape { get; }
    /// <summary>Values per sample: 1 or 3 for an image, 1 or 2 for audio.</summary>
    public int Channels { get; }
    /// <summary>Values, index sample · Channels + channel (row-major over <see cref="Shape"/>, channel last).</summary>
    public float[] Values { get; }

    /// <summary>A signal over <paramref name="values"/> (kept, not copied).</summary>
    /// <exception cref="ArgumentException">The shape is not a non-empty 1-D or 2-D grid, channels is not positive, or
    /// the value count does not match.</exception>
    public FieldSignal(IReadOnlyList<int> shape, int channels, float[] values)
    {
        if (shape.Count is not (1 or 2) || shape.Any(s => s <= 0)) throw new ArgumentException("a signal is a non-empty 1-D or 2-D grid");
        if (channels <= 0) throw new ArgumentException("channels must be positive");
        if (values.Length != shape.Aggregate(1L, (a, s) => a * s) * channels) throw new ArgumentException("value count does not match the shape");
        (Shape, Channels, Values) = (shape.ToArray(), channels, values);
    }

    internal static FieldSignal FromImage(FieldImage image) => new([image.Height, image.Width], image.Channels, image.Pixels);

    /// <summary>Coordinate dimensions D: 1 for audio, 2 for an image.</summary>
    public int Dimensions => Shape.Count;

    /// <summary>Grid points: the product of <see cref="Shape"/>.</summary>
    public int SampleCount => Shape.Aggregate(1, (a, s) => a * s);

    /// <summary>The image this signal is; only for 2-D signals.</summary>
    public FieldImage ToImage() => Dimensions == 2
        ? new FieldImage(Shape[0], Shape[1], Channels, Values)
        : throw new InvalidOperationException("not an image");

    /// <summary>The grid's coordinates (N, D).</summary>
    public Tensor CreateCoordinates() => Dimensions == 1 ? CoordinateGrid.CreateLine(Shape[0]) : CoordinateGrid.Create(Shape[0], Shape[1]);

    /// <summary>The values as a tensor (N, C).</summary>
    public Tensor ToTensor() => tensor(Values, [SampleCount, Channels], dtype: float32);

    /// <summary>Rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of <see cref="CreateCoordinates"/> (count, D).</summary>
    public Tensor SliceCoordinates(long start, long count) => Dimensions == 1
        ? CoordinateGrid.SliceLine(Shape[0], start, count)
        : CoordinateGrid.Slice(Shape[0], Shape[1], start, count);

    /// <summary>The field's values (N, C) on this signal's grid, chunk by chunk, without a graph (<see cref="FieldTrainer.Render(CoordinateMlp, int, int)"/>).</summary>
    public Tensor Render(CoordinateMlp model) => FieldTrainer.Render(model, SampleCount, SliceCoordinates);
}
