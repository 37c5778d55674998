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
/// Usage: fields [all|throughput|quality|maps|soak|steps] [--peer PATH] [--image PATH] [--steps N] [--lr X] [--batch B|full] [--schedule S] [--budget SECONDS]
/// steps: the training step alone (ReLU recipe at batch 64, SIREN at batch 4096) against bench/peers/peer_field_steps_torch.py,
/// same loop and one evaluation at the end on both sides, rounds alternating ours and the peer's:
/// steps [--rounds 3] [--relu-steps 3000] [--siren-steps 300]; for the ReLU recipe also the 1-thread peer with
/// torch.set_flush_denormal(True) (NeuralLab's Adam flushes denormals; the stock peer, which the ratio counts, does not)
/// sine-ab: SIREN's step (batch 4096, Adam) with its layers composed of addmm and sin against the network's own layers
/// (one autograd node each), alternating in one process: sine-ab [--rounds 9] [--steps 10] [--glibc-heap] [--threads 2]
/// relu-ab: the ReLU recipe's step (3×256, batch 64, Adam 1e-3, 1 thread) through autograd against <c>PlainMlpStep</c>, and the
/// parts of each step timed alone, alternating in one process: relu-ab [--rounds 11] [--steps 200] [--activation relu|tanh] [--batch 64|100]
/// [--growth-steps 2000]
/// </summary>
public sealed class NeuralFieldsBenchmark() : Benchmark("fields",
    "SIREN fit of the 256² cameraman: throughput vs the PyTorch peer, time to 30/35/40 dB, derivative maps, peak RSS")
{
    protected override IReadOnlyList<string> Modes => ["all", "throughput", "quality", "maps", "soak", "steps", "sine-ab", "relu-ab"];

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        string peer = options.GetValueOrDefault("peer", "bench/peers/peer_siren_torch.py");
        var (target, image, name) = Target256(options);
        Console.WriteLine($"# image {name} → {target.Width}×{target.Height}");
        if (mode is "all" or "throughput") Throughput(target, image, peer, options);
        if (mode is "all" or "quality") Quality(target, options);
        if (mode is "all" or "maps") Maps(target);
        if (mode is "soak") Soak(target, options);
        if (mode is "steps") Steps(target, image, options);
        if (mode is "sine-ab") SineLayerAb(target, options);
        if (mode is "relu-ab") ReluStepAb(target, options);
        Console.WriteLine($"peak RSS {ProcessMemory.PeakRssBytes() / 1e6:F0} MB");
        return 0;
    }

    // Same protocol as the peer script: Adam at lr 1e-4, whole-image PSNR every 25 steps, timed over all of it.
    static void Throughput(FieldImage target, string imagePath, string peerScript, IReadOnlyDictionary<string, string> options)
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

    // The step's own speed: both sides run the same loop (per-epoch permutation, index_select, Adam, loss read back
    // every step) with one whole-image evaluation after the last step, timed over all of it; rounds alternate
    // NeuralLab and the peer so machine load hits both alike. NeuralLab chooses its own threads for small batches
    // (FieldTrainer.SingleThreadMaxBatch); the peer runs on 1 and 2 threads and the faster counts.
    static void Steps(FieldImage target, string imagePath, IReadOnlyDictionary<string, string> options)
    {
        string peer = options.GetValueOrDefault("step-peer", "bench/peers/peer_field_steps_torch.py");
        int rounds = int.Parse(options.GetValueOrDefault("rounds", "3"));
        var cases = new (string Name, FieldActivation Activation, int Batch, double Lr, int Steps)[]
        {
            ("relu recipe", FieldActivation.Relu, 64, 1e-3, int.Parse(options.GetValueOrDefault("relu-steps", "3000"))),
            ("siren", FieldActivation.Sine, 4096, 1e-4, int.Parse(options.GetValueOrDefault("siren-steps", "300"))),
        };
        Console.WriteLine($"\n## training step, same loop both sides, one evaluation at the end; {rounds} alternating rounds, medians; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| network | batch | steps | NeuralLab ms/step | NeuralLab pixels/s | peer 1 thread ms/step | peer 2 threads ms/step | ratio to the faster peer |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (name, activation, batch, lr, steps) in cases)
        {
            var config = new FitConfig { Architecture = new(activation), Batch = batch, LearningRate = lr, Steps = steps, EvalEvery = steps };
            using (var warm = FieldTrainer.Fit(target, config with { Steps = 20, EvalEvery = 20 })) { }
            var ours = new List<double>();
            var peers = new[] { new List<double>(), new List<double>() };
            var flushedPeer = new List<double>(); // PyTorch with torch.set_flush_denormal(True), as NeuralLab's Adam: for reference
            for (int round = 0; round < rounds; round++)
            {
                using (var fit = FieldTrainer.Fit(target, config)) ours.Add(fit.Seconds / fit.Steps);
                for (int t = 0; t < 2; t++)
                    if (RunStepPeer(peer, imagePath, activation, batch, lr, steps, threads: t + 1) is double s) peers[t].Add(s);
                if (activation == FieldActivation.Relu && RunStepPeer(peer, imagePath, activation, batch, lr, steps, threads: 1, "--flush-denormal") is double f) flushedPeer.Add(f);
            }
            double mine = Median(ours);
            double? one = peers[0].Count > 0 ? Median(peers[0]) : null, two = peers[1].Count > 0 ? Median(peers[1]) : null;
            double? best = one is null ? two : two is null ? one : Math.Min(one.Value, two.Value);
            Console.WriteLine($"| {name} | {batch} | {steps} | {mine * 1e3:F3} | {batch / mine:N0} | {Ms(one)} | {Ms(two)} | {(best is double b ? $"{b / mine:F2}×" : "n/a")} |");
            Console.WriteLine($"# {name}: NeuralLab rounds {string.Join(", ", ours.Select(o => $"{o * 1e3:F3}"))} ms; peer 1 thread {string.Join(", ", peers[0].Select(o => $"{o * 1e3:F3}"))}; 2 threads {string.Join(", ", peers[1].Select(o => $"{o * 1e3:F3}"))}");
            if (flushedPeer.Count > 0)
                Console.WriteLine($"# {name}: peer 1 thread with denormals flushed (not the stock peer): {Median(flushedPeer) * 1e3:F3} ms ({string.Join(", ", flushedPeer.Select(o => $"{o * 1e3:F3}"))}), NeuralLab {Median(flushedPeer) / mine:F2}× that");
            if (activation == FieldActivation.Sine)
            {
                double roofline = SirenRoofline(batch);
                Console.WriteLine($"# siren roofline at batch {batch} (this machine's GEMM and sin rates, {torch.get_num_threads()} threads): {roofline:N0} pixels/s; NeuralLab reaches {batch / mine / roofline:P0}");
            }
        }
    }

    /// <summary>
    /// A/B of SIREN's training step: two identical 3×256 networks (same seed) and Adams, the same batches; one computes its
    /// sine layers as addmm + sin composed by autograd (the code before issue 12), the other through the network
    /// (<c>SineLayerNode</c>). Rounds of <c>--steps</c> steps alternate (and alternate which goes first); medians of the wall
    /// time and of the process's CPU time per step, and of the per-round ratios, plus page faults and kernel time per step.
    /// The process applies NeuralLab's heap settings (as every <see cref="Trainer"/> does) unless <c>--glibc-heap</c> is
    /// given: run both to compare them (one process each; the setting is process-wide).
    /// </summary>
    static void SineLayerAb(FieldImage target, IReadOnlyDictionary<string, string> options)
    {
        int rounds = int.Parse(options.GetValueOrDefault("rounds", "9")), steps = int.Parse(options.GetValueOrDefault("steps", "10"));
        const int batch = 4096;
        if (!options.ContainsKey("glibc-heap")) NativeHeap.KeepActivationPages();
        Console.WriteLine($"\n## SIREN step A/B, batch {batch}, {rounds} rounds of {steps} steps, libtorch threads {torch.get_num_threads()}, " +
                          $"heap settings {(NativeHeap.Applied ? "on" : "off (glibc's defaults)")}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        var signal = FieldSignal.FromImage(target);
        using var coordinates = signal.CreateCoordinates(); // (N, 2)
        using var values = signal.ToTensor();               // (N, 1)
        var variants = new[] { "composed addmm + sin", "network (SineLayerNode)" };
        var models = new CoordinateMlp[2];
        var optimizers = new Adam[2];
        for (int v = 0; v < 2; v++)
        {
            torch.random.manual_seed(1);
            models[v] = new CoordinateMlp(new FieldArchitecture());
            optimizers[v] = new Adam(models[v].parameters(), 1e-4);
        }
        Tensor Composed(CoordinateMlp model, Tensor x)
        {
            var p = model.parameters().ToArray(); // weight, bias of each layer; the output layer last
            for (int l = 0; l < p.Length / 2 - 1; l++) x = addmm(p[2 * l + 1], x, p[2 * l].t(), beta: 30f, alpha: 30f).sin();
            return nn.functional.linear(x, p[^2], p[^1]);
        }
        using var orders = randperm(coordinates.shape[0], generator: new Generator(7)).narrow(0, 0, batch * (long)steps);
        float Step(int v, int i) => MinibatchStep(orders, coordinates, values, batch, i, optimizers[v], (x, y) =>
        {
            var loss = nn.functional.mse_loss(v == 0 ? Composed(models[v], x) : models[v].call(x), y);
            loss.backward();
            return loss;
        }, FieldTrainer.CollectInterval(batch));
        for (int v = 0; v < 2; v++) for (int i = 0; i < steps; i++) Step(v, i); // warm-up
        var wall = new[] { new List<double>(), new List<double>() };
        var cpu = new[] { new List<double>(), new List<double>() };
        var kernel = new[] { new List<double>(), new List<double>() };
        var faults = new[] { new List<double>(), new List<double>() };
        var process = Process.GetCurrentProcess();
        var losses = new float[2];
        for (int round = 0; round < rounds; round++)
            for (int k = 0; k < 2; k++)
            {
                int v = (k + round) % 2;
                process.Refresh();
                var (cpu0, kernel0, faults0) = (process.TotalProcessorTime, process.PrivilegedProcessorTime, MinorFaults());
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) losses[v] = Step(v, i);
                wall[v].Add(clock.Elapsed.TotalSeconds / steps);
                process.Refresh();
                cpu[v].Add((process.TotalProcessorTime - cpu0).TotalSeconds / steps);
                kernel[v].Add((process.PrivilegedProcessorTime - kernel0).TotalSeconds / steps);
                faults[v].Add((MinorFaults() - faults0) / (double)steps);
            }
        Console.WriteLine("| variant | wall ms/step (median) | CPU ms/step (median) | kernel ms/step | page faults/step | last loss |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (int v = 0; v < 2; v++)
            Console.WriteLine($"| {variants[v]} | {Median(wall[v]) * 1e3:F2} | {Median(cpu[v]) * 1e3:F2} | {Median(kernel[v]) * 1e3:F2} | {Median(faults[v]):F0} | {losses[v]:G6} |");
        Console.WriteLine($"# per-round speed-up of the network's layers: wall {Median(wall[0].Zip(wall[1], (a, b) => a / b).ToList()):F3}×, CPU {Median(cpu[0].Zip(cpu[1], (a, b) => a / b).ToList()):F3}×; load {File.ReadAllText("/proc/loadavg").Trim()}");
        for (int v = 0; v < 2; v++) { optimizers[v].Dispose(); models[v].Dispose(); }
    }

    /// <summary>
    /// A/B of the ReLU recipe's step: two identical networks (same seed) and Adams on the same batches, one differentiated by
    /// autograd (the code before issue 11's fused step), the other by <see cref="PlainMlpStep"/>. Rounds of <c>--steps</c> steps
    /// alternate (and alternate which goes first); medians of wall and CPU time per step and of the per-round ratio. Then
    /// the parts of a step alone (batch selection, zeroing, forward + backward each way, Adam, the loss read back), the same way.
    /// </summary>
    static void ReluStepAb(FieldImage target, IReadOnlyDictionary<string, string> options)
    {
        int rounds = int.Parse(options.GetValueOrDefault("rounds", "11")), steps = int.Parse(options.GetValueOrDefault("steps", "200"));
        var activation = Enum.Parse<FieldActivation>(options.GetValueOrDefault("activation", "relu"), ignoreCase: true);
        int batch = int.Parse(options.GetValueOrDefault("batch", activation == FieldActivation.Tanh ? "100" : "64")); // the homework's recipes
        NativeHeap.KeepActivationPages();
        using var threads = LibtorchThreads.Use(int.Parse(options.GetValueOrDefault("threads", "1")));
        Console.WriteLine($"\n## {activation} recipe step A/B, batch {batch}, {rounds} rounds of {steps} steps, libtorch threads {torch.get_num_threads()}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        var signal = FieldSignal.FromImage(target);
        using var coordinates = signal.CreateCoordinates(); // (N, 2)
        using var loss = new NeuralLab.NeuralFields.Supervision.ValueLoss(signal);
        var values = loss.Targets;                          // (N, 1)
        var variants = new[] { "autograd, IEEE denormals, Adam ops (before)", "autograd, denormals flushed, Adam ops", "PlainMlpStep, denormals flushed, Adam ops", "PlainMlpStep, denormals flushed, fused Adam (now)" };
        int n = variants.Length;
        var models = new CoordinateMlp[n];
        var optimizers = new Adam[n];
        for (int v = 0; v < n; v++)
        {
            torch.random.manual_seed(1);
            models[v] = new CoordinateMlp(new FieldArchitecture(activation));
            optimizers[v] = new Adam(models[v].parameters(), 1e-3) { FlushesDenormals = v > 0, Fuses = v == 3 };
        }
        using var plain = PlainMlpStep.TryCreate(models[2], loss)!;
        using var plainFused = PlainMlpStep.TryCreate(models[3], loss)!;
        using var orders = randperm(coordinates.shape[0], generator: new Generator(7)).narrow(0, 0, batch * (long)steps);
        Tensor LossOf(int v, Tensor x, Tensor y)
        {
            if (v >= 2) return (v == 2 ? plain : plainFused).LossAndGradients(x, y);
            var l = nn.functional.mse_loss(models[v].call(x), y);
            l.backward();
            return l;
        }
        // Autograd's steps collect as FieldTrainer has them do; PlainMlpStep's need no collection (docs/engine.md, "Native memory").
        float Step(int v, int i, bool collect = true) =>
            MinibatchStep(orders, coordinates, values, batch, i, optimizers[v], (x, y) => LossOf(v, x, y), collect && v < 2 ? FieldTrainer.CollectInterval(batch) : 0);
        for (int v = 0; v < n; v++) for (int i = 0; i < steps; i++) Step(v, i); // warm-up
        var wall = variants.Select(_ => new List<double>()).ToArray();
        var cpu = variants.Select(_ => new List<double>()).ToArray();
        var process = Process.GetCurrentProcess();
        var losses = new float[n];
        for (int round = 0; round < rounds; round++)
            for (int k = 0; k < n; k++)
            {
                int v = (k + round) % n;
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) losses[v] = Step(v, i);
                wall[v].Add(clock.Elapsed.TotalSeconds / steps);
                process.Refresh();
                cpu[v].Add((process.TotalProcessorTime - cpu0).TotalSeconds / steps);
            }
        Console.WriteLine("| variant | wall ms/step (median) | CPU ms/step (median) | last loss |");
        Console.WriteLine("|---|---|---|---|");
        for (int v = 0; v < n; v++)
            Console.WriteLine($"| {variants[v]} | {Median(wall[v]) * 1e3:F3} | {Median(cpu[v]) * 1e3:F3} | {losses[v]:G6} |");
        for (int v = 1; v < n; v++)
            Console.WriteLine($"# per-round speed-up of \"{variants[v]}\" over the first: wall {Median(wall[0].Zip(wall[v], (a, b) => a / b).ToList()):F3}×, CPU {Median(cpu[0].Zip(cpu[v], (a, b) => a / b).ToList()):F3}×");
        Console.WriteLine($"# load {File.ReadAllText("/proc/loadavg").Trim()}");

        using (var noGrad = no_grad())
        {
            // Denormal entries in Adam's moments (0 < |m| < FLT_MIN), the cause of its slow step without FTZ/DAZ.
            var state = optimizers[0].State;
            long denormal = 0, total = 0;
            foreach (var t in state) { using var a = t.abs(); denormal += (a.gt(0) & a.lt(1.17549435e-38f)).sum().item<long>(); total += t.numel(); }
            Console.WriteLine($"# denormal entries in Adam's m and v after {(rounds + 1) * steps} steps: {denormal:N0} of {total:N0}; flushing supported here: {Denormals.Flush() is var f && Denormals.Flushing}");
            f.Dispose();
        }
        // The parts alone, each timed over `steps` repetitions per round, rounds alternating the parts' order.
        using var x0 = coordinates.index_select(0, orders.narrow(0, 0, batch));
        using var y0 = values.index_select(0, orders.narrow(0, 0, batch));
        var parts = new (string Name, Action Work)[]
        {
            ("two index_selects", () => { using var s = NewDisposeScope(); var ix = orders.narrow(0, 0, batch); coordinates.index_select(0, ix); values.index_select(0, ix); }),
            ("ZeroGrad", () => optimizers[0].ZeroGrad()),
            ("forward + backward, autograd", () => { using var s = NewDisposeScope(); LossOf(0, x0, y0); }),
            ("forward + backward, PlainMlpStep", () => { using var s = NewDisposeScope(); LossOf(2, x0, y0); }),
            ("forward alone (no_grad)", () => { using var s = NewDisposeScope(); using var ng = no_grad(); models[0].call(x0); }),
            ("Adam step", () => optimizers[0].Step()),
            ("Adam step, denormals flushed", () => optimizers[1].Step()),
            ("Adam step, denormals flushed, fused", () => optimizers[3].Step()),
                        ("loss.item", () => { using var s = NewDisposeScope(); nn.functional.mse_loss(x0.narrow(1, 0, 1), y0).item<float>(); }),
        };
        var times = parts.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int k = 0; k < parts.Length; k++)
            {
                int p = (k + round) % parts.Length;
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) parts[p].Work();
                times[p].Add(clock.Elapsed.TotalSeconds / steps);
            }
        Console.WriteLine("| part | ms (median) |");
        Console.WriteLine("|---|---|");
        for (int p = 0; p < parts.Length; p++) Console.WriteLine($"| {parts[p].Name} | {Median(times[p]) * 1e3:F3} |");
        Console.WriteLine($"# load {File.ReadAllText("/proc/loadavg").Trim()}");
        // Native memory without any collection (the trainer's CollectEvery): RSS and gen-0 collections over 2000 steps.
        foreach (int v in new[] { 3, 1 }) // the new path first: memory the other frees at its collection would otherwise be reused
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            double rss0 = ProcessMemory.CurrentRssBytes();
            int gen0 = GC.CollectionCount(0);
            long managed0 = GC.GetAllocatedBytesForCurrentThread();
            int growthSteps = int.Parse(options.GetValueOrDefault("growth-steps", "2000"));
            for (int i = 0; i < growthSteps; i++) Step(v, i % steps, collect: false);
            Console.WriteLine($"# {variants[v]}, no collections: RSS {(ProcessMemory.CurrentRssBytes() - rss0) / 1e3 / growthSteps:F2} KB a step over {growthSteps} steps, " +
                              $"managed allocations {(GC.GetAllocatedBytesForCurrentThread() - managed0) / 1e3 / growthSteps:F2} KB a step, {GC.CollectionCount(0) - gen0} gen-0 collections, " +
                              $"live tensors {DisposeScopeManager.Statistics.ThreadTotalLiveCount}");
        }
        for (int v = 0; v < n; v++) { optimizers[v].Dispose(); models[v].Dispose(); }
    }

    /// <summary>Minor page faults of this process so far (/proc/self/stat, field 10).</summary>
    /// <summary>One A/B step: batch <paramref name="i"/> of <paramref name="orders"/> (a fixed permutation, so every variant sees
    /// the same batches), the gradients zeroed, <paramref name="lossAndGradients"/> (which leaves the gradients in place), one
    /// optimiser step; the loss read back, as the trainer does every step; a gen-0 collection and the finalizers after every
    /// <paramref name="collectEvery"/>-th step (0: never), as the trainer runs them for autograd's steps.</summary>
    static float MinibatchStep(Tensor orders, Tensor coordinates, Tensor values, int batch, int i, Optimizer optimizer, Func<Tensor, Tensor, Tensor> lossAndGradients,
        int collectEvery)
    {
        float loss;
        using (var scope = NewDisposeScope())
        {
            var indices = orders.narrow(0, (long)i * batch, batch);
            var x = coordinates.index_select(0, indices);
            var y = values.index_select(0, indices);
            optimizer.ZeroGrad();
            loss = lossAndGradients(x, y).item<float>();
            optimizer.Step();
        }
        if (collectEvery > 0 && (i + 1) % collectEvery == 0)
        {
            GC.Collect(0);
            GC.WaitForPendingFinalizers();
        }
        return loss;
    }

    static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7]);
    }

    static string Ms(double? seconds) => seconds is double s ? $"{s * 1e3:F3}" : "n/a";

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Pixels/s that a 3×256 SIREN step could reach if it did only its GEMMs and its sines at the rates this
    /// machine's libtorch measures for them now (best of 5 repetitions each): per pixel, the forward's multiply-adds
    /// (2·(2·256 + 3·256² + 256)) three times over (forward, gradient of the inputs, gradient of the weights), and
    /// 4·256 sines forward plus as many cosines backward.</summary>
    static double SirenRoofline(int batch)
    {
        const int width = 256;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = randn(batch, width);       // (B, 256)
        var w = randn(width, width);       // (256, 256)
        double Best(Action work)
        {
            work();
            double best = double.MaxValue;
            for (int i = 0; i < 5; i++)
            {
                var clock = Stopwatch.StartNew();
                for (int r = 0; r < 10; r++) work();
                best = Math.Min(best, clock.Elapsed.TotalSeconds / 10);
            }
            return best;
        }
        double gemmSeconds = Best(() => { using var _ = torch.mm(a, w); });
        double sinSeconds = Best(() => { using var _ = a.sin(); });
        double gemmRate = 2.0 * batch * width * width / gemmSeconds; // flop/s
        double sinRate = (double)batch * width / sinSeconds;          // values/s
        double flopsPerPixel = 3 * 2.0 * (2 * width + 3 * width * width + width);
        double sinesPerPixel = 2 * 4 * width;
        Console.WriteLine($"# GEMM ({batch}×{width})·({width}×{width}): {gemmRate / 1e9:F0} GFLOP/s; sin on ({batch}×{width}): {sinRate / 1e9:F2} G/s");
        return 1 / (flopsPerPixel / gemmRate + sinesPerPixel / sinRate);
    }

    static double? RunStepPeer(string script, string image, FieldActivation activation, int batch, double lr, int steps, int threads, params string[] extra) =>
        StepSeconds(script, [ "--image", image, "--size", "256", "--act", activation.ToString().ToLowerInvariant(), "--batch", batch.ToString(),
            "--lr", lr.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(), "--threads", threads.ToString(), .. extra ]);

    static double? RunPeer(string script, string image, int batch, int steps) =>
        StepSeconds(script, "--image", image, "--size", "256", "--steps", steps.ToString(), "--batch", batch.ToString(), "--threads", "2");

    /// <summary>The seconds per step a peer script prints (<c>step_s X</c>); null if it is missing or fails.</summary>
    static double? StepSeconds(string script, params string[] args) =>
        PeerScript.Run(script, StepPattern, args) is string output ? double.Parse(Regex.Match(output, StepPattern).Groups[1].Value, CultureInfo.InvariantCulture) : null;

    const string StepPattern = @"step_s ([0-9.]+)";

    static void Quality(FieldImage target, IReadOnlyDictionary<string, string> options)
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

    static void Soak(FieldImage target, IReadOnlyDictionary<string, string> options)
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
