using static TorchSharp.torch;

namespace NeuralLab.Recurrence;

/// <summary>The three operations an RNN step is made of, over some kind of value.</summary>
/// <typeparam name="T">Numbers, libtorch tensors, graph nodes, polynomials.</typeparam>
public interface IRnnAlgebra<T>
{
    /// <summary>The number <paramref name="value"/>; <paramref name="name"/> labels it (a graph node, a
    /// tensor).</summary>
    T Constant(double value, string name);

    /// <summary>a + b, labelled <paramref name="name"/>.</summary>
    T Add(T a, T b, string name);

    /// <summary>a·b, labelled <paramref name="name"/>.</summary>
    T Multiply(T a, T b, string name);

    /// <summary>σ(a), labelled <paramref name="name"/>.</summary>
    T Activate(Activation sigma, T a, string name);
}

/// <summary>Plain float64 arithmetic.</summary>
internal sealed class DoubleAlgebra : IRnnAlgebra<double>
{
    public static readonly DoubleAlgebra Instance = new();

    public double Constant(double value, string name) => value;

    public double Add(double a, double b, string name) => a + b;

    public double Multiply(double a, double b, string name) => a * b;

    public double Activate(Activation sigma, double a, string name) => sigma.Apply(a);
}

/// <summary>libtorch ops on 0-d tensors, so autograd records the unrolled graph.</summary>
internal sealed class TensorAlgebra : IRnnAlgebra<Tensor>
{
    public static readonly TensorAlgebra Instance = new();

    public Tensor Constant(double value, string name) => tensor(value, dtype: float64);

    public Tensor Add(Tensor a, Tensor b, string name) => a + b;

    public Tensor Multiply(Tensor a, Tensor b, string name) => a * b;

    public Tensor Activate(Activation sigma, Tensor a, string name) => sigma.Apply(a);
}
