using static TorchSharp.torch;

namespace NeuralLab.Attention;

/// <summary>
/// Attention through a rank-k factorisation P ≈ A Σ Bᵀ. Multiplying right to left,
/// A(Σ(BᵀV)) costs n·k·dᵥ + k·k·dᵥ + n·k·dᵥ = O(nkd) instead of the n·n·dᵥ of (AΣBᵀ)V —
/// but only if the factors themselves come without forming the n × n matrix P (see <see cref="NystromAttention"/>).
/// </summary>
internal static class LowRankAttention
{
    /// <summary>The factored product A(Σ(BᵀV)); the (n, n) matrix A Σ Bᵀ is never formed.</summary>
    /// <param name="left">A, (n, k).</param>
    /// <param name="middle">Σ, (k, k) — or (k) for a diagonal Σ, as from an SVD.</param>
    /// <param name="right">B, (n, k).</param>
    /// <param name="values">V, (n, dᵥ).</param>
    /// <returns>(n, dᵥ).</returns>
    public static Tensor Factored(Tensor left, Tensor middle, Tensor right, Tensor values)
    {
        using var scope = NewDisposeScope();
        var projected = right.transpose(0, 1).matmul(values); // (k, n) · (n, dᵥ) → (k, dᵥ)
        var mixed = middle.dim() == 1
            ? projected.mul(middle.unsqueeze(1)) // (k, 1) ⊙ (k, dᵥ) → (k, dᵥ)
            : middle.matmul(projected); // (k, k) · (k, dᵥ) → (k, dᵥ)
        return left.matmul(mixed).MoveToOuterDisposeScope(); // (n, k) · (k, dᵥ) → (n, dᵥ)
    }

    /// <summary>
    /// The best rank-k factors of P in every unitarily invariant norm (Eckart–Young):
    /// P_k = U_k diag(s_k) V_kᵀ. Needs P itself, so it is a reference, not a fast method.
    /// </summary>
    /// <param name="matrix">P, (n, n).</param>
    /// <returns>A = U_k (n, k), Σ = s_k (k), B = V_k (n, k).</returns>
    /// <param name="rank">k.</param>
    public static (Tensor Left, Tensor Singular, Tensor Right) TruncatedSvd(Tensor matrix, int rank)
    {
        using var scope = NewDisposeScope();
        var (u, s, vh) = linalg.svd(matrix, fullMatrices: false); // (n, r), (r), (r, n)
        int k = (int)Math.Min(rank, s.shape[0]);
        var left = u.narrow(1, 0, k).contiguous(); // (n, k)
        var singular = s.narrow(0, 0, k).contiguous(); // (k)
        var right = vh.narrow(0, 0, k).transpose(0, 1).contiguous(); // (n, k)
        return (left.MoveToOuterDisposeScope(), singular.MoveToOuterDisposeScope(), right.MoveToOuterDisposeScope());
    }

    /// <summary>Singular values of P above rtol·s_max: the numerical rank (LAPACK's convention, rtol = n·ε).</summary>
    public static int NumericalRank(Tensor matrix, double? relativeTolerance = null)
    {
        using var scope = NewDisposeScope();
        var s = linalg.svdvals(matrix); // (n)
        double eps = matrix.dtype == ScalarType.Float64 ? Math.Pow(2, -52) : Math.Pow(2, -23);
        double rtol = relativeTolerance ?? Math.Max(matrix.shape[0], matrix.shape[1]) * eps;
        double cutoff = s.max().item<double>() * rtol;
        return (int)s.gt(cutoff).sum().item<long>();
    }
}
