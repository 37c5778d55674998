namespace NeuralLab.Recurrence;

internal readonly record struct Point2(double X, double Y);

/// <summary>A node's box, centred at (X, Y).</summary>
internal sealed record PlacedNode(GraphNode Node, double X, double Y, double Width, double Height);

/// <summary>An edge as a polyline from the source's centre through bend points to the target's centre.</summary>
internal sealed record RoutedEdge(GraphEdge Edge, IReadOnlyList<Point2> Points);

internal sealed record GraphLayout(double Width, double Height, IReadOnlyList<PlacedNode> Nodes, IReadOnlyList<RoutedEdge> Edges);

/// <summary>
/// A small Sugiyama-style layered layout (Sugiyama, Tagawa &amp; Toda 1981), used when Graphviz is not
/// installed: layers from longest paths (sources pulled next to their first consumer, so x_t sits
/// beside y_t), virtual nodes on edges that span layers (w feeds every h_t), barycentre sweeps to
/// reduce crossings, then a few relaxation passes that pull each node towards its neighbours.
/// Layers run left to right, like Graphviz's rankdir=LR.
/// </summary>
internal static class LayeredLayout
{
    const double LayerGap = 48, NodeGap = 22, Margin = 24, TitleHeight = 30;

    public static GraphLayout Compute(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges, Func<GraphNode, (double Width, double Height)> size)
    {
        var ids = nodes.Select(n => n.Id).ToList();
        var successors = ids.ToDictionary(id => id, _ => new List<string>());
        var predecessors = ids.ToDictionary(id => id, _ => new List<string>());
        foreach (var e in edges)
        {
            successors[e.From].Add(e.To);
            predecessors[e.To].Add(e.From);
        }

        var layer = AssignLayers(ids, successors, predecessors);

        // Virtual nodes: every edge then joins adjacent layers, and long edges get bend points.
        var chains = new List<(GraphEdge Edge, List<string> Path)>();
        var virtualLayer = new Dictionary<string, int>(layer);
        var up = ids.ToDictionary(id => id, _ => new List<string>());
        var down = ids.ToDictionary(id => id, _ => new List<string>());
        int counter = 0;
        foreach (var e in edges)
        {
            var path = new List<string> { e.From };
            for (int l = layer[e.From] + 1; l < layer[e.To]; l++)
            {
                string v = $"virtual{counter++}";
                virtualLayer[v] = l;
                up[v] = [];
                down[v] = [];
                path.Add(v);
            }
            path.Add(e.To);
            for (int i = 0; i + 1 < path.Count; i++)
            {
                down[path[i]].Add(path[i + 1]);
                up[path[i + 1]].Add(path[i]);
            }
            chains.Add((e, path));
        }

        int layerCount = virtualLayer.Values.Max() + 1;
        var order = Enumerable.Range(0, layerCount).Select(_ => new List<string>()).ToList();
        foreach (var (id, l) in virtualLayer.OrderBy(p => p.Key.StartsWith("virtual") ? 1 : 0).ThenBy(p => ids.IndexOf(p.Key))) order[l].Add(id);
        OrderByBarycentre(order, up, down);

        var sizes = nodes.ToDictionary(n => n.Id, size);
        (double W, double H) SizeOf(string id) => sizes.TryGetValue(id, out var s) ? s : (0, 0);
        var x = new double[layerCount];
        double cursor = Margin;
        for (int l = 0; l < layerCount; l++)
        {
            double width = order[l].Max(id => SizeOf(id).W);
            x[l] = cursor + width / 2;
            cursor += width + LayerGap;
        }

        var y = PlaceVertically(order, up, down, SizeOf);
        double top = order.SelectMany(o => o).Min(id => y[id] - SizeOf(id).H / 2);
        double bottom = order.SelectMany(o => o).Max(id => y[id] + SizeOf(id).H / 2);
        double shift = Margin + TitleHeight - top;

        var placed = nodes.Select(n => new PlacedNode(n, x[virtualLayer[n.Id]], y[n.Id] + shift, SizeOf(n.Id).W, SizeOf(n.Id).H)).ToList();
        var routed = chains.Select(c => new RoutedEdge(c.Edge, c.Path.Select(id => new Point2(x[virtualLayer[id]], y[id] + shift)).ToList())).ToList();
        return new GraphLayout(cursor - LayerGap + Margin, bottom - top + 2 * Margin + TitleHeight, placed, routed);
    }

    /// <summary>Longest-path layers; a source sits one layer before its earliest consumer.</summary>
    static Dictionary<string, int> AssignLayers(List<string> ids, Dictionary<string, List<string>> successors, Dictionary<string, List<string>> predecessors)
    {
        var layer = new Dictionary<string, int>();
        var indegree = ids.ToDictionary(id => id, id => predecessors[id].Count);
        var ready = new Queue<string>(ids.Where(id => indegree[id] == 0));
        var topological = new List<string>();
        while (ready.Count > 0)
        {
            var id = ready.Dequeue();
            topological.Add(id);
            layer[id] = predecessors[id].Count == 0 ? 0 : predecessors[id].Max(p => layer[p]) + 1;
            foreach (var s in successors[id])
                if (--indegree[s] == 0) ready.Enqueue(s);
        }
        if (topological.Count != ids.Count) throw new InvalidOperationException("the computation graph has a cycle");
        foreach (var id in topological.Where(id => predecessors[id].Count == 0 && successors[id].Count > 0))
            layer[id] = successors[id].Min(s => layer[s]) - 1;
        return layer;
    }

    static void OrderByBarycentre(List<List<string>> order, Dictionary<string, List<string>> up, Dictionary<string, List<string>> down)
    {
        var position = new Dictionary<string, double>();
        void Index() { foreach (var layer in order) for (int i = 0; i < layer.Count; i++) position[layer[i]] = i; }
        Index();
        for (int sweep = 0; sweep < 8; sweep++)
        {
            bool downward = sweep % 2 == 0;
            var layers = downward ? Enumerable.Range(1, order.Count - 1) : Enumerable.Range(0, order.Count - 1).Reverse();
            foreach (int l in layers)
            {
                var neighbours = downward ? up : down;
                order[l] = [.. order[l].OrderBy(id => neighbours[id].Count == 0 ? position[id] : neighbours[id].Average(n => position[n]))];
                for (int i = 0; i < order[l].Count; i++) position[order[l][i]] = i;
            }
        }
    }

    static Dictionary<string, double> PlaceVertically(List<List<string>> order, Dictionary<string, List<string>> up, Dictionary<string, List<string>> down, Func<string, (double W, double H)> size)
    {
        var y = new Dictionary<string, double>();
        foreach (var layer in order)
        {
            double cursor = 0;
            foreach (var id in layer)
            {
                double h = Math.Max(size(id).H, 1);
                y[id] = cursor + h / 2;
                cursor += h + NodeGap;
            }
        }
        // Relaxation: each node moves to the mean height of its neighbours, then the layer's order
        // and spacing are restored by pushing overlapping nodes apart.
        for (int pass = 0; pass < 20; pass++)
        {
            foreach (var layer in order)
            {
                var wanted = layer.Select(id =>
                {
                    var n = up[id].Concat(down[id]).ToList();
                    return n.Count == 0 ? y[id] : n.Average(m => y[m]);
                }).ToArray();
                for (int i = 0; i < layer.Count; i++) y[layer[i]] = wanted[i];
                for (int i = 1; i < layer.Count; i++)
                {
                    double min = y[layer[i - 1]] + (size(layer[i - 1]).H + size(layer[i]).H) / 2 + NodeGap;
                    if (y[layer[i]] < min) y[layer[i]] = min;
                }
                double drift = layer.Select((id, i) => y[id] - wanted[i]).Average();
                foreach (var id in layer) y[id] -= drift;
            }
        }
        return y;
    }
}
