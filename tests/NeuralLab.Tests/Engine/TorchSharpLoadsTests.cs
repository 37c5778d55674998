using static TorchSharp.torch;

namespace NeuralLab.Tests.Engine;

public class TorchSharpLoadsTests
{
    [Fact]
    public void TorchSharpInitialisesAndComputesASecondDerivative()
    {
        // d/dx x^3 = 3x^2, d2/dx2 x^3 = 6x: a second derivative needs create_graph on the first.
        var x = tensor(new[] { -1.5, 0.5, 2.0 }, dtype: float64, requires_grad: true);
        var y = x.pow(3);
        var dy = autograd.grad(new[] { y }, new[] { x }, new[] { ones_like(y) }, retain_graph: true, create_graph: true)[0];
        var d2y = autograd.grad(new[] { dy }, new[] { x }, new[] { ones_like(dy) })[0];
        Assert.Equal(new[] { 6.75, 0.75, 12.0 }, dy.data<double>().ToArray());
        Assert.Equal(new[] { -9.0, 3.0, 12.0 }, d2y.data<double>().ToArray());
    }
}
