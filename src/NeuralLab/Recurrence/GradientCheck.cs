using System.Text.Json.Serialization;

namespace NeuralLab.Recurrence;

/// <summary>df/dw by each method; the closed form exists only in the linear case (2.3).</summary>
public sealed record WeightGradient(double Autograd, double Manual, double? ClosedForm, double FiniteDifference);

/// <summary>
/// ∂h_T/∂h_1 by each method. <see cref="ClosedForm"/> is the 2.4 formula of this network's form;
/// <see cref="OuterFormula"/> is the solution's w^{T−1}∏σ'(x_t + h_{t−1}) and <see cref="InnerFormula"/>
/// is ∏ w·σ'(w·y_t), both evaluated on this run's states whatever the form, with their errors against autograd.
/// </summary>
public sealed record RecurrentGradient(
    double Autograd, double Manual, double ClosedForm, double FiniteDifference,
    double OuterFormula, double InnerFormula, double OuterFormulaRelativeError, double InnerFormulaRelativeError);

/// <summary>df/dh_t for one t (1-based).</summary>
public sealed record StateGradient(int T, double Autograd, double Manual, double FiniteDifference);

/// <summary>
/// The gradients of f = h_T computed independently by libtorch's autograd, the hand-written BPTT,
/// the closed forms and finite differences, and how far apart they are.
/// </summary>
public sealed record GradientCheck(
    string Activation,
    string Form,
    double W,
    double[] X,
    double[] H,
    WeightGradient DfDw,
    [property: JsonPropertyName("dhT_dh1")] RecurrentGradient DhTDh1,
    StateGradient[] DfDh,
    double MaxRelativeError,
    double FiniteDifferenceMaxRelativeError,
    bool Agree)
{
    /// <summary>
    /// The quantities of this run that overflowed float64 (±∞) or became NaN, by name ("h_3", "df/dw autograd", …);
    /// empty when every number is finite. An exploding gradient is this section's subject, so the run is reported, not
    /// refused: the names say where the overflow starts, and the CLI says so on stderr.
    /// </summary>
    [JsonPropertyName("non_finite")]
    public IReadOnlyList<string> NonFinite { get; init; } = [];

    /// <summary>Whether any state or gradient overflowed (see <see cref="NonFinite"/>).</summary>
    public bool Overflow => NonFinite.Count > 0;

    /// <summary>float64 agreement the issue asks for.</summary>
    public const double Tolerance = 1e-10;

    /// <summary>|a − b| / max(|a|, |b|), 0 when both are equal (including both zero).</summary>
    public static double RelativeError(double a, double b) =>
        a == b ? 0 : Math.Abs(a - b) / Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>Runs <paramref name="rnn"/> on the inputs <paramref name="x"/> (x_1..x_T) and computes df/dw, ∂h_T/∂h_1
    /// and df/dh_t by the hand-written BPTT, libtorch's autograd and central finite differences, with their largest
    /// relative disagreement. Overflow is reported in <see cref="NonFinite"/>, not thrown.</summary>
    public static GradientCheck Compute(ScalarRnn rnn, IReadOnlyList<double> x)
    {
        var h = rnn.States(x);
        var autograd = AutogradGradients.OfOutput(rnn, x);
        var manual = BackpropThroughTime.OfOutput(rnn, x);

        double? closedDw = rnn.IsLinear ? ClosedForms.LinearDhTDw(rnn.W, x) : null;
        var dfDw = new WeightGradient(autograd.DLossDw, manual.DLossDw, closedDw, FiniteDifference.DfDw(rnn, x));

        double outer = ClosedForms.SolutionDhTDh1(rnn.W, rnn.Activation, x, h);
        double inner = ClosedForms.InnerDhTDh1(rnn.W, rnn.Activation, x, h);
        double reference = autograd.DLossDh[0];
        var dhTDh1 = new RecurrentGradient(
            reference, manual.DLossDh[0], ClosedForms.DhTDh1(rnn, x, h), FiniteDifference.DfDh(rnn, x, 1),
            outer, inner, RelativeError(outer, reference), RelativeError(inner, reference));

        var dfDh = Enumerable.Range(1, x.Count)
            .Select(t => new StateGradient(t, autograd.DLossDh[t - 1], manual.DLossDh[t - 1], FiniteDifference.DfDh(rnn, x, t)))
            .ToArray();

        var exact = new List<double>
        {
            RelativeError(dfDw.Manual, dfDw.Autograd),
            RelativeError(dhTDh1.Manual, dhTDh1.Autograd),
            RelativeError(dhTDh1.ClosedForm, dhTDh1.Autograd),
        };
        if (closedDw is double c) exact.Add(RelativeError(c, dfDw.Autograd));
        exact.AddRange(dfDh.Select(g => RelativeError(g.Manual, g.Autograd)));
        var numeric = new List<double> { RelativeError(dfDw.FiniteDifference, dfDw.Autograd), RelativeError(dhTDh1.FiniteDifference, dhTDh1.Autograd) };
        numeric.AddRange(dfDh.Select(g => RelativeError(g.FiniteDifference, g.Autograd)));

        double maxExact = exact.Max(), maxNumeric = numeric.Max();
        var values = new List<(string Name, double? Value)>();
        values.AddRange(h.Select((v, t) => ($"h_{t + 1}", (double?)v)));
        values.AddRange([("df/dw autograd", dfDw.Autograd), ("df/dw manual", dfDw.Manual), ("df/dw closed form", dfDw.ClosedForm),
            ("df/dw finite difference", dfDw.FiniteDifference), ("dh_T/dh_1 autograd", dhTDh1.Autograd), ("dh_T/dh_1 manual", dhTDh1.Manual),
            ("dh_T/dh_1 closed form", dhTDh1.ClosedForm), ("dh_T/dh_1 finite difference", dhTDh1.FiniteDifference)]);
        foreach (var g in dfDh)
            values.AddRange([($"df/dh_{g.T} autograd", g.Autograd), ($"df/dh_{g.T} manual", g.Manual), ($"df/dh_{g.T} finite difference", g.FiniteDifference)]);
        return new GradientCheck(rnn.Activation.Name(), rnn.Form.Name(), rnn.W, [.. x], h, dfDw, dhTDh1, dfDh,
            maxExact, maxNumeric, maxExact < Tolerance && maxNumeric < Tolerance)
        {
            NonFinite = values.Where(v => v.Value is double d && !double.IsFinite(d)).Select(v => v.Name).ToArray(),
        };
    }
}
