using NeuralLab.Common;

namespace NeuralLab.Residual;

/// <summary>
/// Memory and time of training the homework's <see cref="ResNet"/> on 8×8 digits (<see cref="ResourceBudget"/>), counted
/// from its shape: the stem's 3×3 convolution on 4×4 maps, then the residual block's two 3×3 C→C convolutions on 2×2
/// maps. In doubles: hostile widths and batch sizes overflow a long.
/// </summary>
internal static class ResNetCost
{
    /// <summary>Weights of a width-<paramref name="channels"/> ResNet (convolutions, BatchNorm scales and shifts, the head).</summary>
    public static double Parameters(double channels) => 9 * channels + 2 * 9 * channels * channels + 3 * 2 * channels + 11 * channels;

    /// <summary>Multiply-adds of one image's forward pass, times two for flops.</summary>
    public static double ForwardFlops(double channels) => 2 * (16 * 9 * channels + 2 * 4 * 9 * channels * channels + 10 * channels);

    /// <param name="work">The run in the user's words.</param>
    /// <param name="channels">Width C.</param>
    /// <param name="batch">Images per SGD step.</param>
    /// <param name="steps">SGD steps.</param>
    /// <param name="evaluatedImages">Images passed forward without a graph over the run (test-set evaluations).</param>
    /// <param name="largestForward">The largest batch ever passed forward at once (a minibatch or the whole test set).</param>
    /// <param name="bytesPerValue">4 for float32, 8 for float64.</param>
    /// <param name="copies">Networks trained side by side.</param>
    public static ResourceEstimate Estimate(string work, int channels, int batch, double steps, double evaluatedImages,
        double largestForward, int bytesPerValue = 4, int copies = 1)
    {
        double c = channels;
        // Activations per image: the stem's 16 positions and the block's 4, each kept by conv, BatchNorm and ReLU for backward.
        double activations = (16 + 3 * 4) * c * 4 * bytesPerValue;
        double bytes = copies * (4 * Parameters(c) * bytesPerValue + Math.Max(batch, largestForward) * activations * 2);
        double flops = copies * (steps * batch * 3 * ForwardFlops(c) + evaluatedImages * ForwardFlops(c));
        double calls = copies * steps * 80;
        return new ResourceEstimate(work, bytes, ResourceEstimate.SecondsAtLeast(flops, calls));
    }
}
