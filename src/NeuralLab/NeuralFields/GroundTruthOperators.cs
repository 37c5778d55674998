using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// Discrete derivatives of the target image, in the same units as the field's (per unit of field
/// coordinate, with pixel spacing h = 2/(longer side − 1)), to set beside the field's autograd ones.
/// </summary>
internal static class GroundTruthOperators
{
    /// <summary>Sobel gradient (H·W, 2) as (∂/∂x, ∂/∂y) of the channel-mean image; replicate padding.</summary>
    public static Tensor SobelGradient(FieldImage image)
    {
        using var scope = NewDisposeScope();
        var img = ChannelMean(image);                                                   // (1, 1, H, W)
        // Sobel's [1 2 1]ᵀ[−1 0 1] / 8 is a central difference smoothed across: derivative per pixel.
        var kx = tensor(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, [1, 1, 3, 3]) / 8f;
        var ky = kx.transpose(2, 3);
        var padded = nn.functional.pad(img, [1, 1, 1, 1], TorchSharp.PaddingModes.Replicate);         // (1, 1, H+2, W+2)
        double h = CoordinateGrid.Spacing(image.Height, image.Width);
        var gx = nn.functional.conv2d(padded, kx).reshape(-1) / h;                       // (H·W)
        var gy = nn.functional.conv2d(padded, ky).reshape(-1) / h;                       // (H·W)
        return stack([gx, gy], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The 5-point discrete Laplacian (H·W) of the channel-mean image, divided by h².</summary>
    public static Tensor DiscreteLaplacian(FieldImage image)
    {
        using var scope = NewDisposeScope();
        var img = ChannelMean(image);
        var k = tensor(new float[] { 0, 1, 0, 1, -4, 1, 0, 1, 0 }, [1, 1, 3, 3]);
        var padded = nn.functional.pad(img, [1, 1, 1, 1], TorchSharp.PaddingModes.Replicate);
        double h = CoordinateGrid.Spacing(image.Height, image.Width);
        return (nn.functional.conv2d(padded, k).reshape(-1) / (h * h)).MoveToOuterDisposeScope();
    }

    static Tensor ChannelMean(FieldImage image) =>
        image.ToTensor().mean([1]).reshape(1, 1, image.Height, image.Width);
}
