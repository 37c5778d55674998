using System.Globalization;
using System.Security;
using System.Text;
using SkiaSharp;

namespace NeuralLab.Recurrence;

/// <summary>
/// Draws a <see cref="GraphLayout"/> as SVG text and as a PNG (SkiaSharp): the built-in renderer.
/// Node and edge groups carry class="node"/"edge" and a &lt;title&gt; with the id, as Graphviz's SVG
/// does, so both renderings can be read back the same way.
/// </summary>
internal static class GraphPainter
{
    const float FontSize = 13, PngScale = 2;

    /// <summary>DejaVu Sans has the subscript glyphs (x₁, hₜ₋₁); the file is tried first because the
    /// fontconfig-free SkiaSharp build used here may not resolve family names.</summary>
    static SKTypeface LoadTypeface()
    {
        foreach (var path in new[] { "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf" })
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } face) return face;
        return SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
    }

    static readonly Lazy<SKTypeface> Typeface = new(LoadTypeface);

    static SKFont NewFont() => new(Typeface.Value, FontSize);

    /// <summary>The box a node's label needs.</summary>
    public static (double Width, double Height) NodeSize(GraphNode node)
    {
        using var font = NewFont();
        double text = font.MeasureText(node.Label);
        return UnrolledGraph.Style(node.Kind).Shape == "ellipse" ? (text * 1.2 + 22, 36) : (text + 22, 32);
    }

    public static GraphLayout Layout(UnrolledGraph graph) => LayeredLayout.Compute(graph.Nodes, graph.Edges, NodeSize);

    public static string ToSvg(UnrolledGraph graph, GraphLayout layout)
    {
        var svg = new StringBuilder();
        svg.AppendLine(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{layout.Width:F0}\" height=\"{layout.Height:F0}\" viewBox=\"0 0 {layout.Width:F1} {layout.Height:F1}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"{FontSize}\">"));
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine(F($"<text x=\"{layout.Width / 2:F1}\" y=\"22\" text-anchor=\"middle\">{Xml(graph.Caption)}</text>"));
        var byId = layout.Nodes.ToDictionary(n => n.Node.Id);
        foreach (var edge in layout.Edges)
        {
            var (path, arrow) = EdgeGeometry(edge, byId);
            svg.AppendLine($"<g class=\"edge\"><title>{Xml($"{edge.Edge.From}->{edge.Edge.To}")}</title>");
            svg.Append("<path fill=\"none\" stroke=\"#444444\" d=\"");
            svg.Append(F($"M{path[0].X:F1},{path[0].Y:F1}"));
            for (int i = 1; i + 2 < path.Count; i += 3)
                svg.Append(F($" C{path[i].X:F1},{path[i].Y:F1} {path[i + 1].X:F1},{path[i + 1].Y:F1} {path[i + 2].X:F1},{path[i + 2].Y:F1}"));
            svg.AppendLine("\"/>");
            svg.AppendLine(F($"<polygon fill=\"#444444\" points=\"{string.Join(" ", arrow.Select(p => F($"{p.X:F1},{p.Y:F1}")))}\"/></g>"));
        }
        foreach (var n in layout.Nodes)
        {
            var (shape, fill) = UnrolledGraph.Style(n.Node.Kind);
            svg.AppendLine($"<g class=\"node\"><title>{Xml(n.Node.Id)}</title>");
            if (shape == "ellipse")
                svg.AppendLine(F($"<ellipse cx=\"{n.X:F1}\" cy=\"{n.Y:F1}\" rx=\"{n.Width / 2:F1}\" ry=\"{n.Height / 2:F1}\" fill=\"{fill}\" stroke=\"black\"/>"));
            else
            {
                svg.AppendLine(F($"<rect x=\"{n.X - n.Width / 2:F1}\" y=\"{n.Y - n.Height / 2:F1}\" width=\"{n.Width:F1}\" height=\"{n.Height:F1}\" rx=\"4\" fill=\"{fill}\" stroke=\"black\"/>"));
                if (shape != "box")
                    svg.AppendLine(F($"<rect x=\"{n.X - n.Width / 2 + 3:F1}\" y=\"{n.Y - n.Height / 2 + 3:F1}\" width=\"{n.Width - 6:F1}\" height=\"{n.Height - 6:F1}\" rx=\"3\" fill=\"none\" stroke=\"black\"/>"));
            }
            svg.AppendLine(F($"<text x=\"{n.X:F1}\" y=\"{n.Y + FontSize * 0.35:F1}\" text-anchor=\"middle\">{Xml(n.Node.Label)}</text></g>"));
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    public static void WritePng(UnrolledGraph graph, GraphLayout layout, string path)
    {
        var info = new SKImageInfo((int)Math.Ceiling(layout.Width * PngScale), (int)Math.Ceiling(layout.Height * PngScale));
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("SkiaSharp could not create a surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale(PngScale);
        using var font = NewFont();
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var line = new SKPaint { Color = SKColor.Parse("#444444"), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.2f };
        using var arrowFill = new SKPaint { Color = SKColor.Parse("#444444"), IsAntialias = true, Style = SKPaintStyle.Fill };
        using var border = new SKPaint { Color = SKColors.Black, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawText(graph.Caption, (float)layout.Width / 2, 22, SKTextAlign.Center, font, ink);
        var byId = layout.Nodes.ToDictionary(n => n.Node.Id);
        foreach (var edge in layout.Edges)
        {
            var (points, arrow) = EdgeGeometry(edge, byId);
            using var curve = new SKPath();
            curve.MoveTo(P(points[0]));
            for (int i = 1; i + 2 < points.Count; i += 3) curve.CubicTo(P(points[i]), P(points[i + 1]), P(points[i + 2]));
            canvas.DrawPath(curve, line);
            using var head = new SKPath();
            head.AddPoly([.. arrow.Select(P)], close: true);
            canvas.DrawPath(head, arrowFill);
        }
        foreach (var n in layout.Nodes)
        {
            var (shape, fill) = UnrolledGraph.Style(n.Node.Kind);
            using var paint = new SKPaint { Color = SKColor.Parse(fill), IsAntialias = true, Style = SKPaintStyle.Fill };
            var rect = SKRect.Create((float)(n.X - n.Width / 2), (float)(n.Y - n.Height / 2), (float)n.Width, (float)n.Height);
            if (shape == "ellipse")
            {
                canvas.DrawOval(rect, paint);
                canvas.DrawOval(rect, border);
            }
            else
            {
                canvas.DrawRoundRect(rect, 4, 4, paint);
                canvas.DrawRoundRect(rect, 4, 4, border);
                if (shape != "box")
                {
                    var inner = rect;
                    inner.Inflate(-3, -3);
                    canvas.DrawRoundRect(inner, 3, 3, border);
                }
            }
            canvas.DrawText(n.Node.Label, (float)n.X, (float)(n.Y + FontSize * 0.35), SKTextAlign.Center, font, ink);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>
    /// Cubic Bézier control points through the edge's bend points (Catmull–Rom tangents), clipped at
    /// both nodes' borders, and the arrowhead at the target.
    /// </summary>
    static (List<Point2> Curve, Point2[] Arrow) EdgeGeometry(RoutedEdge edge, Dictionary<string, PlacedNode> byId)
    {
        var pts = edge.Points.ToList();
        pts[0] = Border(byId[edge.Edge.From], pts[1]);
        pts[^1] = Border(byId[edge.Edge.To], pts[^2]);
        const double arrowLength = 9, arrowHalfWidth = 4;
        var end = pts[^1];
        var before = pts[^2];
        double dx = end.X - before.X, dy = end.Y - before.Y, length = Math.Max(Math.Sqrt(dx * dx + dy * dy), 1e-9);
        dx /= length;
        dy /= length;
        // The line stops where the arrowhead's base begins.
        pts[^1] = new(end.X - dx * arrowLength, end.Y - dy * arrowLength);
        var arrow = new[]
        {
            end,
            new Point2(pts[^1].X - dy * arrowHalfWidth, pts[^1].Y + dx * arrowHalfWidth),
            new Point2(pts[^1].X + dy * arrowHalfWidth, pts[^1].Y - dx * arrowHalfWidth),
        };
        var curve = new List<Point2> { pts[0] };
        for (int i = 0; i + 1 < pts.Count; i++)
        {
            var p0 = pts[Math.Max(i - 1, 0)];
            var p1 = pts[i];
            var p2 = pts[i + 1];
            var p3 = pts[Math.Min(i + 2, pts.Count - 1)];
            curve.Add(new(p1.X + (p2.X - p0.X) / 6, p1.Y + (p2.Y - p0.Y) / 6));
            curve.Add(new(p2.X - (p3.X - p1.X) / 6, p2.Y - (p3.Y - p1.Y) / 6));
            curve.Add(p2);
        }
        return (curve, arrow);
    }

    /// <summary>Where the ray from the node's centre towards <paramref name="towards"/> leaves its shape.</summary>
    static Point2 Border(PlacedNode n, Point2 towards)
    {
        double dx = towards.X - n.X, dy = towards.Y - n.Y;
        if (dx == 0 && dy == 0) return new(n.X, n.Y);
        double a = n.Width / 2, b = n.Height / 2;
        double t = UnrolledGraph.Style(n.Node.Kind).Shape == "ellipse"
            ? 1 / Math.Sqrt(dx * dx / (a * a) + dy * dy / (b * b))
            : Math.Min(dx == 0 ? double.MaxValue : a / Math.Abs(dx), dy == 0 ? double.MaxValue : b / Math.Abs(dy));
        return new(n.X + t * dx, n.Y + t * dy);
    }

    static SKPoint P(Point2 p) => new((float)p.X, (float)p.Y);

    static string Xml(string s) => SecurityElement.Escape(s) ?? "";

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
