
namespace NeuralLab.Tests.Residual;

public class ResnetCliTests
{
    [Fact]
    public void TrainPrintsOneJsonObjectPerWidthAndWritesFiguresAndCheckpoints()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        using var json = CliRunner.Json("resnet", "train", "--quick", "--channels", "2", "8", "--iterations", "30", "--json", "--out", outDir);
        var runs = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(new[] { 2, 8 }, runs.Select(e => e.GetProperty("channels").GetInt32()));
        foreach (var run in runs)
        {
            Assert.InRange(run.GetProperty("test_accuracy").GetDouble(), 0, 1);
            Assert.True(run.GetProperty("test_loss").GetDouble() > 0);
            Assert.True(run.GetProperty("seconds").GetDouble() > 0);
        }
        foreach (string file in new[] { "risk-curves-c2.png", "risk-curves-c8.png", "confusion-c8.png", "curves.csv", "results.json",
                     "checkpoints/resnet-c8.pt", "checkpoints/resnet-c8.json" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        Assert.Equal(1 + 2 * 2, File.ReadAllLines(Path.Combine(outDir, "curves.csv")).Length); // header, iterations 25 and 30 per C
    }

    [Fact]
    public void TrainWithoutJsonPrintsATable()
    {
        var r = CliRunner.Succeeds("resnet", "train", "--channels", "4", "--iterations", "5");
        Assert.Contains("test accuracy", r.Stdout);
        Assert.Contains("898 training and 899 test images", r.Stdout);
    }

    [Fact]
    public void TrainReadsGzippedMnistIdxFilesFoundByTheirNames()
    {
        using var dir = new TempDir();
        var random = new Random(3);
        var images = new byte[16 + 40 * 28 * 28];
        new[] { 0x803, 40, 28, 28 }.Select((v, i) => (v, i)).ToList()
            .ForEach(h => System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4 * h.i), h.v));
        random.NextBytes(images.AsSpan(16));
        var labels = new byte[8 + 40];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(labels, 0x801);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), 40);
        for (int i = 0; i < 40; i++) labels[8 + i] = (byte)(i % 10);
        foreach (var (name, bytes) in new[] { ("train-images-idx3-ubyte.gz", images), ("train-labels-idx1-ubyte.gz", labels) })
            using (var gz = new System.IO.Compression.GZipStream(File.Create(dir.File(name)), System.IO.Compression.CompressionLevel.Fastest))
                gz.Write(bytes);
        using var json = CliRunner.Json("resnet", "train", "--data", dir.File("train-images-idx3-ubyte.gz"), "--channels", "2", "--iterations", "3", "--batch", "8", "--json");
        Assert.Equal(20, json.RootElement[0].GetProperty("train_images").GetInt32());
        Assert.Equal(20, json.RootElement[0].GetProperty("test_images").GetInt32());
    }

    [Fact]
    public void BiasCheckReportsTheIssuesFieldsAndHolds()
    {
        using var json = CliRunner.Json("resnet", "bias-check", "--quick", "--channels", "4", "--steps", "8", "--json");
        var root = json.RootElement;
        Assert.True(root.GetProperty("holds").GetBoolean());
        Assert.True(root.GetProperty("max_output_difference").GetDouble() < 1e-9);
        Assert.True(root.GetProperty("max_bias_gradient").GetDouble() < 1e-9);
    }

    [Fact]
    public void TheBiasCheckControlDoesNotHold()
    {
        var r = CliRunner.Succeeds("resnet", "bias-check", "--channels", "4", "--steps", "3", "--placement", "after-norm");
        Assert.Contains("does not hold", r.Stdout);
    }

    [Theory]
    [InlineData("bad.csv", "row 2", "train", "--data", "{bad}")]
    [InlineData("bad.csv", "row 2", "bias-check", "--data", "{bad}")]
    [InlineData("missing.csv", "does not exist", "train", "--data", "{dir}/missing.csv")]
    [InlineData("", "--channels 0", "train", "--channels", "0")]
    [InlineData("", "--iterations 0", "train", "--iterations", "0")]
    [InlineData("", "--threads 0", "train", "--threads", "0")]
    [InlineData("", "--labels goes with", "train", "--labels", "x")]
    [InlineData("", "--steps 0", "bias-check", "--steps", "0")]
    [InlineData("", "after-norm", "bias-check", "--placement", "sideways")]
    public void BadInputExitsWithCodeTwoOneLineAndNoOutputFiles(string file, string message, params string[] args)
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.csv");
        File.WriteAllText(bad, string.Join(",", Enumerable.Repeat("1", 65)) + "\n" + string.Join(",", Enumerable.Repeat("1", 60)) + "\n");
        string outDir = dir.File("out");
        var full = new[] { "resnet" }.Concat(args.Select(a => a.Replace("{bad}", bad).Replace("{dir}", dir.Path)))
            .Concat(new[] { "--quick", "--out", outDir }).ToArray();
        var r = CliRunner.Run(full);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, r.Stderr);
        if (file != "") Assert.Contains(file, r.Stderr);
        Assert.Empty(r.Stdout);
        Assert.True(!Directory.Exists(outDir) || Directory.GetFileSystemEntries(outDir).Length == 0, "output files left behind");
    }
}
