using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Supervision;

/// <summary>What the training loss compares with the target: the field's values, or its derivatives (SIREN Sec. 4.1).</summary>
public enum FieldSupervision
{
    /// <summary>The field's values against the pixels (MSE).</summary>
    Value,
    /// <summary>The field's autograd gradient against the image's Sobel gradient.</summary>
    Gradient,
    /// <summary>The field's autograd Laplacian against the image's discrete Laplacian.</summary>
    Laplacian,
}

/// <summary>
/// The one hook of <see cref="FieldTrainer"/>: per-sample targets (N, K), the field's matching quantity at a
/// batch of coordinates (B, K) — the loss is their mean squared difference — and the value error the
/// trainer reports, after removing whatever this supervision cannot determine.
/// </summary>
public interface IFieldLoss : IDisposable
{
    /// <summary>What this loss compares.</summary>
    FieldSupervision Supervision { get; }

    /// <summary>(N, K), in the order of the signal's samples.</summary>
    Tensor Targets { get; }

    /// <summary>The field's supervised quantity (B, K) at <paramref name="x"/> (B, D), differentiable in the model's parameters.</summary>
    Tensor Predict(CoordinateMlp model, Tensor x);

    /// <summary>Highest degree of the harmonic polynomials removed before the value error is measured; −1: none.</summary>
    int AlignmentDegree { get; }

    /// <summary>Mean squared error (over the samples that count) of the field's values against <paramref name="values"/> (N, C), after the alignment.</summary>
    double ValueMse(CoordinateMlp model, Tensor coordinates, Tensor values);
}

/// <summary>The ordinary loss: the field's values against the signal's.</summary>
internal sealed class ValueLoss(FieldSignal signal) : IFieldLoss
{
    public FieldSupervision Supervision => FieldSupervision.Value;
    public Tensor Targets { get; } = signal.ToTensor();                      // (N, C)
    public Tensor Predict(CoordinateMlp model, Tensor x) => model.call(x);    // (B, C)
    public int AlignmentDegree => -1;
    public double ValueMse(CoordinateMlp model, Tensor coordinates, Tensor values) => FieldTrainer.MeanSquaredError(model, coordinates, values);
    public void Dispose() => Targets.Dispose();
}

/// <summary>
/// Gradient supervision: ∇f of every channel (by autograd, differentiable: create_graph) against a target
/// gradient map (N, C·D) ordered (channel, axis), in field units; with <paramref name="spans"/>, also the field's
/// difference over each pixel's span against the gradient's line integral (one more column per channel, after the
/// gradients: <see cref="GradientSpans"/>). The value error is taken after the least-squares constant, over the
/// samples with weight 1 in <paramref name="valueWeights"/> (all when null).
/// </summary>
internal sealed class GradientLoss(Tensor targets, Tensor? valueWeights = null, GradientSpans? spans = null) : IFieldLoss
{
    public FieldSupervision Supervision => FieldSupervision.Gradient;
    public Tensor Targets { get; } = targets;
    public int AlignmentDegree => 0;

    /// <summary>The long-span differences, if this loss has them.</summary>
    public GradientSpans? Spans => spans;

    public Tensor Predict(CoordinateMlp model, Tensor x)
    {
        var input = x.detach().requires_grad_(true);                   // (B, D)
        var y = model.call(input);                                     // (B, C)
        long channels = y.shape[1];
        var gradient = channels == 1
            ? FieldDerivatives.Gradient(y, input)                      // (B, D)
            : cat(Enumerable.Range(0, (int)channels)
                .Select(c => FieldDerivatives.Gradient(y.narrow(1, c, 1), input)).ToList(), 1); // (B, C·D)
        return spans is null ? gradient : cat([gradient, spans.Predict(model, x, y)], 1);         // (B, C·D [+ C])
    }

    public double ValueMse(CoordinateMlp model, Tensor coordinates, Tensor values) =>
        HarmonicAlignment.Fit(model, coordinates, values, AlignmentDegree, valueWeights).Mse;

    public void Dispose()
    {
        Targets.Dispose();
        valueWeights?.Dispose();
        spans?.Dispose();
    }
}

/// <summary>
/// Laplacian supervision: Δf of every channel (double backprop with create_graph, so the loss can be
/// differentiated a third time) against a target map (N, C). The value error is taken after the
/// least-squares harmonic polynomial of degree ≤ 1 (constant + plane).
/// </summary>
internal sealed class LaplacianLoss(Tensor targets) : IFieldLoss
{
    public FieldSupervision Supervision => FieldSupervision.Laplacian;
    public Tensor Targets { get; } = targets;
    public int AlignmentDegree => 1;

    public Tensor Predict(CoordinateMlp model, Tensor x)
    {
        var input = x.detach().requires_grad_(true);  // (B, D)
        var y = model.call(input);                    // (B, C)
        var laplacians = new List<Tensor>();
        for (long c = 0; c < y.shape[1]; c++)
        {
            var gradient = FieldDerivatives.Gradient(y.narrow(1, c, 1), input);              // (B, D)
            laplacians.Add(FieldDerivatives.Laplacian(gradient, input, createGraph: true)); // (B)
        }
        return stack(laplacians, 1);                  // (B, C)
    }

    public double ValueMse(CoordinateMlp model, Tensor coordinates, Tensor values) =>
        HarmonicAlignment.Fit(model, coordinates, values, AlignmentDegree).Mse;

    public void Dispose() => Targets.Dispose();
}

/// <summary>The training losses of each <see cref="FieldSupervision"/>.</summary>
public static class FieldLosses
{
    /// <summary>The loss for <paramref name="supervision"/> on <paramref name="signal"/>, with its targets computed; for
    /// gradient supervision with <paramref name="spans"/>, also <see cref="GradientSpans"/>' long-span differences.</summary>
    public static IFieldLoss Create(FieldSupervision supervision, FieldSignal signal, bool spans = false)
    {
        if (supervision == FieldSupervision.Value) return new ValueLoss(signal);
        if (signal.Dimensions != 2)
            throw new ArgumentOutOfRangeException(nameof(supervision), supervision.ToString().ToLowerInvariant(), "needs an image; audio is fitted from its values");
        var image = signal.ToImage();
        if (supervision == FieldSupervision.Laplacian) return new LaplacianLoss(LaplacianTargets(image));
        var gradient = SobelTargets(image);
        if (!spans) return new GradientLoss(gradient);
        var differences = new GradientSpans(image.Height, image.Width);
        using var scope = NewDisposeScope();
        var columns = Enumerable.Range(0, image.Channels).Select(c => differences.Targets(gradient.narrow(1, 2 * c, 2))).ToList();
        var targets = cat([gradient, .. columns], 1).MoveToOuterDisposeScope();  // (N, 2C + C)
        gradient.Dispose();
        return new GradientLoss(targets, spans: differences);
    }

    /// <summary>The supervision named <paramref name="supervision"/>: value(s), gradient/grad, laplacian/laplace, any
    /// case.</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static FieldSupervision Parse(string supervision) => supervision.ToLowerInvariant() switch
    {
        "value" or "values" => FieldSupervision.Value,
        "gradient" or "grad" => FieldSupervision.Gradient,
        "laplacian" or "laplace" => FieldSupervision.Laplacian,
        _ => throw new ArgumentException($"unknown supervision '{supervision}' (expected value, gradient or laplacian)", nameof(supervision)),
    };

    /// <summary>Sobel gradient of every channel, (N, C·2) ordered (channel, ∂/∂x ∂/∂y), in field units.</summary>
    public static Tensor SobelTargets(FieldImage image)
    {
        using var scope = NewDisposeScope();
        return cat(Channels(image).Select(GroundTruthOperators.SobelGradient).ToList(), 1).MoveToOuterDisposeScope();
    }

    /// <summary>5-point Laplacian of every channel, (N, C), in field units.</summary>
    public static Tensor LaplacianTargets(FieldImage image)
    {
        using var scope = NewDisposeScope();
        return stack(Channels(image).Select(GroundTruthOperators.DiscreteLaplacian).ToList(), 1).MoveToOuterDisposeScope();
    }

    /// <summary>One single-channel image per channel (GroundTruthOperators work on the channel mean).</summary>
    public static IEnumerable<FieldImage> Channels(FieldImage image)
    {
        if (image.Channels == 1)
        {
            yield return image;
            yield break;
        }
        for (int c = 0; c < image.Channels; c++)
        {
            var pixels = new float[image.PixelCount];
            for (int p = 0; p < pixels.Length; p++) pixels[p] = image.Pixels[p * image.Channels + c];
            yield return new FieldImage(image.Height, image.Width, 1, pixels);
        }
    }

    /// <summary>
    /// The loss's own measure over the whole signal: mean squared difference between the field's supervised
    /// quantity and the targets, chunk by chunk (each chunk's derivative graph is freed before the next).
    /// </summary>
    public static double TargetMse(IFieldLoss loss, CoordinateMlp model, Tensor coordinates, int chunk = FieldTrainer.ChunkPixels)
    {
        long n = coordinates.shape[0];
        double sum = 0;
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            var predicted = loss.Predict(model, coordinates.narrow(0, start, length)).detach(); // (b, K)
            sum += (predicted - loss.Targets.narrow(0, start, length)).to_type(ScalarType.Float64).square().sum().item<double>();
        }
        return sum / (n * loss.Targets.shape[1]);
    }

    /// <summary>Mean square of the targets, to read <see cref="TargetMse"/> as a relative error.</summary>
    public static double TargetMeanSquare(IFieldLoss loss)
    {
        using var scope = NewDisposeScope();
        return loss.Targets.to_type(ScalarType.Float64).square().mean().item<double>();
    }
}
