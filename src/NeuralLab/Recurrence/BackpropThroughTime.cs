namespace NeuralLab.Recurrence;

/// <summary>What one step's forward keeps for its backward: y_t = x_t + h_{t−1}, the argument of σ, h_t.</summary>
/// <param name="Y">y_t.</param>
/// <param name="PreActivation">The argument of σ: y_t in the outer form, w·y_t in the inner form.</param>
/// <param name="H">h_t.</param>
internal readonly record struct StepRecord(double Y, double PreActivation, double H);

/// <summary>Gradients of a loss L(h_1..h_T) from the hand-written backward pass.</summary>
/// <param name="DLossDw">dL/dw, summed over every step that uses the shared w.</param>
/// <param name="DLossDh">dL/dh_t for t = 1..T (index t−1): the total derivative, through all later steps.</param>
internal sealed record BpttGradients(double DLossDw, double[] DLossDh);

/// <summary>
/// Backpropagation through time written out by hand, micrograd style: each step's backward sits
/// beside its forward, and the backward pass is the explicit recursion
/// dL/dh_{t−1} = ∂L/∂h_{t−1} (direct) + dL/dh_t · ∂h_t/∂h_{t−1}, run from t = T down to 1.
/// </summary>
internal static class BackpropThroughTime
{
    public static StepRecord[] Forward(ScalarRnn rnn, IReadOnlyList<double> x)
    {
        var tape = new StepRecord[x.Count];
        double h = 0;
        for (int t = 0; t < x.Count; t++)
        {
            tape[t] = StepForward(rnn, x[t], h);
            h = tape[t].H;
        }
        return tape;
    }

    static StepRecord StepForward(ScalarRnn rnn, double x, double previous)
    {
        double y = x + previous;
        if (rnn.Form == RnnForm.Outer) return new(y, y, rnn.W * rnn.Activation.Apply(y)); // h = w·σ(y)
        double z = rnn.W * y;
        return new(y, z, rnn.Activation.Apply(z)); // h = σ(w·y)
    }

    /// <summary>The backward of <see cref="StepForward"/>: from dL/dh_t to dL/dh_{t−1} (through this step only) and this step's share of dL/dw.</summary>
    static (double DPrevious, double DW) StepBackward(ScalarRnn rnn, StepRecord s, double dH)
    {
        double dY, dW;
        if (rnn.Form == RnnForm.Outer)
        {
            // h = w·σ(y): ∂h/∂w = σ(y), ∂h/∂y = w·σ'(y)
            dW = dH * rnn.Activation.Apply(s.Y);
            dY = dH * rnn.W * rnn.Activation.Derivative(s.Y);
        }
        else
        {
            // h = σ(z), z = w·y: ∂h/∂z = σ'(z), ∂z/∂w = y, ∂z/∂y = w
            double dZ = dH * rnn.Activation.Derivative(s.PreActivation);
            dW = dZ * s.Y;
            dY = dZ * rnn.W;
        }
        return (dY, dW); // y = x + h_{t−1} passes dY to h_{t−1} unchanged
    }

    /// <summary>
    /// The backward recursion over t for a loss whose direct derivatives are
    /// <paramref name="directDh"/>[t−1] = ∂L/∂h_t (holding the other states fixed).
    /// With <paramref name="truncation"/> = k, h_{t−1} is cut off at the start of every chunk of k
    /// steps (t = 1, k+1, 2k+1, ...), as truncated BPTT does by detaching the carried state.
    /// </summary>
    public static BpttGradients Backward(ScalarRnn rnn, StepRecord[] tape, IReadOnlyList<double> directDh, int? truncation = null)
    {
        if (directDh.Count != tape.Length) throw new ArgumentException("one direct derivative per step is needed", nameof(directDh));
        if (truncation is < 1) throw new ArgumentOutOfRangeException(nameof(truncation));
        var total = new double[tape.Length];
        double fromLater = 0, dW = 0;
        for (int i = tape.Length - 1; i >= 0; i--)
        {
            total[i] = directDh[i] + fromLater;
            var (dPrevious, dWStep) = StepBackward(rnn, tape[i], total[i]);
            dW += dWStep;
            fromLater = truncation is int k && i % k == 0 ? 0 : dPrevious;
        }
        return new BpttGradients(dW, total);
    }

    /// <summary>Gradients of the network's output f = h_T: df/dw and df/dh_t (so df/dh_1 = ∂h_T/∂h_1).</summary>
    public static BpttGradients OfOutput(ScalarRnn rnn, IReadOnlyList<double> x)
    {
        var tape = Forward(rnn, x);
        var direct = new double[tape.Length];
        direct[^1] = 1;
        return Backward(rnn, tape, direct);
    }

    /// <summary>Mean squared error (1/T) Σ_t (h_t − target_t)² and its gradients.</summary>
    public static (double Loss, BpttGradients Gradients) OfMeanSquaredError(ScalarRnn rnn, IReadOnlyList<double> x, IReadOnlyList<double> target, int? truncation = null)
    {
        if (target.Count != x.Count) throw new ArgumentException("one target per step is needed", nameof(target));
        var tape = Forward(rnn, x);
        int n = tape.Length;
        var direct = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double e = tape[i].H - target[i];
            loss += e * e / n;
            direct[i] = 2 * e / n;
        }
        return (loss, Backward(rnn, tape, direct, truncation));
    }
}
