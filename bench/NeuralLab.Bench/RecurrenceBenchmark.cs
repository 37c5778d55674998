using NeuralLab.Common;
using System.Diagnostics;
using NeuralLab.Recurrence;

namespace NeuralLab.Bench;

/// <summary>
/// Backpropagation through time for the scalar RNN: libtorch autograd against the hand-written
/// recursion (per-gradient time and per-SGD-step time), the 2.5 sweep, and native memory over a
/// long autograd training run.
/// </summary>
public sealed class RecurrenceBenchmark() : Benchmark("bptt", "scalar RNN: autograd vs hand-written BPTT per gradient and per SGD step, sweep time, RSS")
{
    protected override IReadOnlyList<string> Keys => [];

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        Console.WriteLine();
        Console.WriteLine("| measurement | T | autograd | hand-written | ratio |");
        Console.WriteLine("|---|---|---|---|---|");
        var random = new Random(0);
        foreach (int length in new[] { 10, 100, 1000 })
        {
            var x = GradientSweep.GaussianInputs(random, length);
            var rnn = new ScalarRnn(0.9, Activation.Tanh, RnnForm.Outer);
            int calls = Math.Max(5, 20_000 / length);
            double autograd = MedianMicroseconds(() => AutogradGradients.OfOutput(rnn, x), calls);
            double manual = MedianMicroseconds(() => BackpropThroughTime.OfOutput(rnn, x), calls * 20);
            Console.WriteLine($"| df/dw and all df/dh_t, tanh | {length} | {autograd:F1} µs | {manual:F2} µs | {autograd / manual:F0}× |");
        }

        var task = new RemedyTask(Steps: 50);
        var (xs, target) = GradientRemedies.Data(task, 0);
        GradientRemedies.Train(task with { Steps = 3 }, xs, target, Remedy.None);
        var clock = Stopwatch.StartNew();
        GradientRemedies.Train(task, xs, target, Remedy.None);
        double autogradStep = clock.Elapsed.TotalMilliseconds / task.Steps;
        clock.Restart();
        for (int i = 0; i < 20; i++) GradientRemedies.TrainManually(task, xs, target, Remedy.None);
        double manualStep = clock.Elapsed.TotalMilliseconds / (20 * task.Steps);
        Console.WriteLine($"| SGD step, linear, MSE over all t | {task.Length} | {autogradStep:F2} ms | {manualStep:F3} ms | {autogradStep / manualStep:F0}× |");

        clock.Restart();
        GradientSweep.Run(200);
        Console.WriteLine($"| 2.5 sweep, 10 curves × T = 1..200 (hand-written) | 200 | | {clock.Elapsed.TotalMilliseconds:F0} ms | |");

        // Native memory over a long autograd run: the step must not leak (NOTES-torchsharp.md §2).
        long before = ProcessMemory.CurrentRssBytes();
        GradientRemedies.Train(task with { Steps = 600, InitialW = 0.6 }, xs, target, Remedy.Truncation);
        long after = ProcessMemory.CurrentRssBytes();
        Console.WriteLine();
        Console.WriteLine($"RSS before/after 600 autograd training steps (truncated BPTT, T = 200): {before / 1048576.0:F0} MB / {after / 1048576.0:F0} MB; peak {ProcessMemory.PeakRssBytes() / 1048576.0:F0} MB");
        return 0;
    }

    static double MedianMicroseconds(Action action, int calls)
    {
        action();
        var rounds = new double[5];
        for (int r = 0; r < rounds.Length; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++) action();
            rounds[r] = clock.Elapsed.TotalMicroseconds / calls;
        }
        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }
}
