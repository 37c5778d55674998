using NeuralLab.Recurrence;

namespace NeuralLab.Tests.Recurrence;

public class ClosedFormTests
{
    [Fact]
    public void LinearStatesAndTheirWeightGradientAreTheHomeworksPolynomials()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            double w = 3 * random.NextDouble() - 1.5;
            var x = Enumerable.Range(0, 3).Select(_ => 4 * random.NextDouble() - 2).ToArray();
            var rnn = new ScalarRnn(w);
            var h = rnn.States(x);
            double[] homework = [w * x[0], w * x[1] + w * w * x[0], w * x[2] + w * w * x[1] + w * w * w * x[0]];
            for (int t = 0; t < 3; t++) Assert.True(GradientCheck.RelativeError(homework[t], h[t]) < 1e-14, $"h_{t + 1}: {h[t]} vs {homework[t]}");
            // 2.3 against libtorch's autograd.
            double autograd = AutogradGradients.OfOutput(rnn, x).DLossDw;
            Assert.True(GradientCheck.RelativeError(ClosedForms.Homework23(w, x[0], x[1], x[2]), autograd) < 1e-13);
            // The general-T form against the hand-written pass on a longer sequence.
            var longer = Enumerable.Range(0, 9).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            Assert.True(GradientCheck.RelativeError(ClosedForms.LinearDhTDw(w, longer), BackpropThroughTime.OfOutput(rnn, longer).DLossDw) < 1e-12);
        }
    }

    [Fact]
    public void ExpandingTheModelsStepSymbolicallyGivesTheSolutionsSums()
    {
        var states = LinearExpansion.States(6);
        for (int t = 1; t <= 6; t++) Assert.True(states[t - 1].SameAs(LinearExpansion.Homework(t)), $"h_{t} = {states[t - 1]}");
        Assert.Equal("w·x₃ + w²·x₂ + w³·x₁", states[2].ToString());
        Assert.Equal("x₃ + 2w·x₂ + 3w²·x₁", states[2].DerivativeInW().ToString());
        Assert.Throws<NotSupportedException>(() => new ScalarRnn(1, Activation.Tanh).Unroll(LinearExpansion.Instance, LinearPolynomial.Weight, [LinearPolynomial.Input(1)]));
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void TheSolutionsFormulaIsTheOuterFormsAndMissesTheInnerForm(Activation sigma)
    {
        var x = new[] { 0.4, -0.9, 0.7, 0.2, -0.3 };
        const double w = 1.3;
        foreach (var form in new[] { RnnForm.Outer, RnnForm.Inner })
        {
            var rnn = new ScalarRnn(w, sigma, form);
            var h = rnn.States(x);
            double truth = AutogradGradients.OfOutput(rnn, x).DLossDh[0];
            double solution = ClosedForms.SolutionDhTDh1(w, sigma, x, h);
            double inner = ClosedForms.InnerDhTDh1(w, sigma, x, h);
            if (form == RnnForm.Outer)
            {
                Assert.True(GradientCheck.RelativeError(solution, truth) < 1e-13);
                Assert.True(GradientCheck.RelativeError(inner, truth) > 1e-2);
            }
            else
            {
                Assert.True(GradientCheck.RelativeError(inner, truth) < 1e-13);
                Assert.True(GradientCheck.RelativeError(solution, truth) > 1e-2);
            }
        }
    }

    [Fact]
    public void DoubleDoubleArithmeticCarriesAbout32Digits()
    {
        // e = 2.718281828459045 + 1.4456468917292502e-16 (QD library's constant).
        var e = DoubleDouble.Exp(1);
        Assert.Equal(2.718281828459045, e.Hi);
        Assert.True(Math.Abs(e.Lo - 1.4456468917292502e-16) < 1e-31, $"lo = {e.Lo:R}");
        foreach (double v in new[] { -30, -3.2, -0.7, -1e-5, 0.3, 1.9, 12.5 })
        {
            var product = DoubleDouble.Exp(v) * DoubleDouble.Exp(-v) - 1;
            Assert.True(Math.Abs(product.ToDouble()) < 1e-30, $"exp({v})·exp({-v}) − 1 = {product.ToDouble()}");
            Assert.True(GradientCheck.RelativeError(DoubleDouble.Tanh(v).ToDouble(), Math.Tanh(v)) < 4e-16);
            Assert.True(GradientCheck.RelativeError(DoubleDouble.Sigmoid(v).ToDouble(), 1 / (1 + Math.Exp(-v))) < 4e-16);
        }
        var third = (DoubleDouble)1 / 3;
        Assert.True(Math.Abs((third * 3 - 1).ToDouble()) < 1e-31);
    }

    [Fact]
    public void FiniteDifferencesResolveAVanishingGradientFarBelowTheFunctionsScale()
    {
        // ∂h_T/∂h_1 ≈ 1e-7 while h_T ≈ 0.5: a float64 central difference would keep ~1e-9 of it at best.
        var rnn = new ScalarRnn(0.5, Activation.Sigmoid, RnnForm.Outer);
        var x = new[] { 0.3, -0.2, 0.8, 0.1, -0.5, 0.4, 0.6, -0.1, 0.2, 0.9 };
        double truth = AutogradGradients.OfOutput(rnn, x).DLossDh[0];
        Assert.InRange(Math.Abs(truth), 1e-12, 1e-5);
        Assert.True(GradientCheck.RelativeError(FiniteDifference.DfDh(rnn, x, 1), truth) < 1e-10);
    }
}
