using NeuralLab.Common;
using NeuralLab.Expressivity;

namespace NeuralLab.Tests.Expressivity;

public class HomogeneityTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 16)]
    [InlineData(4, 64)]
    public void BiasFreeReluNetworksArePositivelyHomogeneous(int depth, int width)
    {
        Seeding.SeedEverything(depth * 100 + width);
        using var network = new ReluMlp(depth, width, biases: false);
        var check = Homogeneity.Check(network, new Random(depth));
        Assert.True(check.MaxRelativeDeviation <= Homogeneity.Tolerance, $"deviation {check.MaxRelativeDeviation}");
        // Hence never x²: f(4) = 2·f(2), where x² needs 16 = 4·4.
        Assert.Equal(2 * check.F2, check.F4, 1e-12 * Math.Max(1, Math.Abs(check.F4)));
    }

    [Fact]
    public void BiasesBreakHomogeneity()
    {
        Seeding.SeedEverything(3);
        using var network = new ReluMlp(2, 16, biases: true);
        Assert.True(Homogeneity.Check(network, new Random(3)).MaxRelativeDeviation > 1e-3);
    }

    [Fact]
    public void BoundIsTheLeastSquaresLineThroughTheOriginPerSide()
    {
        var xs = CurveFitting.Linspace(-2, 2, 401);
        var bound = BiasFreeBound.For(xs);
        // Closed form in the continuum: slope 3L/4, mean squared error L⁴/80 (0.2 for L = 2); 401 points come close.
        Assert.Equal(0.2, bound.ContinuousMse, 1e-15);
        Assert.Equal(1.5, bound.SlopePositive, 1e-2);
        Assert.Equal(0.2, bound.Mse, 5e-3);
        // Independently: scan the two slopes on a fine grid; nothing beats the least-squares pair, which is also attained.
        double Mse(double left, double right) => xs.Average(x =>
        {
            double r = x * x - (x >= 0 ? right * x : -left * x);
            return r * r;
        });
        double best = double.MaxValue;
        for (double left = 1.4; left <= 1.6; left += 2e-3)
            for (double right = 1.4; right <= 1.6; right += 2e-3)
                best = Math.Min(best, Mse(left, right));
        Assert.True(best >= bound.Mse * (1 - 1e-12), $"scan found {best} below the bound {bound.Mse}");
        Assert.Equal(bound.Mse, Mse(bound.SlopeNegative, bound.SlopePositive), 1e-12);
        Assert.True(best - bound.Mse < 1e-5);
    }

    [Fact]
    public void TrainedBiasFreeNetworksStayAboveTheBoundAndBiasedOnesGoBelow()
    {
        var budget = ExpressivityBudget.For(ReportProfile.Test) with { TrainingSteps = 600, Depths = [2] };
        var study = Homogeneity.Run(budget, seed: 1);
        Assert.True(study.MinBiasFreeMse >= study.Bound.Mse * (1 - 1e-9), $"{study.MinBiasFreeMse} < {study.Bound.Mse}");
        // Training does reach the bound (within 5%): the limit is the architecture, not the optimiser.
        Assert.True(study.MinBiasFreeMse < study.Bound.Mse * 1.05, $"{study.MinBiasFreeMse} vs {study.Bound.Mse}");
        Assert.True(study.MinMseWithBiases < study.Bound.Mse / 2, $"with biases {study.MinMseWithBiases}");
    }
}
