namespace NeuralLab.Recurrence;

/// <summary>The homework's closed forms (2.2–2.4), evaluated on numbers.</summary>
internal static class ClosedForms
{
    /// <summary>2.2, linear case: h_t = Σ_{j=1..t} w^{t−j+1} x_j (h_3 = w x_3 + w² x_2 + w³ x_1).</summary>
    public static double LinearState(double w, IReadOnlyList<double> x, int t)
    {
        double sum = 0;
        for (int j = 1; j <= t; j++) sum += Math.Pow(w, t - j + 1) * x[j - 1];
        return sum;
    }

    /// <summary>2.3 as the solution writes it (T = 3): ∂h_3/∂w = x_3 + 2w x_2 + 3w² x_1.</summary>
    public static double Homework23(double w, double x1, double x2, double x3) => x3 + 2 * w * x2 + 3 * w * w * x1;

    /// <summary>2.3 for any T, the derivative of <see cref="LinearState"/>: ∂h_T/∂w = Σ_j (T−j+1) w^{T−j} x_j.</summary>
    public static double LinearDhTDw(double w, IReadOnlyList<double> x)
    {
        int n = x.Count;
        double sum = 0;
        for (int j = 1; j <= n; j++) sum += (n - j + 1) * Math.Pow(w, n - j) * x[j - 1];
        return sum;
    }

    /// <summary>
    /// 2.4, the solution's formula: ∂h_T/∂h_1 = w^{T−1} ∏_{t=2..T} σ'(x_t + h_{t−1}), with h_t taken
    /// from <paramref name="states"/> (whatever form produced them). Exact for the outer form h_t = w·σ(y_t).
    /// </summary>
    public static double SolutionDhTDh1(double w, Activation sigma, IReadOnlyList<double> x, IReadOnlyList<double> states)
    {
        double product = Math.Pow(w, x.Count - 1);
        for (int t = 2; t <= x.Count; t++) product *= sigma.Derivative(x[t - 1] + states[t - 2]);
        return product;
    }

    /// <summary>2.4 for the inner form h_t = σ(w·y_t): ∂h_T/∂h_1 = ∏_{t=2..T} w·σ'(w·(x_t + h_{t−1})).</summary>
    public static double InnerDhTDh1(double w, Activation sigma, IReadOnlyList<double> x, IReadOnlyList<double> states)
    {
        double product = 1;
        for (int t = 2; t <= x.Count; t++) product *= w * sigma.Derivative(w * (x[t - 1] + states[t - 2]));
        return product;
    }

    /// <summary>The 2.4 formula that belongs to <paramref name="rnn"/>'s form.</summary>
    public static double DhTDh1(ScalarRnn rnn, IReadOnlyList<double> x, IReadOnlyList<double> states) =>
        rnn.Form == RnnForm.Outer
            ? SolutionDhTDh1(rnn.W, rnn.Activation, x, states)
            : InnerDhTDh1(rnn.W, rnn.Activation, x, states);

    /// <summary>The 2.4 formula of the other form, applied where it does not belong.</summary>
    public static double OtherFormDhTDh1(ScalarRnn rnn, IReadOnlyList<double> x, IReadOnlyList<double> states) =>
        rnn.Form == RnnForm.Outer
            ? InnerDhTDh1(rnn.W, rnn.Activation, x, states)
            : SolutionDhTDh1(rnn.W, rnn.Activation, x, states);
}
