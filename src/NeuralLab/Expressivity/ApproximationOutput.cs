using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>What <c>neurallab relu approx --out DIR</c> writes for a constructed approximation.</summary>
public static class ApproximationOutput
{
    internal static readonly string[] Files = ["approx.png", "approx-error.png", "network.json"];

    /// <summary>Writes the two figures (f, the network and its knots; the error) and <see cref="NetworkJson"/> to <paramref name="output"/>.</summary>
    public static void Write(OutputDirectory output, ReluApproximation approximation, Formula formula)
    {
        ExpressivityFigures.Approximation(output.PathFor(Files[0]), approximation, formula.AsFunction());
        ExpressivityFigures.ApproximationError(output.PathFor(Files[1]), approximation, formula.AsFunction());
        output.WriteAllText(Files[2], NetworkJson(approximation));
    }

    /// <summary>The network's weights in the form it computes, with the knots and values it interpolates, so that it can be rebuilt elsewhere.</summary>
    public static string NetworkJson(ReluApproximation r)
    {
        var w = r.Network.Weights;
        return Json.Serialize(new NetworkFile(r.Function, [r.A, r.B], r.Eps, r.Units, r.Certificate.MaxError, "f(x) = w1 . relu(w0 * x + b0) + b1",
            w.W0, w.B0, w.W1, w.B1, r.Knots, r.Values));
    }

    /// <summary>network.json, field by field (snake_case in the file: max_error, w0, …).</summary>
    sealed record NetworkFile(string Formula, double[] Domain, double Eps, int Units, double MaxError, string Form,
        double[] W0, double[] B0, double[] W1, double B1, double[] Knots, double[] Values);
}
