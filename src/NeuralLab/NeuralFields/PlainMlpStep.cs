using NeuralLab.Common;
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
    readonly Tensor?[] _transposed, _gradients; // kept from step to step, checked by address each step (Current*)
    readonly IntPtr[] _transposedOf;
    readonly Scalar _one = 1.ToScalar(), _minusOne = (-1).ToScalar();
    Buffers? _buffers, _previousBuffers; // the last batch size's, and the one before it

    PlainMlpStep(CoordinateMlp model)
    {
        var layers = model.Layers;
        _weights = layers.Select(l => l.weight!).ToArray();
        _biases = layers.Select(l => l.bias!).ToArray();
        _activation = model.Architecture.Activation;
        _hidden = model.Architecture.Hidden;
        _channels = model.Architecture.Channels;
        _transposed = new Tensor?[_weights.Length];
        _transposedOf = new IntPtr[_weights.Length];
        _gradients = new Tensor?[_weights.Length + _biases.Length];
    }

    /// <summary>Whether <paramref name="model"/> trained on <paramref name="objective"/> can take this step: a ReLU or Tanh
    /// network on the raw coordinates, float32 or float64, supervised on its values.</summary>
    public static bool Supports(CoordinateMlp model, IFieldLoss objective) =>
        Supports(model.Architecture, model.Encoding, objective) &&
        model.Layers.All(l => l.bias is not null && l.weight!.dtype is ScalarType.Float32 or ScalarType.Float64);

    /// <summary>Whether a network of <paramref name="architecture"/> and <paramref name="encoding"/> trained on
    /// <paramref name="objective"/> takes this step (its layers, as <see cref="CoordinateMlp"/> makes them, always do).</summary>
    public static bool Supports(FieldArchitecture architecture, EncodingConfig encoding, IFieldLoss objective) =>
        objective.Supervision == FieldSupervision.Value && objective is ValueLoss && encoding.Kind == EncodingKind.None &&
        architecture.Activation is FieldActivation.Relu or FieldActivation.Tanh;

    /// <summary>The step for <paramref name="model"/>, or null when it needs autograd (<see cref="Supports(CoordinateMlp, IFieldLoss)"/>).</summary>
    public static PlainMlpStep? TryCreate(CoordinateMlp model, IFieldLoss objective) => Supports(model, objective) ? new PlainMlpStep(model) : null;

    /// <summary>
    /// The mean squared error of the network at <paramref name="x"/> (B, D) against <paramref name="y"/> (B, C), as a
    /// 0-dimensional tensor in the caller's dispose scope; its gradient with respect to every parameter is added to the
    /// parameter's <c>grad</c> (created when missing), as <c>mse_loss(model(x), y).backward()</c> would.
    /// </summary>
    /// <remarks>The step makes no tensor besides the loss and no managed allocation (its views, gradients' handles and
    /// scalars are kept, and checked by address each step), so nothing of it waits for a finalizer or fills gen-0
    /// (docs/engine.md, "Native memory").</remarks>
    public Tensor LossAndGradients(Tensor x, Tensor y)
    {
        long batch = x.size(0);
        var b = _buffers is { Batch: var size } && size == batch ? _buffers : BuffersFor(batch, x.dtype);
        int layers = _weights.Length;
        using var noGrad = NativeTensor.NoGrad();
        // Forward: a_l = act(a_{l−1} W_lᵀ + b_l), as nn.Linear's addmm (bias copied into the output, GEMM with β = 1).
        var input = x;
        for (int l = 0; l < layers; l++)
        {
            var output = b.Activations[l];
            output.copy_(_biases[l]);
            output.addmm_(input, CurrentTransposed(l));
            if (l < layers - 1)
            {
                if (_activation == FieldActivation.Relu) output.relu_();
                else output.tanh_();
            }
            input = output;
        }
        var prediction = b.Activations[^1];                                          // (B, C)
        var loss = nn.functional.mse_loss(prediction, y);                            // (): the caller's
        // d loss / d prediction = 2 (ŷ − y) / (B·C), as mse_loss's backward.
        prediction.sub_(y).mul_(b.LossNorm);
        var upstream = prediction;                                                    // (B, out) of layer l
        var upstreamT = b.PredictionT;                                                // (out, B)
        for (int l = layers - 1; l >= 0; l--)
        {
            var layerInput = l == 0 ? x : b.Activations[l - 1];
            CurrentGradient(2 * l, _weights[l]).addmm_(upstreamT, layerInput);
            CurrentGradient(2 * l + 1, _biases[l]).addmv_(upstreamT, b.Ones);
            if (l == 0) break;
            // The gradient of the layer's input, through the activation before it: ReLU passes it where a > 0,
            // Tanh scales it by 1 − a² (autograd's threshold_backward and tanh_backward).
            var next = b.Upstream[l % 2];
            next.addmm_(upstream, _weights[l], beta: 0);
            var activation = b.Activations[l - 1];
            if (_activation == FieldActivation.Relu) b.Derivative.copy_(activation).sign_();
            else b.Derivative.fill_(_one).addcmul_(activation, activation, value: _minusOne);
            next.mul_(b.Derivative);
            upstream = next;
            upstreamT = b.UpstreamT[l % 2];
        }
        return loss;
    }

    /// <summary>Layer <paramref name="l"/>'s weight transposed (a view), made again when the weight's data moved (the
    /// optimiser moves the parameters into its buffer, by <c>set_</c>).</summary>
    Tensor CurrentTransposed(int l)
    {
        IntPtr data = NativeTensor.Data(_weights[l]);
        if (_transposed[l] is Tensor kept && _transposedOf[l] == data) return kept;
        _transposed[l]?.Dispose();
        _transposedOf[l] = data;
        return _transposed[l] = _weights[l].t().DetachFromDisposeScope();
    }

    /// <summary>A handle to <paramref name="parameter"/>'s gradient (kept in slot <paramref name="slot"/>; made zero first
    /// if it has none). The kept handle holds its gradient's storage, so the gradient is still the same memory when its
    /// address is unchanged; a gradient that was replaced (a module's <c>zero_grad</c>, the optimiser copying it back into
    /// its buffer) gets a new handle.</summary>
    Tensor CurrentGradient(int slot, Tensor parameter)
    {
        IntPtr data = NativeTensor.GradientData(parameter);
        if (_gradients[slot] is Tensor kept && data != IntPtr.Zero && NativeTensor.Data(kept) == data) return kept;
        _gradients[slot]?.Dispose();
        Tensor gradient;
        if (data != IntPtr.Zero) gradient = parameter.grad!;
        else
        {
            gradient = zeros_like(parameter); // the parameter's grad refers to the same tensor as this handle
            parameter.grad = gradient;
        }
        return _gradients[slot] = gradient.DetachFromDisposeScope();
    }

    /// <summary>Two sets are kept: an epoch that does not divide into whole batches ends with a shorter one (the Tanh
    /// recipe's 65,536 pixels of the 256² cameraman in batches of 100 end with 36), and the next epoch starts at full size again.</summary>
    Buffers BuffersFor(long batch, ScalarType dtype)
    {
        if (_previousBuffers is { Batch: var size } && size == batch) (_buffers, _previousBuffers) = (_previousBuffers, _buffers);
        else
        {
            _previousBuffers?.Dispose();
            _previousBuffers = _buffers;
            _buffers = new Buffers(batch, _weights.Select(w => w.shape[0]).ToArray(), _hidden, _channels, dtype);
        }
        return _buffers!;
    }

    public void Dispose()
    {
        _buffers?.Dispose();
        _previousBuffers?.Dispose();
        foreach (var t in _transposed) t?.Dispose();
        foreach (var t in _gradients) t?.Dispose();
        _one.Dispose();
        _minusOne.Dispose();
    }

    /// <summary>Everything a step of <see cref="Batch"/> rows writes, kept for the next step of the same size.</summary>
    sealed class Buffers : IDisposable
    {
        public long Batch { get; }
        public Tensor[] Activations { get; }  // (B, out_l): hidden activations, then the prediction (the loss's gradient in the backward)
        public Tensor[] Upstream { get; }     // two (B, H) buffers the backward alternates between
        public Tensor Derivative { get; }     // (B, H): the activation's derivative
        public Tensor Ones { get; }           // (B): sums the bias gradients as a GEMV
        public Tensor PredictionT { get; }    // (C, B): views of the last activation and of the two upstream buffers,
        public Tensor[] UpstreamT { get; }    // (H, B)  transposed
        public Scalar LossNorm { get; }       // 2 / (B·C): mse_loss's gradient

        public Buffers(long batch, long[] outputs, long hidden, long channels, ScalarType dtype)
        {
            Batch = batch;
            Activations = outputs.Select(o => empty(batch, o, dtype: dtype).DetachFromDisposeScope()).ToArray();
            Upstream = [empty(batch, hidden, dtype: dtype).DetachFromDisposeScope(), empty(batch, hidden, dtype: dtype).DetachFromDisposeScope()];
            Derivative = empty(batch, hidden, dtype: dtype).DetachFromDisposeScope();
            Ones = ones(batch, dtype: dtype).DetachFromDisposeScope();
            PredictionT = Activations[^1].t().DetachFromDisposeScope();
            UpstreamT = Upstream.Select(u => u.t().DetachFromDisposeScope()).ToArray();
            LossNorm = (2.0 / (batch * channels)).ToScalar();
        }

        public void Dispose()
        {
            foreach (var t in Activations) t.Dispose();
            foreach (var t in Upstream) t.Dispose();
            Derivative.Dispose();
            Ones.Dispose();
            PredictionT.Dispose();
            foreach (var t in UpstreamT) t.Dispose();
            LossNorm.Dispose();
        }
    }
}
