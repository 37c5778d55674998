using NeuralLab.NeuralFields.Encodings;
using NeuralLab.NeuralFields.Supervision;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// The MSE loss and its parameter gradients for a plain coordinate MLP (no encoding, ReLU or Tanh), written out as the
/// backward autograd would run, into buffers kept from step to step (as tiny-cuda-nn's fully fused MLP keeps its
/// activations): each hidden layer's activation is computed into its own buffer (bias copied in, one GEMM, the
/// activation in place), the backward runs two GEMMs per layer into the parameters' gradients (<c>addmm_</c>, which
/// accumulates like autograd's AccumulateGrad) and a GEMV against a vector of ones for the bias. Why: at the homework's
/// batch of 64 each op is microseconds of arithmetic, and autograd's graph (a node per op, saved tensors, fresh
/// outputs, the engine's queue, one AccumulateGrad per parameter) cost more than the arithmetic (docs/engine.md,
/// "Small steps"). The same formulas as autograd's: the forward is the same ops (the same bits); the gradients agree to
/// rounding (a GEMV sums the bias gradient in another order than <c>sum</c>; NeuralFields/PlainMlpStepTests).
/// Only for first-order training of the values: derivatives with respect to the coordinates (gradient or Laplacian
/// supervision, maps) go through autograd.
/// </summary>
internal sealed class PlainMlpStep : IDisposable
{
    readonly Tensor[] _weights, _biases; // layer l: (out, in) and (out); the output layer last
    readonly FieldActivation _activation;
    readonly long _hidden, _channels;
    Buffers? _buffers;

    PlainMlpStep(CoordinateMlp model)
    {
        var layers = model.Layers;
        _weights = layers.Select(l => l.weight!).ToArray();
        _biases = layers.Select(l => l.bias!).ToArray();
        _activation = model.Architecture.Activation;
        _hidden = model.Architecture.Hidden;
        _channels = model.Architecture.Channels;
    }

    /// <summary>Whether <paramref name="model"/> trained on <paramref name="objective"/> can take this step: a ReLU or Tanh
    /// network on the raw coordinates, float32 or float64, supervised on its values.</summary>
    public static bool Supports(CoordinateMlp model, IFieldLoss objective) =>
        objective.Supervision == FieldSupervision.Value && objective is ValueLoss &&
        model.Encoding.Kind == EncodingKind.None &&
        model.Architecture.Activation is FieldActivation.Relu or FieldActivation.Tanh &&
        model.Layers.All(l => l.bias is not null && l.weight!.dtype is ScalarType.Float32 or ScalarType.Float64);

    /// <summary>The step for <paramref name="model"/>, or null when it needs autograd (<see cref="Supports"/>).</summary>
    public static PlainMlpStep? TryCreate(CoordinateMlp model, IFieldLoss objective) => Supports(model, objective) ? new PlainMlpStep(model) : null;

    /// <summary>
    /// The mean squared error of the network at <paramref name="x"/> (B, D) against <paramref name="y"/> (B, C), as a
    /// 0-dimensional tensor in the caller's dispose scope; its gradient with respect to every parameter is added to the
    /// parameter's <c>grad</c> (created when missing), as <c>mse_loss(model(x), y).backward()</c> would.
    /// </summary>
    public Tensor LossAndGradients(Tensor x, Tensor y)
    {
        long batch = x.shape[0];
        var b = _buffers is { Batch: var size } && size == batch ? _buffers : Allocate(batch, x.dtype);
        int layers = _weights.Length;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var transposed = _weights.Select(w => w.t()).ToArray(); // views, made each step: the optimiser may have moved the weights' storage
        // Forward: a_l = act(a_{l−1} W_lᵀ + b_l), as nn.Linear's addmm (bias copied into the output, GEMM with β = 1).
        var input = x;
        for (int l = 0; l < layers; l++)
        {
            var output = b.Activations[l];
            output.copy_(_biases[l]);
            output.addmm_(input, transposed[l]);
            if (l < layers - 1)
            {
                if (_activation == FieldActivation.Relu) output.relu_();
                else output.tanh_();
            }
            input = output;
        }
        var prediction = b.Activations[^1];                                          // (B, C)
        var loss = nn.functional.mse_loss(prediction, y).MoveToOuterDisposeScope();  // ()
        // d loss / d prediction = 2 (ŷ − y) / (B·C), as mse_loss's backward.
        using (var norm = (2.0 / (batch * _channels)).ToScalar()) prediction.sub_(y).mul_(norm);
        var upstream = prediction;                                                    // (B, out) of layer l
        for (int l = layers - 1; l >= 0; l--)
        {
            var layerInput = l == 0 ? x : b.Activations[l - 1];
            var gradientT = upstream.t();                                             // (out, B)
            using (var weightGradient = GradientOf(_weights[l])) weightGradient.addmm_(gradientT, layerInput);
            using (var biasGradient = GradientOf(_biases[l])) biasGradient.addmv_(gradientT, b.Ones);
            if (l == 0) break;
            // The gradient of the layer's input, through the activation before it: ReLU passes it where a > 0,
            // Tanh scales it by 1 − a² (autograd's threshold_backward and tanh_backward).
            var next = b.Upstream[l % 2];
            next.addmm_(upstream, _weights[l], beta: 0);
            var activation = b.Activations[l - 1];
            if (_activation == FieldActivation.Relu) b.Derivative.copy_(activation).sign_();
            else b.Derivative.fill_(1).addcmul_(activation, activation, value: -1);
            next.mul_(b.Derivative);
            upstream = next;
        }
        return loss;
    }

    /// <summary>A new handle to <paramref name="parameter"/>'s gradient (the caller disposes it), made zero first if it has none.</summary>
    static Tensor GradientOf(Tensor parameter)
    {
        if (parameter.grad is Tensor gradient) return gradient;
        var zero = zeros_like(parameter); // the parameter's grad refers to the same tensor; this handle is the caller's
        parameter.grad = zero;
        return zero;
    }

    Buffers Allocate(long batch, ScalarType dtype)
    {
        _buffers?.Dispose();
        _buffers = new Buffers(batch, _weights.Select(w => w.shape[0]).ToArray(), _hidden, dtype);
        return _buffers;
    }

    public void Dispose() => _buffers?.Dispose();

    /// <summary>Everything a step of <see cref="Batch"/> rows writes, kept for the next step of the same size.</summary>
    sealed class Buffers : IDisposable
    {
        public long Batch { get; }
        public Tensor[] Activations { get; }  // (B, out_l): hidden activations, then the prediction (the loss's gradient in the backward)
        public Tensor[] Upstream { get; }     // two (B, H) buffers the backward alternates between
        public Tensor Derivative { get; }     // (B, H): the activation's derivative
        public Tensor Ones { get; }           // (B): sums the bias gradients as a GEMV

        public Buffers(long batch, long[] outputs, long hidden, ScalarType dtype)
        {
            Batch = batch;
            Activations = outputs.Select(o => empty(batch, o, dtype: dtype).DetachFromDisposeScope()).ToArray();
            Upstream = [empty(batch, hidden, dtype: dtype).DetachFromDisposeScope(), empty(batch, hidden, dtype: dtype).DetachFromDisposeScope()];
            Derivative = empty(batch, hidden, dtype: dtype).DetachFromDisposeScope();
            Ones = ones(batch, dtype: dtype).DetachFromDisposeScope();
        }

        public void Dispose()
        {
            foreach (var t in Activations) t.Dispose();
            foreach (var t in Upstream) t.Dispose();
            Derivative.Dispose();
            Ones.Dispose();
        }
    }
}
