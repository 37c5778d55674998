using NeuralLab.NeuralFields;
using SkiaSharp;

namespace NeuralLab.Tests.NeuralFields;

public class FitCommandTests
{
    static readonly string[] Tiny = ["--quick", "--size", "32", "--hidden", "32", "--layers", "1", "--steps", "20"];

    [Fact]
    public void QuickFitWritesEveryOutputAndJson()
    {
        using var dir = new TempDir();
        using var json = CliRunner.Json(["fit", .. Tiny, "--json", "--out", dir.Path]);
        var root = json.RootElement;
        foreach (var key in new[] { "psnr", "steps", "seconds", "activation", "laplacian_abs_mean" })
            Assert.True(root.TryGetProperty(key, out _), key);
        Assert.Equal("sine", root.GetProperty("activation").GetString());
        Assert.Equal(20, root.GetProperty("steps").GetInt32());
        foreach (var name in FieldExperiment.OutputFiles) Assert.True(File.Exists(Path.Combine(dir.Path, name)), name);
        Assert.DoesNotContain(Directory.GetDirectories(dir.Path), d => Path.GetFileName(d).StartsWith(".neurallab-staging"));

        var render = CliRunner.Succeeds("render", dir.Path, "--size", "128", "--what", "laplacian", "--out", dir.File("lap.png"));
        using var bitmap = SKBitmap.Decode(dir.File("lap.png"));
        Assert.Equal((128, 128), (bitmap.Width, bitmap.Height));
        CliRunner.AssertRefused(CliRunner.Run("render", dir.Path, "--size", "4097", "--out", dir.File("huge.png")), "--size 4097: draws 4097×4097");
        Assert.False(File.Exists(dir.File("huge.png")));
    }

    [Fact]
    public void PresetIsOverriddenByFlags()
    {
        using var json = CliRunner.Json(["fit", "--preset", "relu", .. Tiny, "--json"]);
        Assert.Equal("relu", json.RootElement.GetProperty("activation").GetString());
        Assert.Equal(0.001, json.RootElement.GetProperty("learning_rate").GetDouble());
        Assert.Equal("64", json.RootElement.GetProperty("batch").GetString());
        Assert.Equal(20, json.RootElement.GetProperty("steps").GetInt32()); // --steps overrides the preset's epochs
    }

    public static TheoryData<string, string[], string> BadInputs()
    {
        var data = new TheoryData<string, string[], string>
        {
            { "missing file", ["fit", "{dir}/nope.png"], "does not exist" },
            { "not an image", ["fit", "{dir}/text.png"], "not an image" },
            { "truncated image", ["fit", "{dir}/cut.png"], "corrupt or truncated" },
            { "empty image", ["fit", "{dir}/empty.png"], "empty" },
            { "over the pixel budget", ["fit", "--max-pixels", "1000"], "--max-pixels" },
            { "unknown activation", ["fit", "--activation", "swish"], "unknown activation 'swish'" },
            { "unknown preset", ["fit", "--preset", "gelu"], "unknown preset 'gelu'" },
            { "zero steps", ["fit", "--steps", "0"], "--steps 0: must be positive" },
            { "negative epochs", ["fit", "--epochs", "-2"], "--epochs -2: must be positive" },
            { "zero hidden", ["fit", "--hidden", "0"], "--hidden 0: must be positive" },
            { "zero size", ["fit", "--size", "0"], "--size 0: must be positive" },
            { "two channels", ["fit", "--channels", "2"], "--channels 2: must be 1 or 3" },
            { "zero memory budget", ["fit", "--max-memory", "0"], "--max-memory 0: must be a positive number of GiB" },
            { "over the memory budget", ["fit", "--size", "512", "--hidden", "4096", "--batch", "full", "--max-memory", "0.01"], "--max-memory: " },
            { "zero batch", ["fit", "--batch", "0"], "--batch 0: must be positive" },
            { "word batch", ["fit", "--batch", "many"], "--batch must be" },
            { "zero learning rate", ["fit", "--lr", "0"], "--lr 0: must be positive" },
            { "negative learning rate", ["fit", "--lr", "-1e-3"], "--lr -0.001: must be positive" },
            { "unwritable output", ["fit", "--out", "{dir}/text.png/sub"], "cannot write" },
            { "checkpoint not ours", ["render", "{dir}/text.png"], "not a NeuralLab field checkpoint" },
            { "checkpoint directory not ours", ["render", "{dir}"], "not a NeuralLab field checkpoint" },
            { "unknown render kind", ["render", "{dir}", "--what", "hessian"], "--what hessian: unknown map" },
            { "zero render size", ["render", "{dir}", "--size", "0"], "--size 0: must be positive" },
            { "non-numeric flag", ["fit", "--steps", "ten"], "ten" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputGetsOneLineAndExitCodeTwoAndNoOutput(string why, string[] args, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("text.png"), "this is not a picture");
        File.WriteAllBytes(dir.File("empty.png"), []);
        using (var camera = FieldImage.OpenDefault())
        {
            var bytes = new byte[3000];
            camera.ReadExactly(bytes);
            File.WriteAllBytes(dir.File("cut.png"), bytes);
        }
        var before = Directory.GetFileSystemEntries(dir.Path).Order().ToArray();
        string outDir = dir.File("out");
        var full = args.Select(a => a.Replace("{dir}", dir.Path)).ToList();
        if (!full.Contains("--out") && full[0] == "fit") full.AddRange(["--out", outDir]);
        if (full[0] == "fit")
        {
            if (!full.Contains("--quick")) full.Add("--quick");
            for (int i = 1; i < Tiny.Length; i += 2)
                if (!full.Contains(Tiny[i]) && !(Tiny[i] == "--steps" && full.Contains("--epochs"))) full.AddRange([Tiny[i], Tiny[i + 1]]);
        }
        var result = CliRunner.Run([.. full]);
        Assert.True(result.ExitCode == 2, $"{why}: {result}");
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, result.Stderr);
        Assert.Equal(before, Directory.GetFileSystemEntries(dir.Path).Order().ToArray()); // nothing written, not even --out
    }
}
