using NeuralLab.Residual;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Residual;

[Trait("Speed", "Slow")]
public class TrainingTests
{
    static (DigitsData Train, DigitsData Test) Subset() => DigitsSplits.Small(seed: 1, trainImages: 400, testImages: 300);

    [Fact]
    public void AShortRunOnASubsetLearnsWellAboveChance()
    {
        var (train, test) = Subset();
        var r = ResNetTraining.Train(train, test, new ResNetTrainingOptions { Channels = 16, Iterations = 150, BatchSize = 64, Seed = 2 });
        Assert.True(r.TestAccuracy > 0.6, $"accuracy {r.TestAccuracy} (chance 0.1)");
        Assert.True(r.Curve[^1].TestLoss < r.Curve[0].TestLoss);
        Assert.Equal(test.Count, r.ConfusionMatrix.Sum(row => row.Sum()));
        double diagonal = Enumerable.Range(0, 10).Sum(i => r.ConfusionMatrix[i][i]);
        Assert.Equal(r.TestAccuracy, diagonal / test.Count, 12);
    }

    [Fact]
    public void TrainingIsDeterministicForASeedAndRecordsRisksEvery25Iterations()
    {
        var (train, test) = Subset();
        var options = new ResNetTrainingOptions { Channels = 8, Iterations = 60, BatchSize = 32, Seed = 4 };
        var first = ResNetTraining.Train(train, test, options);
        var again = ResNetTraining.Train(train, test, options);
        var other = ResNetTraining.Train(train, test, options with { Seed = 5 });
        Assert.Equal(new[] { 25, 50, 60 }, first.Curve.Select(p => p.Iteration));
        Assert.Equal(first.Curve, again.Curve);
        Assert.Equal(first.TestLoss, again.TestLoss);
        Assert.NotEqual(first.Curve, other.Curve);
    }

    [Fact]
    public void ACheckpointReloadsToTheSameEvaluationAndEvalModeIsBatchIndependent()
    {
        var (train, test) = Subset();
        using var dir = new TempDir();
        string path = dir.File("resnet.pt");
        int saved = 0;
        var options = new ResNetTrainingOptions { Channels = 8, Iterations = 40, BatchSize = 32, CheckpointEvery = 20, Seed = 6 };
        var result = ResNetTraining.Train(train, test, options, checkpoint: (iteration, model) =>
        {
            saved++;
            ResNetCheckpoint.Save(model, new CheckpointInfo(8, 10, ConvBias.None, iteration, 40, 32, 0.1, 6, "test"), path);
        });
        Assert.Equal(2, saved); // at 20 and at the end
        var (loaded, info) = ResNetCheckpoint.Load(path);
        using (loaded)
        using (var tensors = LabelledTensors.From(test))
        {
            Assert.Equal(40, info.Iteration);
            var evaluation = ResNetTraining.Evaluate(loaded, tensors);
            Assert.Equal(result.TestAccuracy, evaluation.Accuracy);
            Assert.Equal(result.TestLoss, evaluation.Loss, 6);
            // With running statistics each image's logits do not depend on its batch mates (train mode would).
            using var scope = NewDisposeScope();
            loaded.eval();
            using var noGrad = no_grad();
            var together = loaded.call(tensors.Images[..5]);
            var alone = cat(Enumerable.Range(0, 5).Select(i => loaded.call(tensors.Images[i..(i + 1)])).ToArray(), 0);
            Assert.True((together - alone).abs().max().item<float>() < 1e-5);
        }
    }

    [Fact]
    public void TrainingLeavesNoLiveTensorsBehind()
    {
        var (train, test) = Subset();
        long Growth(int iterations)
        {
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            ResNetTraining.Train(train, test, new ResNetTrainingOptions { Channels = 4, Iterations = iterations, BatchSize = 32 });
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        Growth(10); // first use creates the cached tap indices of SmallMapConvolution
        Assert.Equal(0, Growth(20));
        Assert.Equal(0, Growth(60));
    }

    [Fact]
    public void BadTrainingOptionsAreRejected()
    {
        var (train, test) = Subset();
        foreach (var options in new[]
        {
            new ResNetTrainingOptions { Channels = 0 },
            new ResNetTrainingOptions { Iterations = 0 },
            new ResNetTrainingOptions { BatchSize = 1 },
            new ResNetTrainingOptions { LearningRate = double.NaN },
            new ResNetTrainingOptions { Threads = 0 },
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ResNetTraining.Train(train, test, options));
            // The one property the options set apart from the defaults is the one named (the CLI turns it into the flag).
            Assert.Equal(Changed(options), e.ParamName);
        }

        static string Changed(ResNetTrainingOptions options) =>
            typeof(ResNetTrainingOptions).GetProperties().Single(p => !Equals(p.GetValue(options), p.GetValue(new ResNetTrainingOptions()))).Name;
    }
}
