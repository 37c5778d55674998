using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Claims;

/// <summary>One hidden layer's weights (Out × In, row-major) and biases, copied out of a fitted field in float64.</summary>
internal sealed record LayerWeights(int Out, int In, double[] Weight, double[] Bias);

/// <summary>Where a fitted ReLU field is not differentiable, on the image's square [−extent, extent]².</summary>
/// <param name="FirstLayerUnits">Units of the first hidden layer.</param>
/// <param name="FirstLayerLinesCrossing">First-layer units whose kink line w·x + b = 0 crosses the image.</param>
/// <param name="KinksOnCentralRow">Zero crossings of any unit's pre-activation (all layers) along the row y = 0.</param>
/// <param name="RowSamples">Points sampled along that row.</param>
/// <param name="OriginDistanceToNearestKink">min over units of |z(0)| / ‖∇z(0)‖: the first-order distance from the input (0, 0) to the nearest kink.</param>
internal sealed record ReluKinkCensus(int FirstLayerUnits, int FirstLayerLinesCrossing, int KinksOnCentralRow, int RowSamples, double OriginDistanceToNearestKink);

/// <summary>
/// The non-differentiable set of a ReLU coordinate MLP: unit u of layer l has a kink where its
/// pre-activation z_u(x) = 0 — a straight line for the first layer, a piecewise-linear curve deeper —
/// and nowhere else; between kinks the field is affine, so its Laplacian is exactly 0.
/// </summary>
internal static class ReluKinks
{
    /// <summary>The hidden layers of <paramref name="model"/> (not the linear output layer), in order.</summary>
    public static IReadOnlyList<LayerWeights> HiddenLayers(CoordinateMlp model)
    {
        var layers = new List<LayerWeights>();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        for (int i = 0; parameters.ContainsKey($"hidden.{i}.weight"); i++)
        {
            var w = parameters[$"hidden.{i}.weight"];
            layers.Add(new LayerWeights((int)w.shape[0], (int)w.shape[1], FieldStatistics.ToDoubles(w.detach()), FieldStatistics.ToDoubles(parameters[$"hidden.{i}.bias"].detach())));
        }
        if (layers.Count == 0 || layers[0].In != 2) throw new InvalidOperationException("not a plain coordinate MLP on (x, y)");
        return layers;
    }

    public static ReluKinkCensus Census(IReadOnlyList<LayerWeights> layers, double extent, int rowSamples = 8192)
    {
        using var scope = NewDisposeScope();
        var first = layers[0];
        int crossing = 0;
        for (int u = 0; u < first.Out; u++)
        {
            double a = first.Weight[2 * u], b = first.Weight[2 * u + 1], c = first.Bias[u];
            // A line crosses the square iff the affine function changes sign over its corners.
            var corners = new[] { (-1, -1), (-1, 1), (1, -1), (1, 1) }.Select(p => a * p.Item1 * extent + b * p.Item2 * extent + c).ToArray();
            if (corners.Min() < 0 && corners.Max() > 0) crossing++;
        }

        var xs = linspace(-extent, extent, rowSamples, dtype: ScalarType.Float64);            // (S)
        var row = stack([xs, zeros_like(xs)], 1);                                               // (S, 2)
        int kinks = 0;
        foreach (var z in PreActivations(layers, row))                                          // (S, units)
        {
            var positive = z > 0;
            kinks += (int)positive.narrow(0, 1, rowSamples - 1).ne(positive.narrow(0, 0, rowSamples - 1)).sum().item<long>();
        }

        // At the origin: z and its Jacobian, layer by layer (J_l = W_l · diag(a_{l−1} > 0) · J_{l−1}).
        double nearest = double.PositiveInfinity;
        var h = zeros(1, 2, dtype: ScalarType.Float64);                                         // (1, 2)
        var jacobian = eye(2, dtype: ScalarType.Float64);                                       // (in, 2)
        foreach (var layer in layers)
        {
            var (w, b) = Tensors(layer);
            var z = h.matmul(w.t()) + b;                                                        // (1, out)
            var j = w.matmul(jacobian);                                                         // (out, 2)
            var distance = z.squeeze(0).abs() / j.norm(1, keepdim: false, p: 2);                // (out), ∞ where ∇z = 0
            nearest = Math.Min(nearest, distance.min().item<double>());
            var active = (z > 0).to_type(ScalarType.Float64);                                   // (1, out)
            h = z.relu();
            jacobian = j * active.t();                                                          // (out, 2)
        }
        return new ReluKinkCensus(first.Out, crossing, kinks, rowSamples, nearest);
    }

    static IEnumerable<Tensor> PreActivations(IReadOnlyList<LayerWeights> layers, Tensor x) // (S, 2) → per layer (S, out)
    {
        var h = x;
        foreach (var layer in layers)
        {
            var (w, b) = Tensors(layer);
            var z = h.matmul(w.t()) + b;
            yield return z;
            h = z.relu();
        }
    }

    static (Tensor W, Tensor B) Tensors(LayerWeights layer) =>
        (tensor(layer.Weight, [layer.Out, layer.In], dtype: ScalarType.Float64), tensor(layer.Bias, [layer.Out], dtype: ScalarType.Float64));
}
