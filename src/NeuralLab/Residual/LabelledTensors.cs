using static TorchSharp.torch;

namespace NeuralLab.Residual;

/// <summary>A data set as tensors: images (n, 1, H, W) float32 and labels (n) int64.</summary>
public sealed class LabelledTensors : IDisposable
{
    /// <summary>(n, 1, H, W) float32 intensities in [0, 1].</summary>
    public Tensor Images { get; }
    /// <summary>(n) int64 classes 0..9.</summary>
    public Tensor Labels { get; }
    /// <summary>Number of images n.</summary>
    public int Count { get; }
    readonly int[] _indices;

    LabelledTensors(Tensor images, Tensor labels, int count)
    {
        Images = images;
        Labels = labels;
        Count = count;
        _indices = Enumerable.Range(0, count).ToArray();
    }

    internal static LabelledTensors From(DigitsData data, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var images = tensor(data.Pixels, [data.Count, 1, data.Height, data.Width]).to_type(dtype); // (n, 1, H, W)
        var labels = tensor(data.Labels.Select(l => (long)l).ToArray());                          // (n)
        return new LabelledTensors(images.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), data.Count);
    }

    /// <summary>
    /// A minibatch of <paramref name="size"/> distinct images drawn uniformly at random (all of them, shuffled,
    /// when the set is smaller), by a partial Fisher–Yates shuffle driven by <paramref name="random"/>.
    /// </summary>
    public (Tensor Images, Tensor Labels) Batch(Random random, int size)
    {
        int take = Math.Min(size, Count);
        var chosen = new long[take];
        for (int i = 0; i < take; i++)
        {
            int j = random.Next(i, Count);
            (_indices[i], _indices[j]) = (_indices[j], _indices[i]);
            chosen[i] = _indices[i];
        }
        var index = tensor(chosen);
        return (Images.index_select(0, index), Labels.index_select(0, index));
    }

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
