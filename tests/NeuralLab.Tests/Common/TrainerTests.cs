using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Common;

public class TrainerTests
{
    // Oracle: randperm drawn directly from a generator seeded the same way, one per epoch, sliced in batch order.
    [Fact]
    public void BatchesAreSlicesOfOnePermutationPerEpochFromTheSeededGenerator()
    {
        const int samples = 10, batch = 4, seed = 7;
        using var trainer = new Trainer(new TrainingPlan { Steps = 7, Samples = samples, BatchSize = batch, Seed = seed, CollectEvery = 0 });
        var seen = new List<long[]>();
        var outcome = trainer.Run(step =>
        {
            using var scope = NewDisposeScope();
            seen.Add(step.BatchIndices().data<long>().ToArray());
            return 1;
        });
        using var generator = new Generator(seed);
        var expected = new List<long[]>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            using var order = randperm(samples, generator: generator);
            var all = order.data<long>().ToArray();
            for (int start = 0; start < samples; start += batch) expected.Add(all.Skip(start).Take(batch).ToArray());
        }
        Assert.Equal(7, outcome.Steps);
        Assert.Equal(StopReason.Budget, outcome.StoppedBecause);
        Assert.Equal(expected.Take(7), seen);
        Assert.Equal([4, 4, 2, 4, 4, 2, 4], seen.Select(b => b.Length));
    }

    [Fact]
    public void EvaluatesAtTheCadenceAndAfterTheLastStepAndReportsProgress()
    {
        var evaluated = new List<long>();
        var reports = new List<ProgressReport>();
        using var trainer = new Trainer(new TrainingPlan { Task = "t", Steps = 10, EvaluateEvery = 4, CollectEvery = 0 });
        var outcome = trainer.Run(step => step.Number, step => { evaluated.Add(step.Number); return [("loss", step.Loss)]; },
            progress: new Recorder(reports));
        Assert.Equal([4, 8, 10], evaluated);
        Assert.Equal([4.0, 8.0, 10.0], reports.Select(r => r.Figures[0].Value));
        Assert.All(reports, r => Assert.Equal(10, r.Total));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (double)i), outcome.Losses);
        Assert.Equal(10, outcome.LastEvaluatedStep);
    }

    [Fact]
    public void AnEvaluationThatReachesTheTargetStopsTheRun()
    {
        using var trainer = new Trainer(new TrainingPlan { Steps = 100, EvaluateEvery = 3, EvaluateAtEnd = true, CollectEvery = 0 });
        int evaluations = 0;
        var outcome = trainer.Run(step => 1.0 / step.Number, step =>
        {
            evaluations++;
            if (step.Loss < 0.1) step.Stop(StopReason.Target);
            return null;
        });
        Assert.Equal(StopReason.Target, outcome.StoppedBecause);
        Assert.Equal(12, outcome.Steps); // the first multiple of 3 with 1/n < 0.1
        Assert.Equal(4, evaluations);    // no extra evaluation: the last one was at the final step
    }

    [Fact]
    public void ACancelledRunTakesNoStepAndStillEvaluatesOnceAtTheEnd()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        using var trainer = new Trainer(new TrainingPlan { Steps = 5, EvaluateEvery = 1, EvaluateAtEnd = true });
        int steps = 0, evaluations = 0;
        var outcome = trainer.Run(_ => ++steps, _ => { evaluations++; return null; }, cancel: cancel.Token);
        Assert.Equal((0, 0L, 1, StopReason.Cancelled), (steps, outcome.Steps, evaluations, outcome.StoppedBecause));
    }

    [Theory]
    [InlineData(double.NaN, 3)]
    [InlineData(1e6, 3)]   // above 100 × the first loss
    public void ADivergingLossThrowsNamingTheStep(double badLoss, int badStep)
    {
        using var trainer = new Trainer(new TrainingPlan { Steps = 10, DivergenceAdvice = "lower --lr", CollectEvery = 0 });
        var e = Assert.Throws<BadInputException>(() => trainer.Run(step => step.Number == badStep ? badLoss : 1));
        Assert.StartsWith($"training diverged at step {badStep}: loss ", e.Message);
        Assert.EndsWith("(first step 1); lower --lr", e.Message);
    }

    [Fact]
    public void UnderTheStopPolicyADivergingLossEndsTheRunAndIgnoreGoesOn()
    {
        using var stop = new Trainer(new TrainingPlan { Steps = 10, OnDivergence = Divergence.Stop, ExplodingFactor = null, CollectEvery = 0 });
        var stopped = stop.Run(step => step.Number == 4 ? double.PositiveInfinity : 1e9 * step.Number);
        Assert.Equal((4L, StopReason.Diverged), (stopped.Steps, stopped.StoppedBecause)); // growth alone is not divergence here
        using var ignore = new Trainer(new TrainingPlan { Steps = 10, OnDivergence = Divergence.Ignore, CollectEvery = 0 });
        Assert.Equal(10, ignore.Run(_ => double.NaN).Steps);
    }

    [Fact]
    public void ASchedulesRateReachesTheOptimiserBeforeEachStep()
    {
        var p = zeros(3).requires_grad_(true);
        using var sgd = new Sgd([p], 1);
        var rates = new List<double>();
        using var trainer = new Trainer(new TrainingPlan { Steps = 3, LearningRate = i => 0.5 / (i + 1) });
        trainer.Run(step => { rates.Add(sgd.LearningRate); return 0; }, optimizers: sgd);
        Assert.Equal([0.5, 0.25, 0.5 / 3], rates);
    }

    [Fact]
    public void TheSeedMakesTheSameModelAndTheThreadsAreRestored()
    {
        int before = get_num_threads();
        float[] Draw()
        {
            using var trainer = new Trainer(new TrainingPlan { Steps = 0, Seed = 11, Threads = 1 });
            Assert.Equal(1, get_num_threads());
            return [.. rand(4).data<float>().ToArray(), trainer.Random.Next()];
        }
        Assert.Equal(Draw(), Draw());
        Assert.Equal(before, get_num_threads());
    }

    // A user's fixed count (the CLI's --threads) wins over the counts the library picks inside it, and every scope restores
    // what it found.
    [Fact]
    public void AFixedThreadCountHoldsInsideTheLibrarysOwnChoicesAndIsRestored()
    {
        int before = get_num_threads();
        int fixedCount = before == 3 ? 2 : 3; // neither the current count nor the library's 1
        var seen = new List<int>();
        using (LibtorchThreads.Fix(fixedCount))
        {
            seen.Add(get_num_threads());
            using (LibtorchThreads.One()) seen.Add(get_num_threads());
            using (new Trainer(new TrainingPlan { Steps = 0, Threads = 1 })) seen.Add(get_num_threads());
            seen.Add(get_num_threads());
        }
        seen.Add(get_num_threads());
        using (LibtorchThreads.One()) seen.Add(get_num_threads());
        Assert.Equal([fixedCount, fixedCount, fixedCount, fixedCount, before, 1], seen);
    }

    sealed class Recorder(List<ProgressReport> reports) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => reports.Add(value);
    }
}
