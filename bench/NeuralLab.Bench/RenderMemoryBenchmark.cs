using System.Diagnostics;
using NeuralLab.Common;
using NeuralLab.NeuralFields;

namespace NeuralLab.Bench;

/// <summary>
/// Issue 15's memory targets: peak RSS and time of rendering a 3×256 SIREN at growing sizes (field at 1024², 2048²,
/// 4096²: time should be linear in pixels and the peak flat; Laplacian at 1024² and 2048²). Peak RSS is the process's
/// VmHWM (ProcessMemory) after resetting it before each render, so it includes the process's baseline, as
/// /usr/bin/time's "maximum resident set size" does.
/// Usage: render-memory [--checkpoint DIR] [--sizes 1024,2048,4096] [--laplacian-sizes 1024,2048] [--threads 2]
/// </summary>
public sealed class RenderMemoryBenchmark() : Benchmark("render-memory",
    "peak RSS and time of rendering a 3×256 SIREN (field up to 4096², Laplacian up to 2048²): issue 15's targets")
{
    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        var sizes = options.GetValueOrDefault("sizes", "1024,2048,4096").Split(',').Select(int.Parse).ToArray();
        var laplacianSizes = options.GetValueOrDefault("laplacian-sizes", "1024,2048").Split(',').Select(int.Parse).ToArray();
        CoordinateMlp model = options.TryGetValue("checkpoint", out var checkpoint)
            ? FieldCheckpoint.Load(checkpoint).Model
            : new CoordinateMlp(new FieldArchitecture(FieldActivation.Sine, Hidden: 256, Layers: 3));
        using var _ = model;
        Console.WriteLine($"# {model.Architecture.Layers}×{model.Architecture.Hidden} {model.Architecture.Activation}, baseline RSS {ProcessMemory.CurrentRssBytes() / 1e6:F0} MB");
        Console.WriteLine("| what | size | pixels | seconds | Mpixels/s | peak RSS MB | target |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        string dir = Path.Combine(Path.GetTempPath(), "neurallab-render-memory-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (int size in sizes) Measure(model, "field", size, dir, size == 4096 ? "< 1000 MB" : "");
            foreach (int size in laplacianSizes) Measure(model, "laplacian", size, dir, size == 2048 ? "< 2000 MB" : "");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    static void Measure(CoordinateMlp model, string what, int size, string dir, string target)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ProcessMemory.ResetPeak();
        var clock = Stopwatch.StartNew();
        FieldRender.Save(model, size, size, what, Path.Combine(dir, $"{what}-{size}.png"), new ResourceBudget(long.MaxValue, double.MaxValue));
        double seconds = clock.Elapsed.TotalSeconds;
        double pixels = (double)size * size;
        Console.WriteLine($"| {what} | {size}² | {pixels:N0} | {seconds:F2} | {pixels / seconds / 1e6:F2} | {ProcessMemory.PeakRssBytes() / 1e6:F0} | {target} |");
    }
}
