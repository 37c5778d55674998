using System.Text;

namespace NeuralLab.Recurrence;

/// <summary>The role of a node in the unrolled computation graph.</summary>
public enum GraphNodeKind
{
    /// <summary>An input x_t.</summary>
    Input,
    /// <summary>The weight w, shared by every step.</summary>
    Weight,
    /// <summary>The initial state h_0 = 0.</summary>
    Constant,
    /// <summary>y_t = x_t + h_{t−1}.</summary>
    Sum,
    /// <summary>A product with w.</summary>
    Product,
    /// <summary>σ applied.</summary>
    Activation,
    /// <summary>The network's output f = h_T.</summary>
    Output,
}

/// <param name="Id">ASCII identifier (x1, w, h0, y1, s1, z1, h1, f).</param>
/// <param name="Symbol">The quantity's name as printed (x₁, y₁, h₁).</param>
/// <param name="Label">What the node computes (y₁ = x₁ + h₀).</param>
/// <param name="Kind">Role in the graph.</param>
/// <param name="Step">Time step t, 0 for w and h_0, T+1 for the output.</param>
public sealed record GraphNode(string Id, string Symbol, string Label, GraphNodeKind Kind, int Step);

/// <summary>A dependency: the value of node <paramref name="To"/> is computed from node <paramref
/// name="From"/>.</summary>
/// <param name="From">Id of the input node.</param>
/// <param name="To">Id of the node computed from it.</param>
public sealed record GraphEdge(string From, string To);

/// <summary>
/// The RNN unrolled over T steps as a computation graph (homework 2.1, figure 1). It is recorded by
/// running the model's own <see cref="ScalarRnn.Step{T}"/> over graph nodes, so the figure shows
/// exactly the operations the network computes, w shared by all steps.
/// </summary>
public sealed class UnrolledGraph
{
    readonly List<GraphNode> _nodes = [];
    readonly List<GraphEdge> _edges = [];

    /// <summary>Every node: w and the inputs first, then each step's nodes in order, the output last.</summary>
    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>Every dependency between <see cref="Nodes"/>.</summary>
    public IReadOnlyList<GraphEdge> Edges => _edges;

    /// <summary>The network that was unrolled.</summary>
    public ScalarRnn Network { get; }

    /// <summary>Time steps T unrolled.</summary>
    public int Length { get; }

    UnrolledGraph(ScalarRnn network, int length)
    {
        Network = network;
        Length = length;
    }

    /// <summary>Longest unrolling drawn: beyond it the picture is unreadable.</summary>
    public const int MaxLength = 50;

    /// <summary>The computation graph of <paramref name="network"/> unrolled over <paramref name="length"/> steps,
    /// built by running the model's own step on graph nodes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">length is outside 1..<see cref="MaxLength"/>.</exception>
    public static UnrolledGraph Build(ScalarRnn network, int length)
    {
        if (length < 1 || length > MaxLength) throw new ArgumentOutOfRangeException(nameof(length), length, $"must be between 1 and {MaxLength}");
        var graph = new UnrolledGraph(network, length);
        var recorder = new Recorder(graph, network.Activation);
        var w = graph.Add("w", "w", "w", GraphNodeKind.Weight, 0);
        var x = Enumerable.Range(1, length).Select(t => graph.Add($"x{t}", $"x{Subscript(t)}", $"x{Subscript(t)}", GraphNodeKind.Input, t)).ToList();
        var states = network.Unroll(recorder, w, x);
        var output = graph.Add("f", "f", $"f = {states[^1].Symbol}", GraphNodeKind.Output, length + 1);
        graph._edges.Add(new(states[^1].Id, output.Id));
        return graph;
    }

    GraphNode Add(string id, string symbol, string label, GraphNodeKind kind, int step)
    {
        var node = new GraphNode(id, symbol, label, kind, step);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Digits as Unicode subscripts: x₁₂.</summary>
    public static string Subscript(int n) => string.Concat(n.ToString().Select(c => (char)('₀' + (c - '0'))));

    /// <summary>Graphviz DOT, laid out left to right in time.</summary>
    public string ToDot()
    {
        var dot = new StringBuilder();
        dot.AppendLine("digraph unrolled_rnn {");
        dot.AppendLine("  rankdir=LR;");
        dot.AppendLine($"  label=\"{Escape(Caption)}\"; labelloc=t; fontname=\"DejaVu Sans\";");
        dot.AppendLine("  node [fontname=\"DejaVu Sans\", fontsize=12, style=filled];");
        dot.AppendLine("  edge [color=\"#444444\"];");
        foreach (var n in _nodes)
        {
            var (shape, fill) = Style(n.Kind);
            dot.AppendLine($"  {n.Id} [label=\"{Escape(n.Label)}\", shape={shape}, fillcolor=\"{fill}\"];");
        }
        foreach (var e in _edges) dot.AppendLine($"  {e.From} -> {e.To};");
        dot.AppendLine("}");
        return dot.ToString();
    }

    /// <summary>One line saying which network this is.</summary>
    public string Caption
    {
        get
        {
            string sigma = Network.Activation.Symbol();
            string step = Network.IsLinear ? "hₜ = w·yₜ" : Network.Form == RnnForm.Outer ? $"hₜ = w·{sigma}(yₜ)" : $"hₜ = {sigma}(w·yₜ)";
            return $"Unrolled RNN, T = {Length}: yₜ = xₜ + hₜ₋₁, {step}, f = h{Subscript(Length)}";
        }
    }

    /// <summary>Shape and fill colour per kind, shared by the DOT output and the built-in renderer.</summary>
    public static (string Shape, string Fill) Style(GraphNodeKind kind) => kind switch
    {
        GraphNodeKind.Input => ("ellipse", "#dbeafe"),
        GraphNodeKind.Weight => ("ellipse", "#fde68a"),
        GraphNodeKind.Constant => ("box", "#e5e7eb"),
        GraphNodeKind.Sum => ("box", "#ffffff"),
        GraphNodeKind.Product => ("box", "#dcfce7"),
        GraphNodeKind.Activation => ("box", "#fce7f3"),
        GraphNodeKind.Output => ("doubleoctagon", "#fecaca"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>Runs the model's step over nodes: each operation becomes a node with edges from its operands.</summary>
    sealed class Recorder(UnrolledGraph graph, Activation sigma) : IRnnAlgebra<GraphNode>
    {
        public GraphNode Constant(double value, string name) =>
            graph.Add(name, Symbol(name), $"{Symbol(name)} = {value}", GraphNodeKind.Constant, StepOf(name));

        public GraphNode Add(GraphNode a, GraphNode b, string name) =>
            Operation(name, $"{a.Symbol} + {b.Symbol}", GraphNodeKind.Sum, a, b);

        public GraphNode Multiply(GraphNode a, GraphNode b, string name) =>
            Operation(name, $"{a.Symbol}·{b.Symbol}", GraphNodeKind.Product, a, b);

        public GraphNode Activate(Activation s, GraphNode a, string name) =>
            Operation(name, $"{sigma.Symbol()}({a.Symbol})", GraphNodeKind.Activation, a);

        GraphNode Operation(string name, string expression, GraphNodeKind kind, params GraphNode[] operands)
        {
            var node = graph.Add(name, Symbol(name), $"{Symbol(name)} = {expression}", kind, StepOf(name));
            foreach (var o in operands) graph._edges.Add(new(o.Id, node.Id));
            return node;
        }

        static string Symbol(string name) => $"{name[0]}{Subscript(StepOf(name))}";

        static int StepOf(string name) => int.Parse(name.AsSpan(1));
    }
}
