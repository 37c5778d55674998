using System.Text.Json;
using NeuralLab.Expressivity;

namespace NeuralLab.Tests.Expressivity;

public class ReluCliTests
{
    [Fact]
    public void ApproxPrintsTheIssuesJsonAndWritesItsFiles()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        using var json = CliRunner.Json("relu", "approx", "x^2", "--eps", "1e-3", "--json", "--quick", "--adam-steps", "50", "--out", outDir);
        var root = json.RootElement;
        Assert.Equal(AdaptiveApproximator.UniformBoundForSquare(1e-3), root.GetProperty("units").GetInt32());
        Assert.True(root.GetProperty("max_error").GetDouble() <= 1e-3 + root.GetProperty("rounding_allowance").GetDouble());
        Assert.Equal(1e-3, root.GetProperty("eps").GetDouble());
        Assert.Equal([0.0, 1.0], root.GetProperty("domain").EnumerateArray().Select(e => e.GetDouble()));
        Assert.True(root.GetProperty("certified").GetBoolean());
        // x² is certified on the whole interval without asking: |f''| = 2.
        Assert.True(root.GetProperty("certified_on_interval").GetBoolean());
        Assert.Equal(2, root.GetProperty("curvature_bound").GetDouble());
        Assert.True(root.GetProperty("bound").GetDouble() <= 1e-3);
        Assert.Equal(50, root.GetProperty("adam").GetProperty("steps").GetInt32());
        Assert.Equal(["approx-error.png", "approx.png", "network.json"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order());

        // The weights file rebuilds the same network (oracle: x² itself, within the certified ε).
        using var weights = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "network.json")));
        double[] Read(string name) => weights.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        using var network = new ShallowNetwork(Read("w0"), Read("b0"), Read("w1"), weights.RootElement.GetProperty("b1").GetDouble());
        var xs = CurveFitting.Linspace(0, 1, 1001);
        var ys = network.Evaluate(xs);
        Assert.True(xs.Select((x, i) => Math.Abs(ys[i] - x * x)).Max() <= 1e-3 * (1 + 1e-9));
    }

    [Fact]
    public void ApproxAcceptsANegativeDomainAndPrintsATable()
    {
        var run = CliRunner.Succeeds("relu", "approx", "tanh(50*x)", "--eps", "1e-2", "--domain", "-1,1", "--adam-steps", "0");
        Assert.Contains("f(x) = tanh(50*x) on [-1, 1]", run.Stdout);
        Assert.Contains("certified", run.Stdout);
    }

    [Fact]
    public void ApproxCertifiesTheWholeIntervalOnlyWithACurvatureBound()
    {
        // Without a bound on |f''| the check covers its own points only; with M = 36 ≥ |(sin 6x)''| it covers [0, 1].
        var pointsOnly = JsonDocument.Parse(CliRunner.Run("relu", "approx", "sin(6*x)", "--eps", "1e-3", "--json").Stdout).RootElement;
        Assert.True(pointsOnly.GetProperty("certified").GetBoolean());
        Assert.False(pointsOnly.GetProperty("certified_on_interval").GetBoolean());
        Assert.Equal(JsonValueKind.Null, pointsOnly.GetProperty("bound").ValueKind);

        var run = CliRunner.Run("relu", "approx", "sin(6*x)", "--eps", "1e-3", "--curvature", "36", "--json");
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(root.GetProperty("certified_on_interval").GetBoolean(), run.ToString());
        double bound = root.GetProperty("bound").GetDouble();
        Assert.True(bound <= 1e-3);
        // The check's points are not the construction's: it has its own count, and its max error is at most the bound.
        Assert.NotEqual(root.GetProperty("grid_points").GetInt32(), root.GetProperty("check_points").GetInt32());
        Assert.True(root.GetProperty("max_error").GetDouble() <= bound);
    }

    [Theory]
    [InlineData("x*(", "1e-3", "0,1", "cannot parse formula 'x*('")]
    [InlineData("x + y", "1e-3", "0,1", "unknown variable 'y'")]
    [InlineData("log(x)", "1e-3", "0,1", "not finite at x = 0")]
    [InlineData("1/(x - 0.25)", "1e-3", "0,1", "not finite at x = 0.25")]
    [InlineData("x^2", "0", "0,1", "--eps 0: must be a positive number")]
    [InlineData("x^2", "-0.1", "0,1", "--eps -0.1: must be a positive number")]
    [InlineData("x^2", "abc", "0,1", "--eps")]
    [InlineData("x^2", "1e-3", "1,1", "--domain 1,1: needs a < b")]
    [InlineData("x^2", "1e-3", "2,1", "--domain 2,1: needs a < b")]
    [InlineData("x^2", "1e-3", "0;1", "--domain 0;1: must be two finite numbers")]
    [InlineData("sign(x)", "1e-3", "-1,1", "cannot reach")]
    [InlineData("sin(6*x)", "1e-3", "0,1", "--curvature -1: the bound on |f''| must be a finite number ≥ 0", "--curvature", "-1")]
    public void BadInputIsOneLineExitTwoAndLeavesNoFiles(string expression, string eps, string domain, string message, params string[] more)
    {
        CliRunner.Refuses(message, ["relu", "approx", expression, "--eps", eps, "--domain", domain, "--adam-steps", "0", .. more]);
    }

    [Fact]
    [Trait("Speed", "Slow")]
    public void ConstructionsJsonHasEveryCheck()
    {
        using var json = CliRunner.Json("relu", "constructions", "--json", "--quick");
        var rows = json.RootElement.GetProperty("constructions").EnumerateArray().ToArray();
        Assert.Equal(["1.1", "1.2", "1.3", "1.4"], rows.Select(r => r.GetProperty("id").GetString()).Distinct());
        bool Exact(string id, string role) => rows.Where(r => r.GetProperty("id").GetString() == id && r.GetProperty("role").GetString() == role)
            .All(r => r.GetProperty("exact").GetBoolean());
        // The solution's weights compute its targets x, m·x + b and b (sigmoid); 1.4's stated vectors miss the hat its f1 + f2 + f3 draws.
        Assert.True(Exact("1.1", "stated") && Exact("1.2", "stated") && Exact("1.3", "stated") && Exact("1.4", "f1+f2+f3"));
        Assert.False(Exact("1.4", "stated"));
        // The same checks the report runs, with their verdicts.
        var claims = json.RootElement.GetProperty("claims").EnumerateArray().ToDictionary(c => c.GetProperty("claim").GetString()!, c => c.GetProperty("verdict").GetString());
        Assert.Equal(["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"], claims.Keys);
        Assert.Equal("holds with an error in the working", claims["1.4"]);
        Assert.Equal("holds", claims["1.1"]);
        var homogeneity = json.RootElement.GetProperty("homogeneity");
        Assert.True(homogeneity.GetProperty("max_relative_deviation").GetDouble() <= 1e-12);
        double bound = homogeneity.GetProperty("bound").GetProperty("mse").GetDouble();
        foreach (var t in homogeneity.GetProperty("trained").EnumerateArray().Where(t => !t.GetProperty("biases").GetBoolean()))
            Assert.True(t.GetProperty("final_mse").GetDouble() >= bound * (1 - 1e-9));
        Assert.NotEmpty(json.RootElement.GetProperty("outside_growth").EnumerateArray());
    }

    [Fact]
    [Trait("Speed", "Slow")]
    public void ConstructionsTablePrintsTheNumbers()
    {
        var run = CliRunner.Succeeds("relu", "constructions", "--quick");
        Assert.Contains("1.1-1.4", run.Stdout);
        Assert.Contains("holds with an error in the working", run.Stdout);
        Assert.Contains("1.5", run.Stdout);
        Assert.Contains("1.6", run.Stdout);
    }
}
