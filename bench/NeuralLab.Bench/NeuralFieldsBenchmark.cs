using NeuralLab.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NeuralLab.NeuralFields;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Bench;

/// <summary>
/// SIREN on the 256×256 cameraman (camera.png reduced by an exact 2×2 box filter), 3×256 hidden, ω0 = 30:
/// throughput against the PyTorch peer in the same run, time to 30/35/40 dB with fit's defaults,
/// the derivative maps' time, and peak RSS (flat over a long run).
/// Usage: fields [all|throughput|quality|maps|soak] [--peer PATH] [--image PATH] [--steps N] [--lr X] [--batch B|full] [--schedule S] [--budget SECONDS]
/// </summary>
public sealed class NeuralFieldsBenchmark : IBenchmark
{
    public string Name => "fields";

    public string Description => "SIREN fit of the 256² cameraman: throughput vs the PyTorch peer, time to 30/35/40 dB, derivative maps, peak RSS";

    public int Run(string[] args)
    {
        string mode = args.Length > 0 && !args[0].StartsWith("--") ? args[0] : "all";
        var options = ParseOptions(args);
        string image = options.GetValueOrDefault("image", "src/NeuralLab/Data/camera.png");
        string peer = options.GetValueOrDefault("peer", "bench/peers/peer_siren_torch.py");
        torch.set_num_threads(int.Parse(options.GetValueOrDefault("threads", "2")));
        Console.WriteLine($"# fields benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}");
        var target = FieldImage.Load(File.Exists(image) ? image : null, channels: 1, size: 256);
        Console.WriteLine($"# image {(File.Exists(image) ? image : FieldImage.DefaultName)} → {target.Width}×{target.Height}");
        if (mode is "all" or "throughput") Throughput(target, image, peer, options);
        if (mode is "all" or "quality") Quality(target, options);
        if (mode is "all" or "maps") Maps(target);
        if (mode is "soak") Soak(target, options);
        Console.WriteLine($"peak RSS {ProcessMemory.PeakRssBytes() / 1e6:F0} MB");
        return 0;
    }

    static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (int i = 0; i < args.Length - 1; i++)
            if (args[i].StartsWith("--")) options[args[i][2..]] = args[i + 1];
        return options;
    }

    // Same protocol as the peer script: Adam at lr 1e-4, whole-image PSNR every 25 steps, timed over all of it.
    static void Throughput(FieldImage target, string imagePath, string peerScript, Dictionary<string, string> options)
    {
        Console.WriteLine("\n## throughput (pixels/s, training incl. a whole-image eval every 25 steps, as the peer does)");
        Console.WriteLine("| batch | steps | NeuralLab s/step | NeuralLab pixels/s | peer s/step | peer pixels/s | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (batch, steps) in new (int? Batch, int Steps)[] { (null, int.Parse(options.GetValueOrDefault("full-steps", "50"))), (4096, int.Parse(options.GetValueOrDefault("mini-steps", "500"))) })
        {
            var config = new FitConfig { Batch = batch, Steps = steps, LearningRate = 1e-4, EvalEvery = 25 };
            using (var warm = FieldTrainer.Fit(target, config with { Steps = 3 })) { }
            using var fit = FieldTrainer.Fit(target, config);
            double ours = fit.Seconds / fit.Steps;
            int pixels = batch ?? target.PixelCount;
            double? theirs = RunPeer(peerScript, imagePath, batch ?? 0, steps);
            string peerCols = theirs is double t ? $"{t:F4} | {pixels / t:N0} | {t / ours:F2}×" : "n/a | n/a | n/a";
            Console.WriteLine($"| {(batch is int b ? b.ToString() : "full")} | {steps} | {ours:F4} | {pixels / ours:N0} | {peerCols} |");
        }
    }

    static double? RunPeer(string script, string image, int batch, int steps)
    {
        if (!File.Exists(script) || !File.Exists("/usr/bin/python3")) { Console.WriteLine($"# peer {script} or /usr/bin/python3 missing"); return null; }
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, "--image", image, "--size", "256", "--steps", steps.ToString(), "--batch", batch.ToString(), "--threads", "2"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var match = Regex.Match(output, @"step_s ([0-9.]+)");
        if (!match.Success) { Console.WriteLine($"# peer failed: {errors.Split('\n').LastOrDefault(l => l.Length > 0)}"); return null; }
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    static void Quality(FieldImage target, Dictionary<string, string> options)
    {
        var defaults = FitDefaults.Config;
        var config = defaults with
        {
            LearningRate = options.TryGetValue("lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : defaults.LearningRate,
            Batch = options.TryGetValue("batch", out var b) ? (b == "full" ? null : int.Parse(b)) : defaults.Batch,
            Schedule = options.TryGetValue("schedule", out var s) ? Enum.Parse<LearningRateSchedule>(s, true) : defaults.Schedule,
            Steps = options.TryGetValue("steps", out var st) ? int.Parse(st) : defaults.Steps,
            Epochs = null,
            TargetPsnr = options.TryGetValue("target", out var tp) ? double.Parse(tp, CultureInfo.InvariantCulture) : 40,
            EvalEvery = options.TryGetValue("eval-every", out var ee) ? int.Parse(ee) : null,
        };
        Console.WriteLine($"\n## time to quality: lr {config.LearningRate:G3}, batch {config.Batch?.ToString() ?? "full"}, schedule {config.Schedule}, steps {config.Steps}");
        var last = Stopwatch.StartNew();
        using var fit = FieldTrainer.Fit(target, config, new Progress(e => { }));
        foreach (var e in fit.Evaluations.Where((_, i) => i % 5 == 0 || i == fit.Evaluations.Count - 1))
            Console.WriteLine($"step {e.Step,6}  {e.Seconds,7:F1}s  psnr {e.Psnr:F2}  lr {e.LearningRate:G3}");
        foreach (double db in new[] { 30.0, 35.0, 40.0 })
            Console.WriteLine(fit.FirstReaching(db) is { } r ? $"reached {db} dB at step {r.Step} after {r.Seconds:F1} s" : $"did not reach {db} dB ({fit.Seconds:F1} s, final {fit.Psnr:F2} dB)");
    }

    sealed class Progress(Action<NeuralLab.Common.ProgressReport> a) : IProgress<NeuralLab.Common.ProgressReport>
    {
        public void Report(NeuralLab.Common.ProgressReport value) => a(value);
    }

    static void Maps(FieldImage target)
    {
        using var fit = FieldTrainer.Fit(target, new FitConfig { Steps = 20, Batch = 4096 });
        using var coordinates = CoordinateGrid.Create(target.Height, target.Width);
        var clock = Stopwatch.StartNew();
        var (g, lap) = FieldDerivatives.Evaluate(x => fit.Model.call(x), coordinates);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"\n## derivative maps: gradient + Laplacian of the 256² field in {seconds:F2} s ({g.shape[0]} points)");
        g.Dispose();
        lap.Dispose();
    }

    static void Soak(FieldImage target, Dictionary<string, string> options)
    {
        int steps = int.Parse(options.GetValueOrDefault("steps", "10000"));
        int every = int.Parse(options.GetValueOrDefault("every", "1000"));
        bool collect = options.GetValueOrDefault("gc", "no") == "yes";
        Console.WriteLine($"\n## soak: {steps} steps at batch 4096, RSS every 1000 steps");
        var rss = new List<double>();
        using var fit = FieldTrainer.Fit(target, new FitConfig { Steps = steps, Batch = 4096, EvalEvery = every },
            new Progress(r => { if (collect) { GC.Collect(); GC.WaitForPendingFinalizers(); } rss.Add(ProcessMemory.CurrentRssBytes() / 1e6); Console.WriteLine($"step {r.Done,6}  RSS {rss[^1]:F0} MB  live {TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount}  gc0 {GC.CollectionCount(0)}"); }));
        Console.WriteLine($"RSS first {rss.First():F0} MB, last {rss.Last():F0} MB, max {rss.Max():F0} MB");
    }
}
