using System.CommandLine;
using NeuralLab.Recurrence;
using static NeuralLab.Cli.Commands.Bptt.BpttParsing;

namespace NeuralLab.Cli.Commands.Bptt;

/// <summary><c>neurallab bptt graph</c>: the unrolled computation graph (2.1) as DOT, SVG and PNG.</summary>
static class GraphCommand
{
    public sealed record GraphOutput(int T, string Activation, string Form, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, string? Renderer, IReadOnlyList<string> Files);

    public static Command Create()
    {
        var command = new Command("graph",
            "Draw the RNN unrolled over T steps (homework 2.1): the inputs x_t, the shared weight w, h_0, the sums y_t, " +
            "sigma, the states h_t and the output f. The graph is recorded by running the model's own step over graph nodes. " +
            "With --out DIR writes graph.dot, graph.svg and graph.png, rendered by Graphviz's dot when it is installed " +
            "(Debian package graphviz) and by a built-in layered layout otherwise; without --out prints the DOT text. " +
            "Example: neurallab bptt graph --T 3 --out figures");
        var length = new Option<int>("--T") { Description = $"Number of unrolled steps, 1 to {UnrolledGraph.MaxLength}.", DefaultValueFactory = _ => 3 };
        var activation = new Option<string>("--activation") { Description = "sigma: identity (no sigma node), tanh, relu or sigmoid.", DefaultValueFactory = _ => "tanh" };
        var form = new Option<string>("--form") { Description = "outer: h_t = w*sigma(y_t); inner: h_t = sigma(w*y_t).", DefaultValueFactory = _ => "outer" };
        var renderer = new Option<string>("--renderer") { Description = "auto (Graphviz if dot is on PATH, else built-in), graphviz (fail without it) or builtin.", DefaultValueFactory = _ => "auto" };
        command.Options.Add(length);
        command.Options.Add(activation);
        command.Options.Add(form);
        command.Options.Add(renderer);
        var common = new CommonOptions();
        common.AddTo(command);
        command.SetAction(parsed =>
        {
            var c = common.Read(parsed);
            var stdout = parsed.InvocationConfiguration.Output;
            var rnn = new ScalarRnn(1, ActivationFunctions.ParseActivation(parsed.GetValue(activation)), ActivationFunctions.ParseForm(parsed.GetValue(form)));
            var chosen = Renderer(parsed.GetValue(renderer));
            var graph = UnrolledGraph.Build(rnn, parsed.GetValue(length));
            if (chosen == GraphRenderer.Graphviz && c.Out != null && GraphFigure.FindDot() == null)
                throw new NeuralLab.Common.BadInputException("--renderer graphviz: Graphviz's 'dot' program is not on PATH (install the Debian package graphviz, or use --renderer builtin)");
            using var outDir = c.OpenOut();
            string? used = null;
            var files = new List<string>();
            if (outDir != null)
            {
                used = GraphFigure.Write(graph, outDir.PathFor("graph.dot"), outDir.PathFor("graph.svg"), outDir.PathFor("graph.png"), chosen).ToString().ToLowerInvariant();
                files.AddRange(outDir.Names.Select(outDir.FinalPath));
                outDir.Commit();
            }
            if (c.Json)
                c.EmitJson(stdout, new GraphOutput(graph.Length, rnn.Activation.Name(), rnn.Form.Name(), graph.Nodes, graph.Edges, used, files));
            else if (outDir == null)
                stdout.Write(graph.ToDot());
            else
            {
                stdout.WriteLine($"{graph.Caption}: {graph.Nodes.Count} nodes, {graph.Edges.Count} edges, rendered by {used}");
                foreach (var f in files) stdout.WriteLine($"  {f}");
            }
            return 0;
        });
        return command;
    }
}
