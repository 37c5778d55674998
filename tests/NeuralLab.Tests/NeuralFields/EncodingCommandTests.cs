using System.Text.Json;

namespace NeuralLab.Tests.NeuralFields;

public class EncodingCommandTests
{
    static readonly string[] Tiny = ["--quick", "--size", "32", "--hidden", "16", "--steps", "10"];

    [Theory]
    [InlineData("grid", "silu")]
    [InlineData("fourier", "silu")]
    [InlineData("none", "sine")]
    public void FitReportsEncodingAndParametersAndRendersDerivatives(string encoding, string activation)
    {
        using var dir = new TempDir();
        using var json = CliRunner.Json(["fit", .. Tiny, "--encoding", encoding, "--channels", "3", "--max-parameters", "20000", "--json", "--out", dir.Path]);
        var root = json.RootElement;
        Assert.Equal(encoding, root.GetProperty("encoding").GetString());
        Assert.Equal(activation, root.GetProperty("activation").GetString());
        long parameters = root.GetProperty("parameters").GetInt64();
        Assert.InRange(parameters, 1, 20000);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("metrics.json"))))
            Assert.Equal(parameters, metrics.RootElement.GetProperty("parameters").GetInt64());
        var render = CliRunner.Succeeds("render", dir.Path, "--size", "48", "--what", "laplacian", "--out", dir.File("lap.png"));
    }

    public static TheoryData<string, string[], string> BadInputs() => new()
    {
        { "unknown encoding", ["fit", "--encoding", "wavelet"], "unknown --encoding 'wavelet'" },
        { "budget too small for a grid", ["fit", "--encoding", "grid", "--max-parameters", "100"], "--max-parameters 100: too small" },
        { "zero budget", ["fit", "--max-parameters", "0"], "--max-parameters 0: must be positive" },
        { "zero grid levels", ["fit", "--encoding", "grid", "--grid-levels", "0"], "--grid-levels 0: must be" },
        { "grid max below min", ["fit", "--encoding", "grid", "--grid-min", "64", "--grid-max", "8"], "--grid-max 8: must be at least the coarsest level's 64 cells" },
        { "negative Fourier scale", ["fit", "--encoding", "fourier", "--fourier-scale", "-1"], "--fourier-scale -1: must be positive" },
        // Another encoding's flag would be silently unused, its value never checked.
        { "Fourier flag without an encoding", ["fit", "--fourier-scale", "5"], "--fourier-scale is for --encoding fourier, not none" },
        { "grid flag with Fourier", ["fit", "--encoding", "fourier", "--grid-levels", "4"], "--grid-levels is for --encoding grid, not fourier" },
        { "Fourier flag on tiles without an encoding", ["tiles", "fit", "--fourier-features", "8", "--out", "{dir}/tiles"], "--fourier-features is for --encoding fourier, not none" },
        { "audio's sample bound on an image", ["fit", "--max-samples", "100"], "--max-samples is for audio" },
    };

    // The same contract as every other bad input of fit (one line, exit 2, nothing written).
    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadEncodingInputGetsOneLineAndExitCodeTwo(string why, string[] args, string expected) =>
        new FitCommandTests().BadInputGetsOneLineAndExitCodeTwoAndNoOutput(why, args, expected);
}
