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

    // The fast path moves a module's parameters into one buffer (set_) and keeps their gradients there. Oracle:
    // torch.optim.Adam on an identical copy, through all three paths of a step: the buffer (adam.ZeroGrad), gradients
    // made anew outside it (a module zero_grad sets them to None; backward then allocates fresh ones), and, on the
    // first step, a parameter with no gradient at all, which torch.optim.Adam leaves alone and so must we.
    [Fact]
    public void FlatAdamOverAModuleMatchesTorchOptimAdam()
    {
        torch.random.manual_seed(2);
        TorchSharp.Modules.Sequential Net() => nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).to(float64);
        var ours = Net();
        var theirs = Net();
        theirs.load_state_dict(ours.state_dict());
        var unused = randn(4, dtype: float64).requires_grad_(true);
        var unusedStart = unused.detach().clone();
        var firstStart = ours.parameters().First().detach().clone();
        using var adam = new NeuralLab.Common.Adam(ours.parameters().Append(unused), 0.05);
        Assert.True(adam.IsFlat);
        var reference = torch.optim.Adam(theirs.parameters(), lr: 0.05);
        var x = randn(16, 3, dtype: float64);
        var y = randn(16, 2, dtype: float64);
        for (int step = 0; step < 20; step++)
        {
            if (step % 3 == 0) ours.zero_grad(); // set_to_none: the next backward allocates new gradients
            else adam.ZeroGrad();
            nn.functional.mse_loss(ours.call(x), y).backward();
            adam.Step();
            reference.zero_grad();
            nn.functional.mse_loss(theirs.call(x), y).backward();
            reference.step();
        }
        foreach (var (mine, other) in ours.parameters().Zip(theirs.parameters()))
        {
            double diff = (mine - other).abs().max().item<double>();
            Assert.True(diff < 1e-12, $"max difference {diff}");
        }
        Assert.Equal(0, (unused - unusedStart).abs().max().item<double>());
        Assert.True((ours.parameters().First() - firstStart).abs().max().item<double>() > 0, "parameters did not move");
    }

    // Adam takes sqrt(max(v, FLT_MIN)) where that cannot change a denominator (libtorch's sqrt is slow on zeros).
    // Oracle: the same float32 network trained with the plain sqrt, bit for bit. Half the hidden units are dead
    // (a negative bias beyond any input), so a good share of v is exactly 0 and the clamp is exercised.
    [Theory]
    [InlineData(1e-8, true)]    // the clamp applies
    [InlineData(1e-15, false)]  // eps too small for it: the plain sqrt
    public void SkippingSlowSquareRootsChangesNoBit(double eps, bool clampApplies)
    {
        Tensor[] Train(bool skip) => TrainWithDeadUnits(3, 50, ps => new NeuralLab.Common.Adam(ps, 1e-2, eps: eps) { SkipsSlowSquareRoots = skip },
            atEnd: (adam, parameterCount) =>
            {
                long zeros = adam.State.Skip(parameterCount).Sum(v => (v == 0).sum().item<long>());
                Assert.True(zeros >= 8 * 2 + 8, $"only {zeros} zero second moments");
            }).Parameters;
        var clamped = Train(skip: true);
        var plain = Train(skip: false);
        foreach (var (a, b) in clamped.Zip(plain))
            Assert.Equal(b.data<float>().ToArray(), a.data<float>().ToArray());
        Assert.Equal(clampApplies, NeuralLab.Common.Adam.SquareRootFloorIsExact(eps, biasCorrection2: 1 - 0.999));
    }

    // Adam's step flushes denormals (FTZ/DAZ), which it took microcode assists for. Oracle: the same float32 parameters
    // and gradients through an Adam that keeps IEEE denormals, bit for bit. The gradients span 1e-22..1, so (1−β2)·g² of
    // the smallest is denormal from the first step, and after 40 steps half of them stop, so their m decays by 0.9 a
    // step into the denormals; the unflushed run must hold denormal moments (the case is exercised), the flushed none.
    [Fact]
    public void FlushingDenormalsChangesNoParameterBit()
    {
        const float FltMin = 1.17549435e-38f;
        torch.random.manual_seed(4);
        var start = rand(2000) * 2 - 1;                                             // (P)
        var scales = pow(10, -linspace(0, 22, 2000)).to_type(float32);              // (P)
        var signs = randn(2000).sign();
        var stopping = arange(2000).remainder(2).eq(0);                             // the even entries lose their gradient
        (Tensor Parameters, long Denormal) Train(bool flush)
        {
            var p = start.clone().requires_grad_(true);
            using var adam = new NeuralLab.Common.Adam([p], 1e-3) { FlushesDenormals = flush };
            for (int step = 0; step < 900; step++)
            {
                var g = step < 40 ? scales * signs : (scales * signs).masked_fill(stopping, 0);
                adam.ZeroGrad();
                (p * g).sum().backward();
                adam.Step();
            }
            long denormal = adam.State.Sum(t => { var a = t.abs(); return (a.gt(0) & a.lt(FltMin)).sum().item<long>(); });
            return (p.detach().clone(), denormal);
        }
        var (ieee, ieeeDenormal) = Train(flush: false);
        var (flushed, flushedDenormal) = Train(flush: true);
        Assert.True(ieeeDenormal > 500, $"only {ieeeDenormal} denormal moments without the flush");
        Assert.Equal(0, flushedDenormal);
        Assert.Equal(ieee.data<float>().ToArray(), flushed.data<float>().ToArray());
    }

    // Adam's flat float32 update runs as two hand-written passes around libtorch's sqrt. Oracle: the same network trained
    // with the nine libtorch ops, bit for bit, with the clamped sqrt and without it. 65 parameters: the vector loop and
    // its scalar tail both run; half the hidden units are dead, so v holds zeros.
    [Theory]
    [InlineData(1e-8)]
    [InlineData(1e-15)]
    public void FusedAdamMatchesItsOpsBitForBit(double eps)
    {
        Assert.True(System.Runtime.Intrinsics.X86.Fma.IsSupported, "this x86-64 has no FMA: the fused update never runs here");
        (Tensor[] Parameters, double Loss) Train(bool fuse) =>
            TrainWithDeadUnits(5, 200, ps => new NeuralLab.Common.Adam(ps, 1e-2, eps: eps) { Fuses = fuse }, eachStep: adam => Assert.Equal(fuse, adam.StepsFused));
        var (fused, fusedLoss) = Train(fuse: true);
        var (ops, opsLoss) = Train(fuse: false);
        Assert.True(opsLoss < 0.05, $"the network did not train (loss {opsLoss})");
        Assert.Equal(opsLoss, fusedLoss);
        foreach (var (a, b) in fused.Zip(ops))
            Assert.Equal(b.data<float>().ToArray(), a.data<float>().ToArray());
    }

    /// <summary>
    /// The optimiser oracles' problem: a float32 2-16-1 ReLU MLP fitting sin(x₁ + x₂) on 64 points, with half its hidden
    /// units dead (a bias of −10, beyond any input), so a good share of Adam's second moments stays exactly 0.
    /// </summary>
    static (Tensor[] Parameters, double Loss) TrainWithDeadUnits(int seed, int steps, Func<IEnumerable<TorchSharp.Modules.Parameter>, NeuralLab.Common.Adam> newAdam,
        Action<NeuralLab.Common.Adam>? eachStep = null, Action<NeuralLab.Common.Adam, int>? atEnd = null)
    {
        torch.random.manual_seed(seed);
        var net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1));
        using (no_grad()) ((TorchSharp.Modules.Linear)net[0]).bias!.narrow(0, 0, 8).fill_(-10);
        using var adam = newAdam(net.parameters());
        var x = rand(64, 2) * 2 - 1;
        var y = x.sum(1, keepdim: true).sin();
        double loss = 0;
        for (int step = 0; step < steps; step++)
        {
            adam.ZeroGrad();
            var l = nn.functional.mse_loss(net.call(x), y);
            l.backward();
            adam.Step();
            eachStep?.Invoke(adam);
            loss = l.item<float>();
        }
        atEnd?.Invoke(adam, net.parameters().Count());
        return (net.parameters().Select(p => p.detach().clone()).ToArray(), loss);
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
