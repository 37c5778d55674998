using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralLab.Expressivity;

/// <summary>
/// A scalar-to-scalar ReLU network with <c>depth</c> hidden layers of <c>width</c> units, float64, with or without
/// biases. Without biases every layer is z ↦ ReLU(Wz) and ReLU(cz) = c·ReLU(z) for c ≥ 0, so the whole network is
/// positively homogeneous: f(cx) = c·f(x) (answer 1.5).
/// </summary>
public sealed class ReluMlp : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> layers = new();

    /// <summary>Hidden layers.</summary>
    public int Depth { get; }

    /// <summary>Units per hidden layer.</summary>
    public int Width { get; }

    /// <summary>Whether the layers have biases; without them the network is positively homogeneous.</summary>
    public bool Biases { get; }

    /// <summary>A network with libtorch's default initialisation, float64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">depth or width is below 1.</exception>
    public ReluMlp(int depth, int width, bool biases) : base(nameof(ReluMlp))
    {
        if (depth < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(depth), "need at least one hidden layer of one unit");
        (Depth, Width, Biases) = (depth, width, biases);
        layers.Add(nn.Linear(1, width, hasBias: biases, dtype: float64));
        for (int i = 1; i < depth; i++) layers.Add(nn.Linear(width, width, hasBias: biases, dtype: float64));
        layers.Add(nn.Linear(width, 1, hasBias: biases, dtype: float64));
        RegisterComponents();
    }

    /// <summary>x (n, 1) → f(x) (n, 1).</summary>
    public override Tensor forward(Tensor x)
    {
        var z = x;                                               // (n, 1)
        for (int i = 0; i < layers.Count - 1; i++) z = nn.functional.relu(layers[i].call(z));  // (n, width)
        return layers[^1].call(z);                               // (n, 1)
    }

    internal double[] Evaluate(IReadOnlyList<double> xs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        eval();
        var x = tensor(xs as double[] ?? xs.ToArray(), float64).reshape(-1, 1);  // (n, 1)
        return call(x).reshape(-1).data<double>().ToArray();
    }
}
