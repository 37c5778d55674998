using NeuralLab.NeuralFields.Tiles;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields.Tiles;

/// <summary>
/// The blend weights, in float64: they sum to 1, stay in [0, 1], vanish outside their tile, and are C² — checked by finite
/// differences against autograd and, at the bands' edges where a C¹ blend would break, by the jump of the second derivative.
/// </summary>
public class PartitionOfUnityTests
{
    // 64 pixels in tiles of 32 with overlap 8: starts 0, 24, 48; bands [24, 31] and [48, 55].
    static readonly int[] Starts = new TileLayout(64, 64, 32, 8).Starts(64);
    const int Overlap = 8;

    static double[] Doubles(Tensor t) => t.contiguous().data<double>().ToArray();

    [Fact]
    public void Weights_sum_to_one_stay_in_0_1_and_vanish_outside_their_tile()
    {
        using var scope = NewDisposeScope();
        var p = linspace(-10, 74, 8401, dtype: ScalarType.Float64); // (N) beyond the image on both sides
        var w = PartitionOfUnity.Weights(p, Starts, Overlap);          // (N, 3)
        Assert.True((w.sum(1) - 1).abs().max().item<double>() <= 1e-15);
        Assert.True(w.min().item<double>() >= 0 && w.max().item<double>() <= 1);
        var positions = Doubles(p);
        for (int k = 0; k < Starts.Length; k++)
        {
            var wk = Doubles(w[.., k]);
            Assert.Equal(wk, Doubles(PartitionOfUnity.Weight(p, Starts, Overlap, k)));
            var (from, to) = PartitionOfUnity.Support(Starts, Overlap, k);
            for (int i = 0; i < wk.Length; i++)
                if (positions[i] <= from || positions[i] >= to) Assert.Equal(0.0, wk[i]);
            // Inside the tile's pixel centres, away from the bands, the tile alone: weight exactly 1.
            Assert.Equal(1.0, wk[Array.FindIndex(positions, x => x >= (k == 0 ? 10 : Starts[k] + Overlap + 2))]);
        }
        // In two dimensions the weights are products of the axes', so they sum to 1 as well.
        var q = linspace(-3, 67, 71, dtype: ScalarType.Float64);
        var wy = PartitionOfUnity.Weights(q, Starts, Overlap);                      // (M, 3)
        var grid = wy.unsqueeze(1).unsqueeze(3) * w[..71].unsqueeze(0).unsqueeze(2); // (M, 71, 3, 3)
        Assert.True((grid.sum([2, 3]) - 1).abs().max().item<double>() <= 1e-15);
    }

    [Fact]
    public void Autograd_derivatives_of_the_weights_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        // (N) across both bands, a twentieth of a pixel off the bands' edges: there w‴ jumps and the difference would see it.
        var p = linspace(20.05, 59.95, 400, dtype: ScalarType.Float64).requires_grad_(true);
        const double eta = 1e-4;
        for (int k = 0; k < Starts.Length; k++)
        {
            var w = PartitionOfUnity.Weight(p, Starts, Overlap, k);                                                        // (N)
            var first = autograd.grad([w], [p], [ones_like(w)], retain_graph: true, create_graph: true)[0];                // (N)
            var second = autograd.grad([first], [p], [ones_like(first)], retain_graph: true)[0];                           // (N)
            Tensor At(double shift) { using var _ = no_grad(); return PartitionOfUnity.Weight(p.detach() + shift, Starts, Overlap, k); }
            var fd1 = (At(eta) - At(-eta)) / (2 * eta);
            var fd2 = (At(eta) - 2 * At(0) + At(-eta)) / (eta * eta);
            // Central differences: truncation η²·max|w‴|/6 ≈ 3e-10 and rounding 1e-16/η ≈ 1e-12 for the first derivative;
            // for the second, rounding 4·1e-16/η² ≈ 4e-8 dominates.
            Assert.True((first.detach() - fd1).abs().max().item<double>() < 1e-8, $"tile {k}: first derivative");
            Assert.True((second.detach() - fd2).abs().max().item<double>() < 1e-6, $"tile {k}: second derivative");
        }
    }

    /// <summary>
    /// C² at the bands' edges: the second derivative's jump across an edge e, measured as w″(e + δ) − w″(e − δ) by finite
    /// differences, must be at most 2δ·max|w‴| = 2δ·60/(O − 1)³ (q‴ peaks at 60): a continuous w″ changes by no more over 2δ.
    /// The same measurement of the cubic smoothstep 3t² − 2t³ (C¹ only) shows its jump of 6/(O − 1)², so the check can fail.
    /// </summary>
    [Fact]
    public void The_weights_are_C2_where_a_cubic_blend_is_only_C1()
    {
        const double delta = 1e-3, eta = 1e-4;
        double bound = 2 * delta * 60 / Math.Pow(Overlap - 1, 3) + 1e-6; // + the finite differences' rounding (4e-8)
        double SecondDerivative(Func<double, double> f, double x) => (f(x + eta) - 2 * f(x) + f(x - eta)) / (eta * eta);
        double Quintic(int k, double x)
        {
            using var scope = NewDisposeScope();
            return PartitionOfUnity.Weight(tensor(new[] { x }, dtype: ScalarType.Float64), Starts, Overlap, k).item<double>();
        }
        static double Cubic(double x, double a)
        {
            double t = Math.Clamp((x - a) / (Overlap - 1.0), 0, 1);
            return t * t * (3 - 2 * t);
        }
        foreach (int start in Starts.Skip(1))
            foreach (double edge in new double[] { start, start + Overlap - 1 })
                for (int k = 0; k < Starts.Length; k++)
                {
                    double jump = Math.Abs(SecondDerivative(x => Quintic(k, x), edge + delta) - SecondDerivative(x => Quintic(k, x), edge - delta));
                    Assert.True(jump <= bound, $"tile {k}: w″ jumps by {jump:G3} at {edge} (bound {bound:G3})");
                }
        double cubicJump = Math.Abs(SecondDerivative(x => Cubic(x, 24), 24 + delta) - SecondDerivative(x => Cubic(x, 24), 24 - delta));
        Assert.True(cubicJump > 100 * bound, $"the check did not see the cubic's jump ({cubicJump:G3})");
        Assert.Equal(6.0 / 49, cubicJump, 3);
    }
}
