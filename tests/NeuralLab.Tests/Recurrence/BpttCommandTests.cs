using System.Text.Json;
using NeuralLab.Recurrence;
using SkiaSharp;

namespace NeuralLab.Tests.Recurrence;

public class BpttCommandTests
{
    [Fact]
    public void GradJsonHasTheIssuesShapeAndTheLinearCaseNumbers()
    {
        using var json = CliRunner.Json("bptt", "grad", "--w", "0.8", "--x", "1,-0.5,2", "--json");
        var root = json.RootElement;
        var h = root.GetProperty("h").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] expectedStates = [0.8 * 1, 0.8 * -0.5 + 0.64 * 1, 0.8 * 2 + 0.64 * -0.5 + 0.512 * 1];
        Assert.Equal(3, h.Length);
        for (int t = 0; t < 3; t++) Assert.True(GradientCheck.RelativeError(expectedStates[t], h[t]) < 1e-14);
        var dw = root.GetProperty("df_dw");
        double expected = 2 + 2 * 0.8 * -0.5 + 3 * 0.64 * 1; // 2.3: x3 + 2w x2 + 3w² x1
        foreach (var method in new[] { "autograd", "manual", "closed_form", "finite_difference" })
            Assert.True(GradientCheck.RelativeError(expected, dw.GetProperty(method).GetDouble()) < 1e-12, method);
        var recurrent = root.GetProperty("dhT_dh1");
        foreach (var method in new[] { "autograd", "manual", "closed_form", "finite_difference" })
            Assert.True(GradientCheck.RelativeError(0.64, recurrent.GetProperty(method).GetDouble()) < 1e-12, method);
        Assert.True(root.GetProperty("agree").GetBoolean());
    }

    [Fact]
    public void GradWithTanhHasNoClosedFormForTheWeightAndFlagsTheMisappliedFormula()
    {
        using var json = CliRunner.Json("bptt", "grad", "--w", "1.2", "--x=-0.3,0.9,0.4,-1", "--activation", "tanh", "--form", "inner", "--json");
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("df_dw").GetProperty("closed_form").ValueKind);
        var recurrent = json.RootElement.GetProperty("dhT_dh1");
        Assert.True(recurrent.GetProperty("inner_formula_relative_error").GetDouble() < 1e-12);
        Assert.True(recurrent.GetProperty("outer_formula_relative_error").GetDouble() > 1e-2);
        Assert.True(json.RootElement.GetProperty("agree").GetBoolean());
    }

    [Fact]
    public void GradPrintsATableWithoutJson()
    {
        var run = CliRunner.Succeeds("bptt", "grad", "--w", "0.5", "--x", "1,2", "--activation", "relu");
        Assert.Contains("dh_T/dh_1", run.Stdout);
        Assert.Contains("-> agree", run.Stdout);
    }

    [Theory]
    [InlineData("--x", "", "--x: the sequence is empty")]
    [InlineData("--x", "1,abc,3", "--x: element 2 'abc' is not a number")]
    [InlineData("--x", "1,,3", "--x: element 2 is empty")]
    [InlineData("--x", "1,NaN", "--x: element 2 must be finite")]
    [InlineData("--w", "nan", "--w NaN: the weight must be a finite number")] // ScalarRnn's check, by name
    [InlineData("--w", "-inf", "--w -Infinity: the weight must be a finite number")]
    [InlineData("--w", "heavy", "--w: 'heavy' is not a number")]
    [InlineData("--activation", "softplus", "--activation: unknown activation 'softplus'")]
    [InlineData("--form", "sideways", "--form: unknown form 'sideways'")]
    public void GradRejectsBadInputWithOneLineAndExitCode2(string flag, string value, string message)
    {
        var args = new List<string> { "bptt", "grad", "--w", "0.5", "--x", "1,2" };
        int at = args.IndexOf(flag);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([flag, value]);
        CliRunner.Refuses(message, [.. args]);
    }

    [Theory]
    [InlineData("graph", "--T", "0", "--T 0: must be between 1 and 50")]
    [InlineData("graph", "--T", "51", "--T 51: must be between 1 and 50")]
    [InlineData("graph", "--renderer", "tikz", "--renderer: unknown renderer 'tikz'")]
    [InlineData("sweep", "--lr", "-1", "--lr -1: must be positive")]
    [InlineData("sweep", "--truncate", "0", "--truncate 0: must be between 1")]
    [InlineData("sweep", "--max-T", "1", "--max-T 1: must be between 2")]
    [InlineData("sweep", "--train-T", "1", "--train-T 1: must be between 2")]
    [InlineData("sweep", "--survey-seeds", "1001", "--survey-seeds 1001: must be between 0")]
    [InlineData("sweep", "--train-activation", "softplus", "--train-activation: unknown activation 'softplus'")]
    [InlineData("sweep", "--w0", "inf", "--w0 Infinity: must be finite")] // RemedyTask.Validate's check, by name
    [InlineData("sweep", "--clip", "nan", "--clip NaN: must be positive and finite")]
    [InlineData("sweep", "--engine", "gpu", "--engine: unknown engine 'gpu'")]
    public void GraphAndSweepRejectBadInput(string sub, string flag, string value, string message)
    {
        CliRunner.Refuses(message, "bptt", sub, flag, value, "--quick");
    }

    [Fact]
    public void GraphWithoutOutPrintsDot()
    {
        var run = CliRunner.Succeeds("bptt", "graph", "--T", "2", "--activation", "identity");
        Assert.StartsWith("digraph unrolled_rnn {", run.Stdout);
        Assert.Contains("w -> h2;", run.Stdout);
    }

    [Fact]
    public void QuickSweepWritesThePlotsAndTablesAndRecoversLnAbsW()
    {
        using var dir = new TempDir();
        using var json = CliRunner.Json("bptt", "sweep", "--quick", "--survey-seeds", "4", "--out", dir.Path, "--json");
        var curves = json.RootElement.GetProperty("curves").EnumerateArray().ToList();
        Assert.Equal(10, curves.Count);
        foreach (var c in curves.Where(c => c.GetProperty("activation").GetString() == "identity"))
            Assert.Equal(c.GetProperty("log_abs_w").GetDouble(), c.GetProperty("slope").GetDouble(), 9);
        var remedies = json.RootElement.GetProperty("remedies").EnumerateArray().Select(r => r.GetProperty("remedy").GetString()!).ToArray();
        Assert.Equal(["none", "clipping", "truncation"], remedies);
        Assert.Equal(4, json.RootElement.GetProperty("survey")[0].GetProperty("runs").GetInt32());
        var sweepCsv = File.ReadAllLines(dir.File("sweep.csv"));
        Assert.Equal("activation,form,w,T,abs_dhT_dh1", sweepCsv[0]);
        Assert.Equal(1 + 10 * 200, sweepCsv.Length);
        Assert.Equal("remedy,step,loss,gradient_norm,w_after", File.ReadLines(dir.File("remedies.csv")).First());
        foreach (var png in new[] { "sweep.png", "remedies.png" })
        {
            using var codec = SKCodec.Create(dir.File(png));
            Assert.NotNull(codec);
        }
    }
}
