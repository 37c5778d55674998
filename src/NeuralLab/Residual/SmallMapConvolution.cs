using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace NeuralLab.Residual;

/// <summary>
/// A 3×3 convolution (stride 1, padding 1) on maps of at most 2×2 pixels, computed as one dense
/// matrix product. On such a map every output pixel sees every input pixel, each through one kernel
/// tap: out[n, o, i, j] = Σ_{c, p, q} W[o, c, p − i + 1, q − j + 1] · x[n, c, p, q]. So the layer is the
/// linear map X (N, HW·C) · M (HW·C, HW·O) with M's blocks gathered from the kernel, and the 5 of 9
/// taps that a direct convolution multiplies by padding at each output pixel are never computed.
/// The ResNet's block runs on 2×2 maps (8×8 digits → stride 2 → max-pool 2), where this takes about
/// half the CPU time of libtorch's convolution forward and backward (measured in docs/residual.md).
/// The result equals torch.nn.functional.conv2d to rounding, gradients included (tests compare both).
/// </summary>
internal static class SmallMapConvolution
{
    static readonly ConcurrentDictionary<(long H, long W), Tensor> TapIndices = new();

    /// <summary>Whether <paramref name="x"/> (N, C, H, W) is small enough for the dense form.</summary>
    public static bool Applies(Tensor x) => x.dim() == 4 && x.shape[2] <= 2 && x.shape[3] <= 2;

    /// <summary>3×3 convolution, stride 1, padding 1, of (N, C, H, W) with H, W ≤ 2 → (N, O, H, W).</summary>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor? bias)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], o = weight.shape[0];
        if (!Applies(x)) throw new ArgumentException($"maps of {h}×{w} are larger than 2×2");
        if (weight.shape[1] != c || weight.shape[2] != 3 || weight.shape[3] != 3)
            throw new ArgumentException($"weight {string.Join('×', weight.shape)} is not a 3×3 kernel over {c} channels");
        long hw = h * w;
        var inputs = x.permute(0, 2, 3, 1).reshape(n, hw * c);                       // (N, HW·C), order (p, q, c)
        var taps = weight.permute(2, 3, 1, 0).reshape(9, c, o);                      // (9, C, O), tap = kh·3 + kw
        var blocks = taps.index_select(0, TapIndex(h, w));                           // (HW·HW, C, O), order (pq, ij)
        var map = blocks.reshape(hw, hw, c, o).permute(0, 2, 1, 3).reshape(hw * c, hw * o); // (HW·C, HW·O)
        var y = inputs.mm(map).reshape(n, h, w, o).permute(0, 3, 1, 2);             // (N, O, H, W), NHWC storage
        return bias is null ? y : y.add(bias.view(1, o, 1, 1), PinnedScalars.One);
    }

    /// <summary>For input pixel (p, q) and output pixel (i, j), the kernel tap (p − i + 1)·3 + (q − j + 1).</summary>
    static Tensor TapIndex(long h, long w) => TapIndices.GetOrAdd((h, w), key =>
    {
        var index = new List<long>();
        for (long p = 0; p < key.H; p++)
            for (long q = 0; q < key.W; q++)
                for (long i = 0; i < key.H; i++)
                    for (long j = 0; j < key.W; j++)
                        index.Add((p - i + 1) * 3 + (q - j + 1));
        return tensor(index.ToArray()).DetachFromDisposeScope();
    });
}
