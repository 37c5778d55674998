using NeuralLab.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Common;

public class OptimizerTests
{
    // Oracle: libtorch's own torch.optim implementation, from the same start on the same gradients.
    [Fact]
    public void AdamMatchesTorchOptimAdamStepForStep()
    {
        torch.random.manual_seed(1);
        var target = randn(5, 3, dtype: float64);
        var ours = randn(5, 3, dtype: float64).requires_grad_(true);
        var theirs = ours.detach().clone().requires_grad_(true);
        using var adam = new NeuralLab.Common.Adam([ours], 0.05);
        var reference = torch.optim.Adam([new TorchSharp.Modules.Parameter(theirs)], lr: 0.05);
        var theirParam = reference.parameters().First();
        double Loss(Tensor p) => ((p - target).pow(2).sum() + p.sin().sum()).item<double>();
        double initialLoss = Loss(ours.detach());
        for (int step = 0; step < 20; step++)
        {
            adam.ZeroGrad();
            ((ours - target).pow(2).sum() + ours.sin().sum()).backward();
            adam.Step();
            reference.zero_grad();
            ((theirParam - target).pow(2).sum() + theirParam.sin().sum()).backward();
            reference.step();
        }
        double diff = (ours - theirParam).abs().max().item<double>();
        Assert.True(diff < 1e-12, $"max difference {diff}");
        Assert.True(Loss(ours.detach()) < initialLoss, "Adam did not descend");
    }

    [Fact]
    public void SgdIsOneGradientStep()
    {
        var p = tensor(new[] { 1.0, -2.0 }, dtype: float64, requires_grad: true);
        using var sgd = new Sgd([p], 0.1);
        p.pow(2).sum().backward(); // gradient 2p
        sgd.Step();
        Assert.Equal(new[] { 0.8, -1.6 }, p.data<double>().ToArray().Select(v => Math.Round(v, 12)).ToArray());
    }
}
