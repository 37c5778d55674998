using NeuralLab.Expressivity;

namespace NeuralLab.Tests.Expressivity;

public class ConstructionTests
{
    static void AssertExact(Construction c)
    {
        var check = ConstructionVerifier.Verify(c);
        Assert.True(check.Exact, $"{c.Name}: grid error {check.MaxErrorGrid}, kink error {check.MaxErrorKinks} at x = {check.WorstX}");
        Assert.True(check.GridPoints >= 20_001);
    }

    [Fact]
    public void AbsoluteValueIsReluOfXPlusReluOfMinusX()
    {
        var c = Constructions.AbsoluteValue();
        AssertExact(c);
        Assert.Equal([1.0, -1.0], c.Network.Weights.W0);
        Assert.Equal([0.0, 0.0], c.Network.Weights.B0);
    }

    [Fact]
    public void SolutionOutputWeightsComputeXExactly()
    {
        // σ(x) − σ(−x) = x: 1.1's target is x, and the solution's w1 = [1, −1] computes it.
        var c = Constructions.Identity();
        AssertExact(c);
        var xs = new[] { -3.0, -0.5, 0, 2.5 };
        Assert.Equal(xs, c.Network.Evaluate(xs));
        // Against |x| the same network is off by 2|x|, 10 at x = ±5.
        var absolute = ConstructionVerifier.Verify(Constructions.AbsoluteValue(Constructions.SolutionOutputWeights));
        Assert.Equal(10.0, absolute.MaxErrorGrid, 1e-12);
    }

    [Theory]
    [InlineData(2.0, -1.0)]
    [InlineData(-0.5, 3.0)]
    [InlineData(3.0, 0.0)]
    [InlineData(0.0, -2.0)]
    [InlineData(1e-3, 4.2)]
    public void AbsoluteAffineIsExactForAnyMAndB(double m, double b) => AssertExact(Constructions.AbsoluteAffine(m, b));

    [Theory]
    [InlineData(-3.0)]
    [InlineData(-0.5)]
    [InlineData(0.0)]
    [InlineData(1.7)]
    public void ConstantAsWrittenHoldsForSigmoidOnly(double b)
    {
        AssertExact(Constructions.ConstantAsWritten(b, Activation.Sigmoid));
        // With ReLU, σ(0) = 0: the network is identically 0, off by |b|.
        var relu = ConstructionVerifier.Verify(Constructions.ConstantAsWritten(b, Activation.Relu));
        Assert.Equal(Math.Abs(b), relu.MaxErrorGrid, 1e-15);
        Assert.Equal(b == 0, relu.Exact);
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(1.7)]
    public void ConstantWithBiasHoldsForReluNotSigmoid(double b)
    {
        AssertExact(Constructions.ConstantWithBias(b, Activation.Relu));
        // σ(b) − σ(−b) = tanh(b/2) for the sigmoid.
        var sigmoid = ConstructionVerifier.Verify(Constructions.ConstantWithBias(b, Activation.Sigmoid));
        Assert.Equal(Math.Abs(b - Math.Tanh(b / 2)), sigmoid.MaxErrorGrid, 1e-12);
    }

    [Fact]
    public void HatIsExactAndIsWhatFromKnotsBuilds()
    {
        AssertExact(Constructions.Hat());
        AssertExact(Constructions.HatFromKnots());
        var written = Constructions.Hat().Network.Weights;
        var fromKnots = Constructions.HatFromKnots().Network.Weights;
        Assert.Equal(written.W0, fromKnots.W0);
        Assert.Equal(written.B0, fromKnots.B0);
        Assert.Equal(written.W1, fromKnots.W1);
        Assert.Equal(0.0, fromKnots.B1);
    }

    [Fact]
    public void WrongHatWeightIsCaught()
    {
        var check = ConstructionVerifier.Verify(Constructions.Hat(middleWeight: -5));
        Assert.False(check.Exact);
        // For x ≥ 0 the network is 6 − 2x + 3σ(x−2): off by x, so by 5 at the grid's end x = 5.
        Assert.Equal(5.0, check.MaxErrorGrid, 1e-12);
    }
}
