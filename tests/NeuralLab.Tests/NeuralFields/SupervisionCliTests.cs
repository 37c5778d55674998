using System.Text.Json;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Supervision;
using SkiaSharp;

namespace NeuralLab.Tests.NeuralFields;

public class SupervisionCliTests
{
    static readonly string[] Tiny = ["--quick", "--size", "24", "--hidden", "32", "--layers", "1", "--steps", "20"];

    [Theory]
    [InlineData("gradient", "least-squares constant per channel")]
    [InlineData("laplacian", "constant + plane")]
    public void DerivativeSupervisedFitWritesFitsOutputsAndSaysWhatWasRemoved(string supervise, string alignment)
    {
        using var dir = new TempDir();
        var result = CliRunner.Succeeds(["fit", .. Tiny, "--supervise", supervise, "--json", "--out", dir.Path]);
        foreach (var name in FieldExperiment.OutputFiles) Assert.True(File.Exists(Path.Combine(dir.Path, name)), name);
        Assert.Equal(supervise == "laplacian", File.Exists(Path.Combine(dir.Path, SupervisedFit.AlignedReconstruction)));
        using var json = JsonDocument.Parse(result.Stdout);
        var s = json.RootElement.GetProperty("supervision");
        Assert.Equal(supervise, s.GetProperty("supervision").GetString());
        Assert.Contains(alignment, s.GetProperty("psnr_after").GetString());
        Assert.True(s.GetProperty("supervised_mse").GetDouble() > 0);
        // fit's default for gradient supervision adds the long-span differences (FitDefaults), and says so.
        if (supervise == "gradient") Assert.True(s.GetProperty("gradient_spans").GetBoolean());
        // The headline PSNR is after the stated alignment: at least the constant-only one.
        Assert.True(json.RootElement.GetProperty("psnr").GetDouble() >= s.GetProperty("psnr_after_constant").GetDouble() - 1e-9);
        // The constant is folded into the checkpoint: the checkpoint's config records the supervision.
        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "model.json")));
        Assert.Equal(supervise, model.RootElement.GetProperty("fit").GetProperty("supervision").GetString());
    }

    [Fact]
    public void GradientSpansCanBeTurnedOff()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run(["fit", .. Tiny, "--supervise", "gradient", "--gradient-spans", "off", "--json", "--out", dir.Path]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.False(json.RootElement.GetProperty("supervision").GetProperty("gradient_spans").GetBoolean());
    }

    [Theory]
    [InlineData("value")]
    [InlineData("laplacian")]
    public void GradientSpansWithoutGradientSupervisionAreRefused(string supervise)
    {
        CliRunner.Refuses("--gradient-spans is for --supervise gradient", ["fit", .. Tiny, "--supervise", supervise, "--gradient-spans", "on"]);
    }

    [Fact]
    public void UnknownSupervisionIsRefused()
    {
        var result = CliRunner.Run("fit", "--supervise", "hessian", "--steps", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--supervise: unknown supervision 'hessian'", result.Stderr);
    }

    static void WritePng(string path, int width, int height, Func<int, int, byte> gray)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = gray(x, y);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void BlendWritesCompositeBesideNaivePasteAndKeepsTheBaseOutside()
    {
        using var dir = new TempDir();
        // A dark base with a gentle ramp; a bright insert with stripes; a disc mask.
        WritePng(dir.File("base.png"), 32, 32, (x, _) => (byte)(40 + 2 * x));
        WritePng(dir.File("insert.png"), 12, 12, (x, _) => (byte)(x % 4 < 2 ? 200 : 240));
        WritePng(dir.File("mask.png"), 12, 12, (x, y) => (byte)((x - 5.5) * (x - 5.5) + (y - 5.5) * (y - 5.5) < 25 ? 255 : 0));
        string outDir = dir.File("out");
        var result = CliRunner.Succeeds("blend", dir.File("base.png"), dir.File("insert.png"), "--mask", dir.File("mask.png"), "--at", "10,8",
            "--size", "32", "--hidden", "32", "--layers", "1", "--steps", "150", "--json", "--out", outDir);
        foreach (var name in PoissonBlend.OutputFiles) Assert.True(File.Exists(Path.Combine(outDir, name)), name);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal((10, 8), (root.GetProperty("at_x").GetInt32(), root.GetProperty("at_y").GetInt32()));
        int maskPixels = root.GetProperty("mask_pixels").GetInt32();
        Assert.InRange(maskPixels, 60, 100); // a disc of radius 5 covers about 79 pixels
        // The naive paste is the base outside the mask and the insert inside, exactly.
        using var naive = SKBitmap.Decode(Path.Combine(outDir, "naive.png"));
        Assert.Equal(40 + 2 * 0, naive.GetPixel(0, 0).Red);
        Assert.Equal(200, naive.GetPixel(10 + 5, 8 + 5).Red);
    }

    [Theory]
    [InlineData("--at", "40,40", "outside")]
    [InlineData("--at", "-3,4", "--at -3,4: puts the 12×12 insert outside the 32×32 base")] // PoissonBlend's check, by name
    [InlineData("--at", "3", "--at must be")]
    [InlineData("--size", "0", "--size 0: must be positive")] // FieldImage.Load's checks, by name and against --max-pixels
    [InlineData("--size", "5000", "--size 5000 asks for 5000×5000 = 25,000,000 pixels, over the budget")]
    public void BlendRefusesBadPlacementsAndSizes(string option, string value, string expected)
    {
        using var dir = new TempDir();
        WritePng(dir.File("base.png"), 32, 32, (x, _) => (byte)x);
        WritePng(dir.File("insert.png"), 12, 12, (_, _) => 200);
        string[] size = option == "--size" ? [] : ["--size", "32"];
        var result = CliRunner.Run(["blend", dir.File("base.png"), dir.File("insert.png"), option, value, .. size, "--steps", "1", "--out", dir.File("out")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
