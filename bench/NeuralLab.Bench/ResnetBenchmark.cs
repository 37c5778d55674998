using System.Diagnostics;
using System.Globalization;
using NeuralLab.Common;
using NeuralLab.Residual;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Bench;

/// <summary>
/// Training-step rate of the homework's ResNet (C = 64, batch 128, SGD 0.1) on the embedded digits,
/// against the same network in PyTorch (bench/peers/peer_resnet_torch.py, Debian's python3-torch) run
/// in the same process tree, alternating so that both see the same machine load.
/// </summary>
public sealed class ResnetBenchmark() : Benchmark("resnet",
    "ResNet C=64 batch 128: training iterations/s vs PyTorch (args: --iterations N --threads T --rounds R --channels C --no-peer --libtorch-conv)")
{
    protected override IReadOnlyList<string> Keys => ["iterations", "rounds", "channels", "no-peer", "libtorch-conv"];

    // The peer's protocol: one thread on each side unless --threads says otherwise.
    protected override int DefaultThreads => 1;

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        int iterations = WholeNumber(options, "iterations", 500);
        int threads = torch.get_num_threads();
        int rounds = WholeNumber(options, "rounds", 3);
        int channels = WholeNumber(options, "channels", 64);
        bool peer = !options.ContainsKey("no-peer");
        // --libtorch-conv: the block's convolutions through libtorch's conv2d instead of SmallMapConvolution, for comparison.
        bool dense = !options.ContainsKey("libtorch-conv");
        string root = RepositoryRoot();
        string csv = Path.Combine(root, "src/NeuralLab/Residual/Data/digits.csv.gz");
        var (train, _) = DigitsReader.LoadEmbedded().SplitInHalf(0);
        Console.WriteLine($"resnet benchmark: C={channels} batch 128, {iterations} timed iterations after 20 warm-up, {threads} thread(s), {rounds} round(s), {Environment.ProcessorCount} cores, block convolution {(dense ? "dense 2×2 form" : "libtorch conv2d")}");
        var ours = new List<Rate>();
        var theirs = new List<Rate>();
        ProcessMemory.ResetPeak();
        for (int round = 1; round <= rounds; round++)
        {
            var rate = OurRate(train, channels, iterations, dense);
            ours.Add(rate);
            Console.WriteLine($"  round {round}: NeuralLab {rate}");
            if (!peer) continue;
            if (PeerRate(root, csv, channels, iterations, threads) is Rate p)
            {
                theirs.Add(p);
                Console.WriteLine($"  round {round}: PyTorch   {p}");
            }
        }
        var mine = Rate.Median(ours);
        Console.WriteLine($"NeuralLab median: {mine} ({1000 / mine.PerCpuSecond:F2} CPU ms/iteration), peak RSS {ProcessMemory.PeakRssBytes() / 1048576.0:F0} MiB");
        if (theirs.Count > 0)
        {
            var peerMedian = Rate.Median(theirs);
            Console.WriteLine($"PyTorch median:   {peerMedian} ({1000 / peerMedian.PerCpuSecond:F2} CPU ms/iteration)");
            Console.WriteLine($"ratio NeuralLab / PyTorch: {mine.PerSecond / peerMedian.PerSecond:F2}x wall clock, {mine.PerCpuSecond / peerMedian.PerCpuSecond:F2}x CPU time (target >= 1.5x)");
        }
        return 0;
    }

    /// <summary>Iterations per wall-clock second and per CPU second of the process (the machine is shared: CPU time is the steadier figure).</summary>
    sealed record Rate(double PerSecond, double PerCpuSecond)
    {
        public override string ToString() => $"{PerSecond,7:F1} it/s wall, {PerCpuSecond,7:F1} it/CPU-s";

        public static Rate Median(List<Rate> rates) => new(MedianOf(rates.Select(r => r.PerSecond)), MedianOf(rates.Select(r => r.PerCpuSecond)));
    }

    static Rate OurRate(DigitsData train, int channels, int iterations, bool dense)
    {
        torch.random.manual_seed(0);
        var random = new Random(0);
        using var model = new ResNet(channels) { DenseSmallMaps = dense };
        using var data = LabelledTensors.From(train);
        using var sgd = new Sgd(model.parameters(), 0.1);
        model.train();
        void Step()
        {
            using var scope = NewDisposeScope();
            var (x, y) = data.Batch(random, 128); // (128, 1, 8, 8), (128)
            var loss = nn.functional.cross_entropy(model.call(x), y);
            sgd.ZeroGrad();
            loss.backward();
            sgd.Step();
        }
        for (int i = 0; i < 20; i++) Step();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) Step();
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new Rate(iterations / wall, iterations / (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    static Rate? PeerRate(string root, string csv, int channels, int iterations, int threads)
    {
        string script = Path.Combine(root, "bench/peers/peer_resnet_torch.py");
        var info = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { script, "--data", csv, "--channels", $"{channels}", "--iterations", $"{iterations}", "--threads", $"{threads}" })
            info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"  peer failed (exit {process.ExitCode}): {error.Trim().Split('\n').LastOrDefault()}");
                return null;
            }
            foreach (string line in output.Split('\n'))
            {
                string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                int wall = Array.IndexOf(words, "iterations_per_second"), cpu = Array.IndexOf(words, "iterations_per_cpu_second");
                if (wall >= 0 && cpu >= 0 && Math.Max(wall, cpu) + 1 < words.Length)
                    return new Rate(double.Parse(words[wall + 1], CultureInfo.InvariantCulture), double.Parse(words[cpu + 1], CultureInfo.InvariantCulture));
            }
            Console.WriteLine($"  peer printed no rate: {output.Trim()}");
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"  peer unavailable (/usr/bin/python3 with python3-torch): {e.Message}");
            return null;
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuralLab.slnx"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (NeuralLab.slnx) above " + AppContext.BaseDirectory);
    }

    static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
