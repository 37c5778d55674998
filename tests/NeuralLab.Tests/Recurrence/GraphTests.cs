using System.Xml;
using System.Xml.Linq;
using NeuralLab.Common;
using NeuralLab.Recurrence;
using SkiaSharp;

namespace NeuralLab.Tests.Recurrence;

public class GraphTests
{
    static HashSet<string> EdgeSet(UnrolledGraph g) => g.Edges.Select(e => $"{e.From}->{e.To}").ToHashSet();

    [Fact]
    public void ThreeStepGraphOfTheOuterFormHasTheHomeworksNodesAndEdges()
    {
        var graph = UnrolledGraph.Build(new ScalarRnn(1, Activation.Tanh, RnnForm.Outer), 3);
        Assert.Equal(["w", "x1", "x2", "x3", "h0", "y1", "s1", "h1", "y2", "s2", "h2", "y3", "s3", "h3", "f"], graph.Nodes.Select(n => n.Id));
        var expected = new HashSet<string> { "h3->f" };
        for (int t = 1; t <= 3; t++)
        {
            expected.Add($"x{t}->y{t}");
            expected.Add($"h{t - 1}->y{t}");
            expected.Add($"y{t}->s{t}");
            expected.Add($"s{t}->h{t}");
            expected.Add($"w->h{t}"); // the shared weight feeds every step
        }
        Assert.Equal(expected, EdgeSet(graph));
        Assert.Equal(16, graph.Edges.Count);
        Assert.Equal("h₂ = w·s₂", graph.Nodes.Single(n => n.Id == "h2").Label);
    }

    [Fact]
    public void InnerAndLinearFormsUnrollToTheirOwnOperations()
    {
        var inner = UnrolledGraph.Build(new ScalarRnn(1, Activation.Sigmoid, RnnForm.Inner), 3);
        Assert.Contains("w->z2", EdgeSet(inner));
        Assert.Contains("z2->h2", EdgeSet(inner));
        Assert.Equal("h₂ = sigmoid(z₂)", inner.Nodes.Single(n => n.Id == "h2").Label);
        var linear = UnrolledGraph.Build(new ScalarRnn(1), 3);
        Assert.Equal(12, linear.Nodes.Count);   // no σ nodes: h_t = w·y_t
        Assert.Equal(13, linear.Edges.Count);
        Assert.Contains("y3->h3", EdgeSet(linear));
        string dot = linear.ToDot();
        Assert.Contains("w -> h3;", dot);
        Assert.Contains("h0 -> y1;", dot);
    }

    /// <summary>Node ids and edges read back from an SVG (Graphviz's or ours: both title each group).</summary>
    static (HashSet<string> Nodes, HashSet<string> Edges) ReadSvg(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var svg = XDocument.Load(reader);
        XNamespace ns = "http://www.w3.org/2000/svg";
        HashSet<string> Titles(string cls) => svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == cls)
            .Select(g => g.Element(ns + "title")!.Value.Trim()).ToHashSet();
        return (Titles("node"), Titles("edge"));
    }

    static void AssertRendered(TempDir dir, UnrolledGraph graph)
    {
        var (nodes, edges) = ReadSvg(dir.File("graph.svg"));
        Assert.Equal(graph.Nodes.Select(n => n.Id).ToHashSet(), nodes);
        Assert.Equal(EdgeSet(graph), edges);
        using var codec = SKCodec.Create(dir.File("graph.png"));
        Assert.NotNull(codec);
        using var bitmap = new SKBitmap(codec.Info);
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(codec.Info, bitmap.GetPixels()));
        Assert.True(codec.Info.Width > 400 && codec.Info.Height > 100);
        Assert.Contains("digraph unrolled_rnn", File.ReadAllText(dir.File("graph.dot")));
    }

    [Fact]
    public void BuiltinRendererDrawsEveryNodeAndEdge()
    {
        using var dir = new TempDir();
        var run = CliRunner.Succeeds("bptt", "graph", "--T", "3", "--renderer", "builtin", "--out", dir.Path, "--json");
        Assert.Contains("\"renderer\": \"builtin\"", run.Stdout);
        AssertRendered(dir, UnrolledGraph.Build(new ScalarRnn(1, Activation.Tanh), 3));
    }

    [Fact]
    public void GraphvizRendersTheSameGraphOrIsReportedMissing()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("bptt", "graph", "--T", "3", "--renderer", "graphviz", "--out", dir.Path);
        if (GraphFigure.FindDot() != null)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("rendered by graphviz", run.Stdout);
            AssertRendered(dir, UnrolledGraph.Build(new ScalarRnn(1, Activation.Tanh), 3));
        }
        else
        {
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("'dot' program is not on PATH", run.Stderr);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        }
    }

    [Fact]
    public void WithoutGraphvizOnPathAutoFallsBackAndGraphvizIsRefused()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        using var dir = new TempDir();
        try
        {
            Environment.SetEnvironmentVariable("PATH", dir.Path); // an empty directory: no dot anywhere
            Assert.Null(GraphFigure.FindDot());
            var auto = CliRunner.Succeeds("bptt", "graph", "--T", "3", "--out", dir.File("auto"));
            Assert.Contains("rendered by builtin", auto.Stdout);
            var refused = CliRunner.Run("bptt", "graph", "--T", "3", "--renderer", "graphviz", "--out", dir.File("refused"));
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("'dot' program is not on PATH", refused.Stderr);
            Assert.False(Directory.Exists(dir.File("refused")));
            // The library's own refusal (the command has no copy of it) comes before it writes anything.
            Assert.Throws<BadInputException>(() => GraphFigure.Write(UnrolledGraph.Build(new ScalarRnn(1), 3), dir.File("g.dot"), dir.File("g.svg"), dir.File("g.png"), GraphRenderer.Graphviz));
            Assert.False(File.Exists(dir.File("g.dot")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}
