using static TorchSharp.torch;

namespace NeuralLab.Recurrence;

/// <summary>The same gradients as <see cref="BackpropThroughTime"/>, by libtorch's autograd in float64.</summary>
internal static class AutogradGradients
{
    /// <summary>df/dw and df/dh_t (t = 1..T) for f = h_T, from one backward pass through the unrolled graph.</summary>
    public static BpttGradients OfOutput(ScalarRnn rnn, IReadOnlyList<double> x)
    {
        using var scope = NewDisposeScope();
        var w = tensor(rnn.W, dtype: float64, requires_grad: true);                  // ()
        var inputs = x.Select(v => tensor(v, dtype: float64)).ToArray();            // T × ()
        var states = rnn.Unroll(TensorAlgebra.Instance, w, inputs);                 // T × ()
        // Gradients with respect to the non-leaf states h_t are what the unrolled graph carries back
        // through time (df/dh_T = 1 comes back too: libtorch seeds the output itself).
        var grads = autograd.grad([states[^1]], [w, .. states], retain_graph: false, create_graph: false);
        var dfDh = new double[states.Count];
        for (int t = 0; t < states.Count; t++) dfDh[t] = grads[t + 1].item<double>();
        return new BpttGradients(grads[0].item<double>(), dfDh);
    }
}
