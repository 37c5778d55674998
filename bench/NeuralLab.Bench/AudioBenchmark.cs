using System.Globalization;
using System.Text.RegularExpressions;
using NeuralLab.Common;
using NeuralLab.NeuralFields.Audio;
using TorchSharp;

namespace NeuralLab.Bench;

/// <summary>
/// The 3 s, 16 kHz demo clip with SIREN's audio recipe (3×256 sine layers, ω0 = 3000 on the first), NeuralLab
/// against bench/peers/peer_siren_audio_torch.py in the same run with the same protocol (clip scaled to peak
/// 1, t ∈ [-1, 1], Adam with cosine decay, shuffled minibatches, whole-clip PSNR every --eval-every steps).
/// Usage: audio [--steps N] [--batch B|full] [--lr X] [--eval-every K] [--peer PATH] [--threads T]
/// </summary>
public sealed class AudioBenchmark() : Benchmark("audio",
    "SIREN fit of the 3 s 16 kHz demo clip: time to 40 dB and s/step vs the PyTorch peer")
{
    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        int threads = torch.get_num_threads();
        var defaults = AudioDefaults.Config;
        int evalEvery = int.Parse(options.GetValueOrDefault("eval-every", "50"));
        var config = defaults with
        {
            Steps = options.TryGetValue("steps", out var s) ? int.Parse(s) : defaults.Steps,
            Batch = options.TryGetValue("batch", out var b) ? (b == "full" ? null : int.Parse(b)) : defaults.Batch,
            LearningRate = options.TryGetValue("lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : defaults.LearningRate,
            EvalEvery = evalEvery,
        };
        var clip = AudioDemo.Create();
        Console.WriteLine($"# {AudioDemo.Name}: {clip.Frames} samples; SIREN {config.Architecture.Layers}×{config.Architecture.Hidden}, first ω0 {config.Architecture.FirstLayerOmega0}, " +
                          $"lr {config.LearningRate:G3} {config.Schedule}, batch {config.Batch?.ToString() ?? "full"}, {config.Steps} steps, eval every {evalEvery}");
        var (metrics, fit) = AudioExperiment.Run(clip, AudioDemo.Name, config, output: null);
        double ours = fit.Seconds / fit.Steps;
        string reached = fit.FirstReaching(40) is { } r ? $"{r.Seconds:F1} s (step {r.Step})" : "not reached";
        Console.WriteLine($"NeuralLab: final PSNR {metrics.Psnr:F2} dB, SNR {metrics.Snr:F2} dB, {fit.Seconds:F1} s, {ours:F4} s/step, 40 dB: {reached}");
        fit.Dispose();

        string peer = options.GetValueOrDefault("peer", "bench/peers/peer_siren_audio_torch.py");
        string wav = Path.Combine(Path.GetTempPath(), $"neurallab-audio-bench-{Environment.ProcessId}.wav");
        try
        {
            clip.WritePcm16(wav);
            string? output = PeerScript.Run(peer, @"step_s ([0-9.]+)", "--wav", wav, "--steps", config.Steps.ToString()!, "--batch", (config.Batch ?? 0).ToString(),
                "--lr", config.LearningRate.ToString(CultureInfo.InvariantCulture), "--eval-every", evalEvery.ToString(), "--threads", threads.ToString());
            if (output == null) return 0;
            var step = Regex.Match(output, @"step_s ([0-9.]+)");
            var final = Regex.Match(output, @"final psnr ([0-9.]+)");
            var forty = Regex.Match(output, @"reached 40 dB at step (\d+) after ([0-9.]+)s");
            double theirs = double.Parse(step.Groups[1].Value, CultureInfo.InvariantCulture);
            Console.WriteLine($"peer (PyTorch): final PSNR {final.Groups[1].Value} dB, {theirs:F4} s/step, 40 dB: " +
                              (forty.Success ? $"{forty.Groups[2].Value} s (step {forty.Groups[1].Value})" : "not reached"));
            Console.WriteLine($"ratio peer/NeuralLab s/step: {theirs / ours:F2}×");
        }
        finally
        {
            File.Delete(wav);
        }
        Console.WriteLine($"peak RSS {ProcessMemory.PeakRssBytes() / 1e6:F0} MB");
        return 0;
    }
}
