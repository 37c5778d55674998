using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// SIREN's layer y = sin(ω0·(xWᵀ + b)) (Sitzmann et al. 2020, Sec. 3), computed one of three ways with the same
/// forward values: without a graph in place; for a training step as one autograd node (<see cref="SineLayerNode"/>)
/// whose backward takes fewer passes over the (B, out) activations; composed of libtorch ops, which autograd
/// differentiates to any order, whenever derivatives with respect to the coordinates are asked.
/// </summary>
internal static class SineLayer
{
    /// <param name="x">(B, in)</param>
    /// <param name="weight">(out, in)</param>
    /// <param name="bias">(out)</param>
    /// <param name="omega0">ω0, the frequency scale</param>
    /// <param name="composed">Use libtorch's ops and autograd (derivatives of the field take a double backward).</param>
    /// <returns>(B, out)</returns>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor bias, double omega0, bool composed)
    {
        float scale = (float)omega0; // TorchSharp's addmm takes float scalars; every path scales by this value
        if (!is_grad_enabled()) return Preactivation(x, weight, bias, scale).sin_();
        if (composed) return Preactivation(x, weight, bias, scale).sin();
        return SineLayerNode.apply(x, weight, bias, scale);
    }

    /// <summary>ω0·(xWᵀ + b) in one GEMM call: the bias is copied into the output and the GEMM scales both terms.</summary>
    internal static Tensor Preactivation(Tensor x, Tensor weight, Tensor bias, float omega0) =>
        addmm(bias, x, weight.t(), beta: omega0, alpha: omega0);
}

/// <summary>
/// A sine layer as one autograd node. Composed of addmm and sin, autograd's backward computes g·cos z, then
/// multiplies it by ω0 for the bias (a pass over (B, out)) before summing, runs two GEMMs and multiplies each result
/// by ω0 (another pass over (B, in)), each into a fresh buffer. Here the GEMMs apply ω0 themselves (alpha), the bias
/// gradient is ω0·Σg (a 256-vector scaled after the batch sum) and the cosine is multiplied in place: the same formulas
/// in fewer passes and allocations. Each moved multiply rounds once elsewhere (MKL's alpha is not bit-identical to a
/// multiply after the GEMM), so the gradients agree with the composed layer's to rounding, not bit for bit: at most
/// 1.8e-7 of the largest entry on the 3×256 network (NeuralFields/SineLayerTests; docs/engine.md, "SIREN's step").
/// Under create_graph (a derivative of the backward itself) it recomputes the layer from its saved inputs with
/// libtorch's ops, so higher derivatives see an ordinary graph.
/// </summary>
internal sealed class SineLayerNode : autograd.SingleTensorFunction<SineLayerNode>
{
    public override string Name => nameof(SineLayerNode);

    /// <summary>vars: x (B, in), weight (out, in), bias (out), ω0 (float).</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, weight, bias, omega0) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (float)vars[3]);
        var z = SineLayer.Preactivation(x, weight, bias, omega0); // (B, out)
        ctx.save_for_backward([x, weight, bias, z]);
        ctx.save_data("omega0", omega0);
        ctx.save_data("inputGradient", x.requires_grad);
        return z.sin();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (x, weight, bias, z) = (saved[0], saved[1], saved[2], saved[3]);
        float omega0 = (float)ctx.get_data("omega0");
        bool inputGradient = (bool)ctx.get_data("inputGradient");
        if (is_grad_enabled()) return DifferentiableBackward(gradOutput, x, weight, bias, omega0, inputGradient);
        var gz = z.cos().mul_(gradOutput);                                                // (B, out): autograd's sin backward, grad·cos z
        using var unused = empty(1, dtype: gz.dtype);                                     // beta = 0: the GEMM never reads it
        var gx = inputGradient ? addmm(unused, gz, weight, beta: 0, alpha: omega0) : null; // (B, in)
        var gw = addmm(unused, gz.t(), x, beta: 0, alpha: omega0);                        // (out, in)
        var gb = gz.sum(dim: 0).mul_(omega0);                                             // (out)
        return [gx!, gw, gb, null!];
    }

    /// <summary>The same derivatives as libtorch ops on the saved inputs (they keep their graph), for a create_graph backward.</summary>
    static List<Tensor> DifferentiableBackward(Tensor gradOutput, Tensor x, Tensor weight, Tensor bias, float omega0, bool inputGradient)
    {
        var gz = gradOutput * SineLayer.Preactivation(x, weight, bias, omega0).cos();
        var gx = inputGradient ? mm(gz, weight) * omega0 : null;
        return [gx!, mm(gz.t(), x) * omega0, (gz * omega0).sum(dim: 0), null!];
    }
}
