using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>Sizes of claim 3.5's check.</summary>
/// <param name="N">Sequence length for the error-vs-k study (float64; forms P for the reference).</param>
/// <param name="Dimension">d.</param>
/// <param name="Ranks">k values for the error study, increasing.</param>
/// <param name="ExactRank">Rank of the constructed rank-k attention matrix.</param>
/// <param name="TimingSizes">n values of the mini-benchmark (float32, one thread).</param>
/// <param name="TimingRank">k of the mini-benchmark.</param>
/// <param name="TimingRepeats">Timed runs per point; the minimum is kept (the least disturbed by other processes).</param>
public sealed record LowRankSettings(int N, int Dimension, IReadOnlyList<int> Ranks, int ExactRank,
    IReadOnlyList<int> TimingSizes, int TimingRank, int TimingRepeats);

/// <summary>One method's relative error ‖ÔV − PV‖_F/‖PV‖_F per k.</summary>
public sealed record ErrorCurve(string Method, IReadOnlyList<double> Error);

/// <summary>What claim 3.5's check measured.</summary>
/// <param name="Settings">The sizes run.</param>
/// <param name="ExactRankMeasured">Numerical rank of the constructed P = W H.</param>
/// <param name="FactoredRelativeError">A(Σ(BᵀV)) from P's truncated SVD against PV, for that P.</param>
/// <param name="DirectFactorsRelativeError">W(HV) against PV, for that P.</param>
/// <param name="SoftmaxRank">Numerical rank of softmax(QKᵀ/√d) on the smooth sequence.</param>
/// <param name="Curves">Relative error per k: optimal truncated SVD (forms P), Nyström, Linformer (pooling).</param>
/// <param name="IidRank">k of the i.i.d. comparison.</param>
/// <param name="IidSvdError">Optimal rank-k error on i.i.d. Gaussian tokens at the largest k ≤ 64.</param>
/// <param name="IidNystromError">Nyström's error there.</param>
/// <param name="FullSeconds">Full attention time per timing size.</param>
/// <param name="LowRankSeconds">Nyström time per timing size.</param>
/// <param name="FactoredSeconds">Time of the solution's product A(Σ(BᵀV)) with given rank-k factors, per timing size.</param>
/// <param name="GivenPSeconds">Time of PV with P given as an (n, n) matrix, per timing size.</param>
/// <param name="WorkingProductDefined">Whether the working's "BV" is a defined product for the factors of P = AΣBᵀ: B is (n, k), V is (n, d).</param>
/// <param name="RankTolerance">The relative tolerance of <see cref="SoftmaxRank"/>: singular values above it times the largest count.</param>
public sealed record LowRankResult(LowRankSettings Settings,
    int ExactRankMeasured, double FactoredRelativeError, double DirectFactorsRelativeError,
    int SoftmaxRank, IReadOnlyList<ErrorCurve> Curves, int IidRank, double IidSvdError, double IidNystromError,
    IReadOnlyList<double> FullSeconds, IReadOnlyList<double> LowRankSeconds,
    IReadOnlyList<double> FactoredSeconds, IReadOnlyList<double> GivenPSeconds, bool WorkingProductDefined, double RankTolerance)
{
    /// <summary>Slope of log seconds against log n for the factored low-rank product (≈ 1 when it is linear in
    /// n).</summary>
    public double FactoredSlope => LogLogSlope(Settings.TimingSizes, FactoredSeconds);

    /// <summary>Slope of log seconds against log n when the n×n attention matrix P is given and only multiplied (≈
    /// 2).</summary>
    public double GivenPSlope => LogLogSlope(Settings.TimingSizes, GivenPSeconds);

    /// <summary>Least-squares slope of log time against log n.</summary>
    public static double LogLogSlope(IReadOnlyList<int> sizes, IReadOnlyList<double> seconds)
    {
        var x = sizes.Select(n => Math.Log(n)).ToArray();
        var y = seconds.Select(t => Math.Log(t)).ToArray();
        double mx = x.Average(), my = y.Average();
        double sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        double sxx = x.Sum(a => (a - mx) * (a - mx));
        return sxy / sxx;
    }

    /// <summary>Slope of log seconds against log n for full softmax attention (≈ 2: the n×n score matrix).</summary>
    public double FullSlope => LogLogSlope(Settings.TimingSizes, FullSeconds);

    /// <summary>Slope of log seconds against log n for the low-rank approximation built from the scores.</summary>
    public double LowRankSlope => LogLogSlope(Settings.TimingSizes, LowRankSeconds);

    internal ErrorCurve Curve(string method) => Curves.First(c => c.Method == method);
}

/// <summary>Claim 3.5: exact factored product, full rank of real softmax matrices, error against k, and cost against n.</summary>
internal static class LowRankCheck
{
    /// <param name="settings">Sizes.</param>
    /// <param name="broken">Fault injection: the factored product drops Σ, computing A(BᵀV).</param>
    /// <param name="progress">Where the slow parts report.</param>
    public static LowRankResult Run(LowRankSettings settings, bool broken = false, IProgress<ProgressReport>? progress = null)
    {
        using var scope = NewDisposeScope();
        var (rankMeasured, factoredError, directError, productDefined) = ExactRankProduct(settings.N, settings.Dimension, settings.ExactRank, broken);
        progress?.Report(new ProgressReport("3.5 low rank", 1, 4, []));

        double tau = Math.Sqrt(settings.Dimension);
        var (q, k, v) = AttentionInputs.SmoothSequence(settings.N, settings.Dimension, ScalarType.Float64); // (n, d) each
        var p = SoftmaxAttention.Matrix(q, k, tau); // (n, n), the reference forms it
        int softmaxRank = LowRankAttention.NumericalRank(p);
        var (svdError, nystromError, linformerError) = ErrorsAgainstRank(p, q, k, v, settings.Ranks, tau);
        progress?.Report(new ProgressReport("3.5 low rank", 2, 4, []));

        int iidRank = settings.Ranks.Where(r => r <= settings.TimingRank).DefaultIfEmpty(settings.Ranks[0]).Max();
        var qi = randn(settings.N, settings.Dimension, dtype: ScalarType.Float64); // (n, d)
        var ki = randn(settings.N, settings.Dimension, dtype: ScalarType.Float64); // (n, d)
        var vi = randn(settings.N, settings.Dimension, dtype: ScalarType.Float64); // (n, d)
        var (iidSvd, iidNystrom, _) = ErrorsAgainstRank(SoftmaxAttention.Matrix(qi, ki, tau), qi, ki, vi, [iidRank], tau);
        progress?.Report(new ProgressReport("3.5 low rank", 3, 4, []));

        var (full, lowRank, factoredTimes, givenP) = Timings(settings);
        progress?.Report(new ProgressReport("3.5 low rank", 4, 4, []));
        return new LowRankResult(settings, rankMeasured, factoredError, directError, softmaxRank,
            [new ErrorCurve("svd", svdError), new ErrorCurve("nystrom", nystromError), new ErrorCurve("linformer", linformerError)],
            iidRank, iidSvd[0], iidNystrom[0], full, lowRank, factoredTimes, givenP, productDefined,
            settings.N * Math.Pow(2, -52));
    }

    /// <summary>
    /// A row-stochastic P of rank exactly k: P = W H with W (n, k) and H (k, n) row-stochastic, i.e. attention that
    /// first routes each query to k hubs and each hub to the keys. Its truncated SVD is exact at rank k.
    /// </summary>
    static (int Rank, double Factored, double Direct, bool ProductDefined) ExactRankProduct(int n, int d, int rank, bool broken)
    {
        using var scope = NewDisposeScope();
        var w = randn(n, rank, dtype: ScalarType.Float64).mul(2).softmax(1); // (n, k)
        var h = randn(rank, n, dtype: ScalarType.Float64).mul(2).softmax(1); // (k, n)
        var p = w.matmul(h); // (n, n), rank k, rows sum to 1
        var v = randn(n, d, dtype: ScalarType.Float64); // (n, dᵥ)
        var reference = p.matmul(v); // (n, dᵥ), the O(n²d) product
        var (a, sigma, b) = LowRankAttention.TruncatedSvd(p, rank); // (n, k), (k), (n, k)
        if (broken) sigma = ones_like(sigma);
        var factored = LowRankAttention.Factored(a, sigma, b, v); // (n, dᵥ)
        var direct = LowRankAttention.Factored(w, eye(rank, dtype: ScalarType.Float64), h.transpose(0, 1), v); // (n, dᵥ)
        // The working multiplies "B V": defined only when B's columns match V's rows, (n, k)·(n, d) needs k = n.
        bool productDefined = b.shape[1] == v.shape[0];
        return (LowRankAttention.NumericalRank(p), RelativeError(factored, reference), RelativeError(direct, reference), productDefined);
    }

    static (double[] Svd, double[] Nystrom, double[] Linformer) ErrorsAgainstRank(
        Tensor p, Tensor q, Tensor k, Tensor v, IReadOnlyList<int> ranks, double tau)
    {
        using var scope = NewDisposeScope();
        var reference = p.matmul(v); // (n, dᵥ)
        var (u, s, vh) = linalg.svd(p, fullMatrices: false); // one SVD serves every k
        var svd = new double[ranks.Count];
        var nystrom = new double[ranks.Count];
        var linformer = new double[ranks.Count];
        for (int i = 0; i < ranks.Count; i++)
        {
            using var inner = NewDisposeScope();
            int r = ranks[i];
            var best = LowRankAttention.Factored(u.narrow(1, 0, r), s.narrow(0, 0, r), vh.narrow(0, 0, r).transpose(0, 1), v); // (n, dᵥ)
            svd[i] = RelativeError(best, reference);
            nystrom[i] = RelativeError(NystromAttention.Forward(q, k, v, r, tau), reference);
            linformer[i] = RelativeError(LinformerAttention.Forward(q, k, v, r, tau), reference);
        }
        return (svd, nystrom, linformer);
    }

    /// <summary>
    /// Minimum time per n (float32, on whatever threads the caller set; the checks use one, so that the slopes show O(n²)
    /// against O(n) work rather than the scheduling of a shared machine) of: full attention and Nyström from Q, K, V;
    /// and, for the claim as stated, PV with P given against A(Σ(BᵀV)) with rank-k factors given.
    /// </summary>
    static (double[] Full, double[] LowRank, double[] Factored, double[] GivenP) Timings(LowRankSettings settings)
    {
        int count = settings.TimingSizes.Count;
        var (full, lowRank, factored, givenP) = (new double[count], new double[count], new double[count], new double[count]);
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            int n = settings.TimingSizes[i], k = settings.TimingRank;
            var (q, keys, v) = AttentionInputs.SmoothSequence(n, settings.Dimension, ScalarType.Float32); // (n, d) each
            double tau = Math.Sqrt(settings.Dimension);
            full[i] = AttentionBenchmarkRun.Seconds(() => SoftmaxAttention.Batched(q, keys, v, tau), settings.TimingRepeats).Min;
            lowRank[i] = AttentionBenchmarkRun.Seconds(() => NystromAttention.Forward(q, keys, v, k, tau), settings.TimingRepeats).Min;
            var p = SoftmaxAttention.Matrix(q, keys, tau); // (n, n)
            var a = randn(n, k, dtype: ScalarType.Float32); // (n, k)
            var sigma = rand(k, dtype: ScalarType.Float32); // (k)
            var b = randn(n, k, dtype: ScalarType.Float32); // (n, k)
            givenP[i] = AttentionBenchmarkRun.Seconds(() => p.matmul(v), settings.TimingRepeats).Min; // (n, n)·(n, d)
            factored[i] = AttentionBenchmarkRun.Seconds(() => LowRankAttention.Factored(a, sigma, b, v), settings.TimingRepeats).Min;
        }
        return (full, lowRank, factored, givenP);
    }

    internal static double RelativeError(Tensor approximation, Tensor reference) =>
        approximation.sub(reference).norm().item<double>() / reference.norm().item<double>();
}
