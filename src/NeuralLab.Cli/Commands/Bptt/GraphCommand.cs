using NeuralLab.Recurrence;
using static NeuralLab.Cli.Commands.Bptt.BpttParsing;

namespace NeuralLab.Cli.Commands.Bptt;

/// <summary><c>neurallab bptt graph</c>: the unrolled computation graph (2.1) as DOT, SVG and PNG.</summary>
sealed class GraphCommand() : NeuralLabCommand("graph", """
    Draw the RNN unrolled over T steps (homework 2.1): the inputs x_t, the shared weight w, h_0, the sums y_t,
    sigma, the states h_t and the output f. The graph is recorded by running the model's own step over graph
    nodes. With --out DIR writes graph.dot, graph.svg and graph.png, rendered by Graphviz's dot when it is
    installed (Debian package graphviz) and by a built-in layered layout otherwise; without --out prints the DOT
    text. Example: neurallab bptt graph --T 3 --out figures
    """)
{
    public sealed record GraphOutput(int T, string Activation, string Form, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, string? Renderer, IReadOnlyList<string> Files);

    readonly Option<int> _length = new("--T") { Description = $"Number of unrolled steps, 1 to {UnrolledGraph.MaxLength}.", DefaultValueFactory = _ => 3 };
    readonly Option<string> _activation = BpttOptions.Activation("sigma: identity (no sigma node), tanh, relu or sigmoid.", "tanh");
    readonly Option<string> _form = BpttOptions.Form();
    readonly Option<string> _renderer = new("--renderer") { Description = "auto (Graphviz if dot is on PATH, else built-in), graphviz (fail without it) or builtin.", DefaultValueFactory = _ => "auto" };

    protected override IEnumerable<Symbol> Symbols => [_length, _activation, _form, _renderer];

    /// <summary>The graph is recorded over graph nodes, not tensors: no libtorch work, no --threads.</summary>
    protected override string? ThreadsDefault => null;

    protected override Outcome Execute(CommandContext c)
    {
        var rnn = new ScalarRnn(1, ActivationFunctions.ParseActivation(c.Get(_activation)), ActivationFunctions.ParseForm(c.Get(_form)));
        var chosen = Renderer(c.Get(_renderer));
        var graph = UnrolledGraph.Build(rnn, c.Get(_length));
        var outDir = c.OpenOutput();
        string? used = outDir == null ? null
            : GraphFigure.Write(graph, outDir.PathFor("graph.dot"), outDir.PathFor("graph.svg"), outDir.PathFor("graph.png"), chosen).ToString().ToLowerInvariant();
        var files = c.Written;
        return new Outcome(new GraphOutput(graph.Length, rnn.Activation.Name(), rnn.Form.Name(), graph.Nodes, graph.Edges, used, files), o =>
        {
            if (outDir == null)
            {
                o.Write(graph.ToDot());
                return;
            }
            o.WriteLine($"{graph.Caption}: {graph.Nodes.Count} nodes, {graph.Edges.Count} edges, rendered by {used}");
            foreach (var f in files) o.WriteLine($"  {f}");
        });
    }
}
