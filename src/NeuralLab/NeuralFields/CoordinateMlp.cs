using TorchSharp.Modules;
using NeuralLab.NeuralFields.Encodings;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>Silu (x·σ(x), C^∞) is the smooth stand-in for ReLU in decoders behind an encoding: ReLU's
/// Laplacian would be zero or a Dirac.</summary>
public enum FieldActivation
{
    /// <summary>max(0, z): piecewise linear, so the field's Laplacian is zero almost everywhere.</summary>
    Relu,
    /// <summary>tanh z.</summary>
    Tanh,
    /// <summary>sin(ω0·z), SIREN (Sitzmann et al. 2020).</summary>
    Sine,
    /// <summary>z·σ(z), smooth (C^∞).</summary>
    Silu,
}

/// <summary>How the weights start: SIREN's scheme for sine networks, or libtorch's default (the Q8 ablation).</summary>
public enum FieldInit
{
    /// <summary>SIREN's uniform scheme: first layer U(−1/n, 1/n), the others U(−√(6/n)/ω0, √(6/n)/ω0), n the fan-in.</summary>
    Siren,
    /// <summary>libtorch's default Linear initialisation.</summary>
    Default,
}

/// <summary>The architecture of a coordinate MLP; stored in checkpoints.</summary>
public sealed record FieldArchitecture(
    FieldActivation Activation = FieldActivation.Sine,
    int Hidden = 256,
    int Layers = 3,
    int Channels = 1,
    double Omega0 = 30.0,
    FieldInit Init = FieldInit.Siren,
    int Inputs = 2,
    double? FirstOmega0 = null)
{
    /// <summary>ω0 of the first layer: SIREN scales it separately for audio (3000 in Sitzmann et al. 2020, Sec. 4.2), where one unit of t spans thousands of periods.</summary>
    public double FirstLayerOmega0 => FirstOmega0 ?? Omega0;

    /// <summary>Throws <see cref="Common.BadInputException"/> naming the CLI option of the first field outside its
    /// range.</summary>
    public void Validate()
    {
        if (Hidden <= 0) throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, "must be positive");
        if (Layers < 0) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "must be zero or more");
        if (Channels is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "must be 1, 2 (stereo audio) or 3");
        if (Inputs is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(Inputs), Inputs, "a field takes 1 (audio) or 2 (image) coordinates");
        if (FirstOmega0 is double w0 && (!(w0 > 0) || double.IsInfinity(w0))) throw new ArgumentOutOfRangeException(nameof(FirstOmega0), w0, "must be positive");
        if (!(Omega0 > 0) || double.IsInfinity(Omega0)) throw new ArgumentOutOfRangeException(nameof(Omega0), Omega0, "must be positive");
    }
}

/// <summary>
/// A coordinate MLP f: [-1,1]² → R^channels: Linear(2→hidden), <see cref="FieldArchitecture.Layers"/>
/// hidden-to-hidden layers, each followed by the activation, then a linear output layer.
/// For sine: sin(ω0·(Wx + b)) with SIREN's initialisation (Sitzmann et al. 2020, Sec. 3.2 and
/// supplement Sec. 1.5): first layer W ~ U(−1/in, 1/in), later layers W ~ U(−√(6/in)/ω0, √(6/in)/ω0),
/// so that pre-activations stay standard-normal-ish through depth; biases keep libtorch's default.
/// With an <see cref="EncodingConfig"/> other than none, the field is f = MLP ∘ γ: the encoding γ
/// (a registered submodule, saved with the weights) feeds the first layer instead of the coordinates;
/// without one, the module and its checkpoints are exactly the homework's networks.
/// </summary>
public sealed class CoordinateMlp : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> hidden = new();
    readonly Linear output;
    readonly FieldEncoding? encoding;

    /// <summary>Layer sizes, activation and initialisation.</summary>
    public FieldArchitecture Architecture { get; }

    /// <summary>The coordinate encoding in front of the first layer (<see cref="EncodingKind.None"/>: raw
    /// coordinates).</summary>
    public EncodingConfig Encoding { get; }

    /// <summary>The linear layers in order, the output layer last (<see cref="PlainMlpStep"/> runs them by hand).</summary>
    internal IReadOnlyList<Linear> Layers => [.. hidden, output];

    /// <summary>An untrained field (float32) initialised as <see cref="FieldArchitecture.Init"/> says, taking
    /// coordinates in [−1, 1]^D.</summary>
    public CoordinateMlp(FieldArchitecture architecture, EncodingConfig? encoding = null) : base(nameof(CoordinateMlp))
    {
        architecture.Validate();
        Architecture = architecture;
        Encoding = encoding ?? new EncodingConfig();
        this.encoding = FieldEncoding.Create(Encoding);
        hidden.Add(nn.Linear(Encoding.Kind == EncodingKind.None ? architecture.Inputs : Encoding.OutputDimension, architecture.Hidden));
        for (int i = 0; i < architecture.Layers; i++) hidden.Add(nn.Linear(architecture.Hidden, architecture.Hidden));
        output = nn.Linear(architecture.Hidden, architecture.Channels);
        RegisterComponents();
        if (architecture is { Activation: FieldActivation.Sine, Init: FieldInit.Siren }) ApplySirenInit();
    }

    void ApplySirenInit()
    {
        using var noGrad = no_grad();
        double omega0 = Architecture.Omega0;
        bool first = true;
        foreach (var layer in hidden.Append(output))
        {
            long fanIn = layer.weight.shape[1];
            double bound = first ? 1.0 / fanIn : Math.Sqrt(6.0 / fanIn) / omega0;
            layer.weight.uniform_(-bound, bound);
            first = false;
        }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor coordinates) // (N, 2) → (N, channels)
    {
        var x = encoding is null ? coordinates : encoding.call(coordinates);
        double omega0 = Architecture.FirstLayerOmega0;
        // Derivatives with respect to the coordinates differentiate the backward again: libtorch's own ops then.
        bool composed = coordinates.requires_grad;
        foreach (var layer in hidden)
        {
            x = Architecture.Activation switch
            {
                FieldActivation.Sine => SineLayer.Forward(x, layer.weight!, layer.bias!, omega0, composed),
                FieldActivation.Tanh => layer.call(x).tanh_(),
                FieldActivation.Silu => nn.functional.silu(layer.call(x)), // not in place: its backward needs the input
                _ => layer.call(x).relu_(),
            };
            omega0 = Architecture.Omega0;
        }
        return output.call(x);
    }

    /// <summary>
    /// Adds <paramref name="offsets"/> (one per channel) to the field, through the output bias: the constant
    /// a fit from derivatives alone leaves free, fixed afterwards by least squares.
    /// </summary>
    public void ShiftOutput(IReadOnlyList<double> offsets)
    {
        if (offsets.Count != Architecture.Channels) throw new ArgumentException("one offset per channel");
        using var noGrad = no_grad();
        using var shift = tensor(offsets.Select(o => (float)o).ToArray());
        output.bias!.add_(shift);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hidden.Dispose();
            output.Dispose();
            encoding?.Dispose();
        }
        base.Dispose(disposing);
    }
}
