using System.Diagnostics;
using NeuralLab.Common;

namespace NeuralLab.Recurrence;

/// <summary>What lays out and draws the unrolled graph.</summary>
public enum GraphRenderer
{
    /// <summary>Graphviz when its dot program is on PATH, the built-in layout otherwise.</summary>
    Auto,
    /// <summary>Graphviz's dot; a <see cref="BadInputException"/> when it is not on PATH.</summary>
    Graphviz,
    /// <summary>The library's own layered layout (no external program).</summary>
    Builtin,
}

/// <summary>Writes the unrolled graph as DOT, SVG and PNG, rendered by Graphviz or by the built-in layout.</summary>
public static class GraphFigure
{
    /// <summary>The full path of Graphviz's dot on PATH, or null.</summary>
    public static string? FindDot()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "dot");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Writes <paramref name="dotPath"/>, <paramref name="svgPath"/> and <paramref name="pngPath"/>; returns the renderer used.</summary>
    public static GraphRenderer Write(UnrolledGraph graph, string dotPath, string svgPath, string pngPath, GraphRenderer renderer = GraphRenderer.Auto)
    {
        // Refused before anything is written, so that a refusal leaves no files.
        string? dot = renderer == GraphRenderer.Builtin ? null : FindDot();
        if (renderer == GraphRenderer.Graphviz && dot == null)
            throw new BadInputException("Graphviz was asked for but its 'dot' program is not on PATH (install the Debian package graphviz, or use --renderer builtin)");
        string dotSource = graph.ToDot();
        File.WriteAllText(dotPath, dotSource);
        if (dot != null)
        {
            RunDot(dot, dotSource, "svg", svgPath);
            RunDot(dot, dotSource, "png", pngPath);
            return GraphRenderer.Graphviz;
        }
        var layout = GraphPainter.Layout(graph);
        File.WriteAllText(svgPath, GraphPainter.ToSvg(graph, layout));
        GraphPainter.WritePng(graph, layout, pngPath);
        return GraphRenderer.Builtin;
    }

    static void RunDot(string dot, string source, string format, string outputPath)
    {
        var start = new ProcessStartInfo(dot)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"-T{format}");
        if (format == "png") start.ArgumentList.Add("-Gdpi=144");
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(outputPath);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dot}");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(source);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new InvalidOperationException("Graphviz dot did not finish within 60 s");
        }
        if (process.ExitCode != 0 || !File.Exists(outputPath))
            throw new InvalidOperationException($"Graphviz dot -T{format} failed (exit {process.ExitCode}): {errors.Result.Trim()}");
    }
}
