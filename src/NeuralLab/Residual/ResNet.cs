using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralLab.Residual;

/// <summary>The homework's residual block: conv → BN → ReLU → conv → BN → add the input → ReLU; shape-preserving.</summary>
internal sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly ConvNorm first, second;

    public ResidualBlock(long channels, ConvBias bias = ConvBias.None) : base(nameof(ResidualBlock))
    {
        first = new ConvNorm(channels, channels, stride: 1, bias);
        second = new ConvNorm(channels, channels, stride: 1, bias);
        RegisterComponents();
    }

    public IEnumerable<ConvNorm> Units => [first, second];

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>(N, C, H, W) → (N, C, H, W); appends each BatchNorm unit's output to <paramref name="normOutputs"/> if given.</summary>
    public Tensor Forward(Tensor x, List<Tensor>? normOutputs)
    {
        var a = first.call(x);
        normOutputs?.Add(a);
        var b = second.call(nn.functional.relu(a));
        normOutputs?.Add(b);
        return nn.functional.relu(b.add(x, PinnedScalars.One));
    }
}

/// <summary>
/// The homework's ResNet: conv 3×3 (1→C, stride 2, padding 1) → BN → ReLU → MaxPool 2 →
/// ResidualBlock(C) → adaptive average pool 1×1 → Linear(C, classes).
/// On 8×8 digits the stem gives 4×4, the pool 2×2, and the block works on 2×2 maps.
/// </summary>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    readonly ConvNorm stem;
    readonly MaxPool2d pool;
    readonly ResidualBlock block;
    readonly AdaptiveAvgPool2d average;
    readonly Linear head;

    /// <summary>The homework's small ResNet with <paramref name="channels"/> channels throughout and <paramref
    /// name="classes"/> outputs; <paramref name="bias"/> places the conv biases (none in the homework).</summary>
    /// <exception cref="ArgumentOutOfRangeException">channels is below 1.</exception>
    public ResNet(int channels, int classes = DigitsData.Classes, ConvBias bias = ConvBias.None) : base(nameof(ResNet))
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), "a ResNet needs at least one channel");
        Channels = channels;
        Bias = bias;
        stem = new ConvNorm(1, channels, stride: 2, bias);
        pool = nn.MaxPool2d(2);
        block = new ResidualBlock(channels, bias);
        average = nn.AdaptiveAvgPool2d(1);
        head = nn.Linear(channels, classes);
        RegisterComponents();
    }

    /// <summary>Channels C of every convolution.</summary>
    public int Channels { get; }

    /// <summary>Where the convolutions' biases sit.</summary>
    public ConvBias Bias { get; }

    /// <summary>The three conv+BatchNorm units in forward order: stem, block's first, block's second.</summary>
    public IReadOnlyList<ConvNorm> Units => [stem, .. block.Units];

    /// <summary>The biases before (or, for the control, after) each BatchNorm; empty for the homework's network.</summary>
    public IReadOnlyList<Tensor> NormBiases => Units.Select(u => u.Bias).OfType<Tensor>().ToList();

    /// <summary>See <see cref="ConvNorm.DenseSmallMaps"/>; on by default.</summary>
    public bool DenseSmallMaps
    {
        get => Units.All(u => u.DenseSmallMaps);
        set { foreach (var u in Units) u.DenseSmallMaps = value; }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>
    /// Logits, and optionally the output of every conv+BatchNorm unit (for the bias identity).
    /// No dispose scope inside: callers run each step in theirs.
    /// </summary>
    public Tensor Forward(Tensor x, List<Tensor>? normOutputs) // (N, 1, H, W) → (N, classes)
    {
        var s = stem.call(MemoryLayout.ChannelsLast(x));   // (N, C, H/2, W/2)
        normOutputs?.Add(s);
        var h = pool.call(nn.functional.relu(s));          // (N, C, H/4, W/4)
        var r = block.Forward(h, normOutputs);             // (N, C, H/4, W/4)
        return head.call(average.call(r).flatten(1));      // (N, C) → (N, classes)
    }
}
