using System.Globalization;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Supervision;
using TorchSharp;

namespace NeuralLab.Bench;

/// <summary>
/// The 256² cameraman fitted from its Sobel gradient alone and from its 5-point Laplacian alone (SIREN Sec. 4.1),
/// with fit's defaults (SIREN 3×256, Adam 3e-4 cosine, batch 4096, 3000 steps), and value supervision given the
/// same wall-clock time as the gradient fit. PSNR of gradient fits is after the least-squares constant; of
/// Laplacian fits after the least-squares constant + plane (also shown: constant only, harmonic degree ≤ 4).
/// Usage: poisson [all|gradient|laplacian] [--steps N] [--lr X] [--batch B|full] [--image PATH] [--threads T]
/// </summary>
public sealed class PoissonBenchmark : IBenchmark
{
    public string Name => "poisson";

    public string Description => "256² cameraman from its gradient / Laplacian alone: PSNR after the constant (plane), time to 30 dB, value fit at equal time";

    public int Run(string[] args)
    {
        string mode = args.Length > 0 && !args[0].StartsWith("--") ? args[0] : "all";
        var options = new Dictionary<string, string>();
        for (int i = 0; i < args.Length - 1; i++)
            if (args[i].StartsWith("--")) options[args[i][2..]] = args[i + 1];
        torch.set_num_threads(int.Parse(options.GetValueOrDefault("threads", "2")));
        string image = options.GetValueOrDefault("image", "src/NeuralLab/Data/camera.png");
        var target = FieldImage.Load(File.Exists(image) ? image : null, channels: 1, size: 256);
        var config = FitDefaults.Config with
        {
            Steps = options.TryGetValue("steps", out var s) ? int.Parse(s) : FitDefaults.Config.Steps,
            LearningRate = options.TryGetValue("lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : FitDefaults.Config.LearningRate,
            Batch = options.TryGetValue("batch", out var b) ? (b == "full" ? null : int.Parse(b)) : FitDefaults.Config.Batch,
        };
        Console.WriteLine($"# poisson benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}");
        Console.WriteLine($"# {target.Width}×{target.Height}, SIREN {config.Architecture.Layers}×{config.Architecture.Hidden}, lr {config.LearningRate:G3} {config.Schedule}, batch {config.Batch?.ToString() ?? "full"}, {config.Steps} steps");
        Console.WriteLine("| supervision | steps | seconds | s/step | PSNR (dB) | after | 30 dB at | supervised rel. error |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var supervision in new[] { FieldSupervision.Gradient, FieldSupervision.Laplacian })
        {
            if (mode != "all" && !mode.Equals(supervision.ToString(), StringComparison.OrdinalIgnoreCase)) continue;
            var (metrics, fit) = FieldExperiment.Run(target, "cameraman", config with { Supervision = supervision }, output: null);
            var sup = metrics.Supervision!;
            string extra = supervision == FieldSupervision.Laplacian
                ? $" (constant only {sup.PsnrAfterConstant:F2}, harmonic ≤ 4: {sup.PsnrAfterHarmonicDegree4:F2})" : "";
            Console.WriteLine($"| {supervision.ToString().ToLowerInvariant()} | {fit.Steps} | {fit.Seconds:F1} | {fit.Seconds / fit.Steps:F4} | {metrics.Psnr:F2}{extra} | {sup.PsnrAfter} | " +
                              $"{(fit.FirstReaching(30) is { } r ? $"{r.Seconds:F1} s" : "—")} | {sup.SupervisedRelativeError:P1} |");
            double seconds = fit.Seconds;
            fit.Dispose();
            if (supervision == FieldSupervision.Gradient)
            {
                // Value supervision with the gradient fit's wall-clock budget (cancelled at that time; the trainer then evaluates once more).
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
                using var value = FieldTrainer.Fit(target, config, cancel: cancel.Token);
                Console.WriteLine($"| value, same time | {value.Steps} | {value.Seconds:F1} | {value.Seconds / Math.Max(1, value.Steps):F4} | {value.Psnr:F2} | none | " +
                                  $"{(value.FirstReaching(30) is { } v ? $"{v.Seconds:F1} s" : "—")} | — |");
            }
        }
        Console.WriteLine($"peak RSS {ProcessMemory.PeakRssBytes() / 1e6:F0} MB");
        return 0;
    }
}
