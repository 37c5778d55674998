
namespace NeuralLab.Tests.Attention;

public class AttentionCommandTests
{
    [Fact]
    public void CheckPrintsEveryClaimAsJsonAndWritesFigures()
    {
        using var dir = new TempDir();
        using var json = CliRunner.Json("attention", "check", "--quick", "--json", "--out", dir.Path);
        var claims = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["3.1", "3.2", "3.3", "3.4", "3.5"], claims.Select(c => c.GetProperty("claim").GetString()));
        Assert.All(claims, c => Assert.True(c.GetProperty("holds").GetBoolean()));
        // The same checks and verdict strings as the report.
        Assert.Equal("holds under a condition", claims[3].GetProperty("verdict").GetString());
        Assert.Equal("holds with an error in the working", claims[4].GetProperty("verdict").GetString());
        Assert.All(claims, c => Assert.NotEmpty(c.GetProperty("summary").GetString()!));
        Assert.All(claims, c => Assert.NotEmpty(c.GetProperty("criterion").GetString()!));
        Assert.True(claims[0].GetProperty("evidence").GetProperty("float32_gap_alpha_is_one").GetDouble() is > 16 and < 17.5);
        Assert.Equal(4, Directory.GetFiles(dir.Path, "*.png").Length);
    }

    [Fact]
    public void CheckPrintsATableWithoutJson()
    {
        var r = CliRunner.Succeeds("attention", "check", "--quick");
        Assert.Contains("holds under a condition", r.Stdout);
        Assert.Contains("summary: ", r.Stdout);
        Assert.Contains("float64_gap_alpha_is_one", r.Stdout);
    }

    [Fact]
    public void BenchReportsTheIssuesFieldsAndWritesThePlot()
    {
        using var dir = new TempDir();
        using var json = CliRunner.Json("attention", "bench", "--n", "128", "256", "--k", "32", "--repeats", "1", "--json", "--out", dir.Path);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([128, 256], rows.Select(x => x.GetProperty("n").GetInt32()));
        foreach (var row in rows)
        {
            Assert.Equal(64, row.GetProperty("d").GetInt32());
            Assert.Equal(32, row.GetProperty("k").GetInt32());
            Assert.True(row.GetProperty("full_seconds").GetDouble() > 0);
            Assert.True(row.GetProperty("lowrank_seconds").GetDouble() > 0);
            Assert.True(row.GetProperty("relative_error").GetDouble() is > 0 and < 1);
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, "attention_bench_time.png")));
    }

    // The settings name the offending property (AttentionBenchSettings.Validate); the CLI names its flag and value.
    [Theory]
    [InlineData("neurallab: --n 0: ", "--n", "0")]
    [InlineData("neurallab: --d 0: ", "--d", "0")]
    [InlineData("neurallab: --k 300: exceeds the sequence length n = 256", "--n", "256", "--k", "300")]
    [InlineData("neurallab: --repeats 0: ", "--repeats", "0")]
    public void BadBenchSettingsNameTheirFlagAndValue(string start, params string[] flags)
    {
        var r = CliRunner.Run(["attention", "bench", "--quick", .. flags]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith(start, r.Stderr);
    }

    [Theory]
    [InlineData("--n", "0")]
    [InlineData("--n", "-5")]
    [InlineData("--n", "256", "0")]
    [InlineData("--d", "0")]
    [InlineData("--k", "0")]
    [InlineData("--k", "-1")]
    [InlineData("--n", "256", "--k", "300")]
    [InlineData("--n", "abc")]
    [InlineData("--repeats", "0")]
    [InlineData("--threads", "-2")]
    public void BadBenchInputIsOneLineAndExitCodeTwoWithNoFiles(params string[] flags)
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        var r = CliRunner.Run(["attention", "bench", "--quick", "--out", outDir, .. flags]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("neurallab: ", r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "output left behind");
    }
}
