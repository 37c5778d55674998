using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Supervision;

/// <summary>The least-squares fit of the part of a signal that a derivative-supervised field cannot see.</summary>
/// <param name="Degree">Highest degree of the harmonic polynomials removed (0: the constant only).</param>
/// <param name="Coefficients">(basis functions, channels), float64.</param>
/// <param name="Mse">Mean squared error of field + fit against the values, over the weighted samples.</param>
internal sealed record AlignmentFit(int Degree, double[,] Coefficients, double Mse)
{
    /// <summary>The constant per channel (the coefficient of the basis function 1).</summary>
    public double[] Constant => Enumerable.Range(0, Coefficients.GetLength(1)).Select(c => Coefficients[0, c]).ToArray();
}

/// <summary>
/// A field fitted to the gradient of an image is the image up to a constant; fitted to its Laplacian,
/// up to a harmonic function h (Δh = 0), which the loss cannot see. To report PSNR we remove the
/// least-squares best h from a finite family: the harmonic polynomials Re (x+iy)^k and Im (x+iy)^k,
/// k ≤ degree (degree 0: the constant; 1: constant + plane). On a 1-D grid harmonic means affine.
/// Sums are in float64 and chunked, so memory stays that of one chunk.
/// </summary>
internal static class HarmonicAlignment
{
    public static string Describe(int degree) => degree switch
    {
        0 => "least-squares constant per channel",
        1 => "least-squares constant + plane per channel (harmonic polynomials of degree ≤ 1)",
        _ => $"least-squares harmonic polynomial of degree ≤ {degree} per channel (1, Re and Im of (x+iy)^k, k ≤ {degree})",
    };

    /// <summary>The basis functions at <paramref name="coordinates"/> (N, D): (N, m) in float64.</summary>
    public static Tensor Basis(Tensor coordinates, int degree)
    {
        using var scope = NewDisposeScope();
        var x = coordinates.to_type(ScalarType.Float64);
        var columns = new List<Tensor> { ones(x.shape[0], dtype: ScalarType.Float64) };
        if (x.shape[1] == 1)
        {
            if (degree >= 1) columns.Add(x[.., 0]);
        }
        else
        {
            var (re, im) = (x[.., 0], x[.., 1]);
            Tensor pr = re, pi = im; // (x+iy)^k, k = 1
            for (int k = 1; k <= degree; k++)
            {
                columns.Add(pr);
                columns.Add(pi);
                (pr, pi) = (pr * re - pi * im, pr * im + pi * re);
            }
        }
        return stack(columns, 1).MoveToOuterDisposeScope(); // (N, m)
    }

    /// <summary>
    /// Fits the harmonic polynomial of degree ≤ <paramref name="degree"/> to values − field by least squares
    /// over the samples with weight 1 in <paramref name="weights"/> (N) (all samples when null).
    /// </summary>
    public static AlignmentFit Fit(CoordinateMlp model, Tensor coordinates, Tensor values, int degree, Tensor? weights = null)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long n = coordinates.shape[0], channels = values.shape[1];
        int chunk = FieldTrainer.ChunkPixels;
        Tensor? normal = null, moment = null;                                        // (m, m), (m, C)
        for (long start = 0; start < n; start += chunk)
        {
            using var inner = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            var (basis, residual, w) = Chunk(model, coordinates, values, weights, degree, start, length);
            var weighted = basis * w.unsqueeze(1);                                   // (b, m)
            var a = weighted.t().matmul(basis);
            var b = weighted.t().matmul(residual);
            normal = (normal is null ? a : normal + a).MoveToOuterDisposeScope();
            moment = (moment is null ? b : moment + b).MoveToOuterDisposeScope();
        }
        // pinv, not solve: with a mask the weighted normal matrix can be singular in principle.
        var coefficients = linalg.pinv(normal!).matmul(moment!);                      // (m, C)
        double sse = 0, count = 0;
        for (long start = 0; start < n; start += chunk)
        {
            using var inner = NewDisposeScope();
            long length = Math.Min(chunk, n - start);
            var (basis, residual, w) = Chunk(model, coordinates, values, weights, degree, start, length);
            sse += ((residual - basis.matmul(coefficients)).square().sum(1) * w).sum().item<double>();
            count += w.sum().item<double>();
        }
        var data = coefficients.data<double>().ToArray();
        var result = new double[coefficients.shape[0], channels];
        for (int i = 0; i < result.GetLength(0); i++)
            for (int c = 0; c < channels; c++)
                result[i, c] = data[i * channels + c];
        return new AlignmentFit(degree, result, count > 0 ? sse / (count * channels) : double.NaN);
    }

    /// <summary>The fitted harmonic polynomial (N, C) at <paramref name="coordinates"/>, float32.</summary>
    public static Tensor Evaluate(AlignmentFit fit, Tensor coordinates)
    {
        using var scope = NewDisposeScope();
        var c = tensor(fit.Coefficients.Cast<double>().ToArray(), [fit.Coefficients.GetLength(0), fit.Coefficients.GetLength(1)], ScalarType.Float64);
        return Basis(coordinates, fit.Degree).matmul(c).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    static (Tensor Basis, Tensor Residual, Tensor Weights) Chunk(CoordinateMlp model, Tensor coordinates, Tensor values, Tensor? weights,
        int degree, long start, long length)
    {
        var x = coordinates.narrow(0, start, length);                                     // (b, D)
        var residual = (values.narrow(0, start, length) - model.call(x)).to_type(ScalarType.Float64); // (b, C)
        var w = weights is null
            ? ones(length, dtype: ScalarType.Float64)
            : weights.narrow(0, start, length).to_type(ScalarType.Float64);               // (b)
        return (Basis(x, degree), residual, w);
    }
}
