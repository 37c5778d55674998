using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralLab.Residual;

/// <summary>Where a convolution's per-channel bias sits relative to the BatchNorm that follows it.</summary>
public enum ConvBias
{
    /// <summary>The homework's network: conv without bias, then BatchNorm.</summary>
    None,
    /// <summary>conv with bias, then BatchNorm: the bias is a per-channel constant that the batch mean removes.</summary>
    BeforeNorm,
    /// <summary>Control for the bias experiment: a per-channel shift added after the BatchNorm, which nothing cancels.</summary>
    AfterNorm,
}

/// <summary>conv 3×3 → BatchNorm2d, with the bias placed as <see cref="ConvBias"/> says.</summary>
public sealed class ConvNorm : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly BatchNorm2d norm;
    readonly Parameter? shift;

    /// <summary>A 3×3 convolution (padding 1) from <paramref name="inChannels"/> to <paramref name="outChannels"/>
    /// channels with <paramref name="stride"/>, then BatchNorm2d; <paramref name="bias"/> places the bias.</summary>
    public ConvNorm(long inChannels, long outChannels, long stride, ConvBias bias) : base(nameof(ConvNorm))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: bias == ConvBias.BeforeNorm);
        norm = nn.BatchNorm2d(outChannels);
        if (bias == ConvBias.AfterNorm) shift = new Parameter(zeros(1, outChannels, 1, 1));
        RegisterComponents();
    }

    /// <summary>The bias this unit adds (conv bias or post-norm shift), or null for the homework's network.</summary>
    public Tensor? Bias => conv.bias is { } b ? b : shift;

    /// <summary>The batch normalisation.</summary>
    public BatchNorm2d Norm => norm;

    /// <summary>The convolution (its bias is the conv bias of <see cref="ConvBias.BeforeNorm"/>).</summary>
    public Conv2d Conv => conv;

    /// <summary>
    /// Use <see cref="SmallMapConvolution"/> on maps of at most 2×2 (the same function, computed as one
    /// matrix product); false forces libtorch's convolution everywhere (for comparisons).
    /// </summary>
    public bool DenseSmallMaps { get; set; } = true;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        bool dense = DenseSmallMaps && conv.stride[0] == 1 && SmallMapConvolution.Applies(x);
        // The weight is passed with NHWC strides so that libtorch's convolution also returns NHWC (see MemoryLayout);
        // the parameter itself stays contiguous, as checkpoints need.
        var z = dense
            ? SmallMapConvolution.Apply(x, conv.weight!, conv.bias)
            : nn.functional.conv2d(x, MemoryLayout.ChannelsLast(conv.weight!), conv.bias, strides: conv.stride, padding: [1, 1]); // (N, C', H', W')
        // With one input channel both layouts coincide and libtorch returns NCHW; BatchNorm wants NHWC.
        if (!MemoryLayout.IsChannelsLast(z)) z = MemoryLayout.ChannelsLast(z);
        var y = BatchNorm(z);
        return shift is null ? y : y.add(shift, PinnedScalars.One);
    }

    /// <summary>
    /// TorchSharp's BatchNorm.forward, with one change: it counts batches by num_batches_tracked.add_(1), which
    /// builds a temporary Scalar that the GC may finalize while libtorch still reads it (seen here once as
    /// "For integral input tensors, argument alpha must not be a floating point number"). The count goes
    /// through a Scalar that lives as long as the process instead.
    /// </summary>
    Tensor BatchNorm(Tensor z)
    {
        if (norm.training && norm.num_batches_tracked is { } count) count.add_(PinnedScalars.One, PinnedScalars.One);
        return nn.functional.batch_norm(z, norm.running_mean, norm.running_var, norm.weight, norm.bias,
            training: norm.training, momentum: norm.momentum ?? 0.1, eps: norm.eps);
    }
}

/// <summary>
/// Scalars held for the life of the process. TorchSharp turns literals such as the implicit alpha of a + b into
/// temporary Scalar objects whose native memory a finalizer frees; nothing keeps them alive during the native
/// call, so a GC started by another thread can free one mid-call. A static Scalar is never finalized.
/// </summary>
internal static class PinnedScalars
{
    public static readonly Scalar One = 1.ToScalar();
}
