using NeuralLab.Recurrence;

namespace NeuralLab.Tests.Recurrence;

public class GradientAgreementTests
{
    static double[] RandomSequence(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => 2 * random.NextDouble() - 1).ToArray();

    // Oracle: four computations that share no code beyond the forward step (autograd through libtorch's
    // graph, the hand-written recursion, the closed forms, Ridders' finite differences).
    [Theory]
    [InlineData(Activation.Identity, RnnForm.Outer)]
    [InlineData(Activation.Tanh, RnnForm.Outer)]
    [InlineData(Activation.Tanh, RnnForm.Inner)]
    [InlineData(Activation.Relu, RnnForm.Outer)]
    [InlineData(Activation.Relu, RnnForm.Inner)]
    [InlineData(Activation.Sigmoid, RnnForm.Outer)]
    [InlineData(Activation.Sigmoid, RnnForm.Inner)]
    public void AutogradManualClosedFormAndFiniteDifferencesAgree(Activation sigma, RnnForm form)
    {
        var random = new Random(17 + (int)sigma * 2 + (int)form);
        for (int trial = 0; trial < 6; trial++)
        {
            int length = random.Next(1, 9);
            double w = (random.NextDouble() < 0.5 ? -1 : 1) * (0.3 + 1.2 * random.NextDouble());
            var check = GradientCheck.Compute(new ScalarRnn(w, sigma, form), RandomSequence(random, length));
            Assert.True(check.Agree, $"w={w} T={length}: exact {check.MaxRelativeError:E2}, finite differences {check.FiniteDifferenceMaxRelativeError:E2}");
        }
    }
}
