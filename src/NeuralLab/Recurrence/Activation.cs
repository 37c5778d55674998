using static TorchSharp.torch;

namespace NeuralLab.Recurrence;

/// <summary>The scalar nonlinearity σ of the homework's RNN.</summary>
public enum Activation
{
    /// <summary>σ(z) = z: the linear RNN.</summary>
    Identity,
    /// <summary>σ(z) = tanh z.</summary>
    Tanh,
    /// <summary>σ(z) = max(0, z).</summary>
    Relu,
    /// <summary>σ(z) = 1/(1 + e^(−z)).</summary>
    Sigmoid,
}

/// <summary>
/// Where σ sits in a step. Outer: h_t = w·σ(y_t) (the form the solution's 2.4 formula is written for);
/// inner: h_t = σ(w·y_t). Both read y_t = x_t + h_{t−1} and coincide when σ is the identity.
/// </summary>
public enum RnnForm
{
    /// <summary>h_t = w·σ(y_t).</summary>
    Outer,
    /// <summary>h_t = σ(w·y_t).</summary>
    Inner,
}

/// <summary>σ and its parsing and naming for <see cref="Activation"/> and <see cref="RnnForm"/>.</summary>
public static class ActivationFunctions
{
    internal static double Apply(this Activation activation, double v) => activation switch
    {
        Activation.Identity => v,
        Activation.Tanh => Math.Tanh(v),
        Activation.Relu => v > 0 ? v : 0,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>
    /// σ'(v). For relu at exactly 0 this is 0, the subgradient libtorch's threshold_backward picks,
    /// so that the hand-written pass and autograd agree on the kink too.
    /// </summary>
    public static double Derivative(this Activation activation, double v) => activation switch
    {
        Activation.Identity => 1,
        Activation.Tanh => 1 - Math.Tanh(v) * Math.Tanh(v),
        Activation.Relu => v > 0 ? 1 : 0,
        Activation.Sigmoid => Apply(Activation.Sigmoid, v) * (1 - Apply(Activation.Sigmoid, v)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    internal static Tensor Apply(this Activation activation, Tensor v) => activation switch
    {
        Activation.Identity => v,
        Activation.Tanh => v.tanh(),
        Activation.Relu => v.relu(),
        Activation.Sigmoid => v.sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>The name used on the command line and in JSON.</summary>
    public static string Name(this Activation activation) => activation.ToString().ToLowerInvariant();

    /// <summary>How σ is written in figures and formulas.</summary>
    public static string Symbol(this Activation activation) => activation switch
    {
        Activation.Identity => "id",
        Activation.Tanh => "tanh",
        Activation.Relu => "relu",
        Activation.Sigmoid => "sigmoid",
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>The activation named <paramref name="text"/>; an <see cref="ArgumentException"/> naming <paramref name="parameter"/> otherwise.</summary>
    public static Activation ParseActivation(string? text, string parameter = "activation")
    {
        foreach (var a in Enum.GetValues<Activation>())
            if (string.Equals(a.Name(), text?.Trim(), StringComparison.OrdinalIgnoreCase)) return a;
        throw new ArgumentException($"unknown activation '{text}' (expected identity, tanh, relu or sigmoid)", parameter);
    }

    /// <summary>The form named <paramref name="text"/>; an <see cref="ArgumentException"/> naming <paramref name="parameter"/> otherwise.</summary>
    public static RnnForm ParseForm(string? text, string parameter = "form")
    {
        foreach (var f in Enum.GetValues<RnnForm>())
            if (string.Equals(f.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase)) return f;
        throw new ArgumentException($"unknown form '{text}' (expected outer or inner)", parameter);
    }

    /// <summary>The form as the CLI spells it: "outer" or "inner".</summary>
    public static string Name(this RnnForm form) => form.ToString().ToLowerInvariant();
}
