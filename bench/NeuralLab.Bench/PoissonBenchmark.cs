using System.Globalization;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Encodings;
using NeuralLab.NeuralFields.Supervision;
using TorchSharp;

namespace NeuralLab.Bench;

/// <summary>
/// The 256² cameraman fitted from its Sobel gradient alone and from its 5-point Laplacian alone (SIREN Sec. 4.1),
/// with fit's defaults (SIREN 3×256, Adam 3e-4 cosine, batch 4096; <c>--encoding grid</c>: the grid's) for
/// <see cref="GradientSteps"/> and <see cref="LaplacianSteps"/> steps, and value supervision of the same field given
/// the same wall-clock time as the gradient fit. PSNR of gradient fits is after the least-squares constant; of
/// Laplacian fits after the least-squares constant + plane (also shown: constant only, harmonic degree ≤ 4).
/// <c>poisson bound</c> prints, instead, what a band-limited field whose exact gradient (Laplacian) matches the discrete
/// operator at least squares would reach (<see cref="Bound"/>).
/// The gradient fit uses fit's default loss for it, with <see cref="GradientSpans"/> (<c>--gradient-spans off</c>: the plain gradient loss).
/// Usage: poisson [all|gradient|laplacian|bound] [--encoding none|grid] [--steps N (both fits)] [--lr X] [--batch B|full] [--gradient-spans on|off] [--image PATH] [--threads T]
/// </summary>
public sealed class PoissonBenchmark() : Benchmark("poisson",
    "256² cameraman from its gradient / Laplacian alone: PSNR after the constant (plane), time to 30 dB, value fit at equal time")
{
    /// <summary>The gradient fit's steps: the lead's quiet measurement of 2026-12-02 used 1500 (0.137 s a step, 206 s), so
    /// runs compare; fit's 3000 for both fits and the equal-time value fit would take about 30 min quiet.</summary>
    const int GradientSteps = 1500;

    /// <summary>The Laplacian fit's steps: a step is about 3.5× a gradient step (0.51 s of CPU against 0.148, one thread,
    /// 2026-12-03), so 600 (about 300 s) keeps the whole benchmark near 12 minutes on a quiet machine, under 15.</summary>
    const int LaplacianSteps = 600;

    /// <summary>Steps of the short value fit that times a value step before the equal-time run.</summary>
    const int TimingSteps = 30;

    protected override IReadOnlyList<string> Modes => ["all", "gradient", "laplacian", "bound"];

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        var (target, _, _) = Target256(options);
        var encoding = options.TryGetValue("encoding", out var e) ? Enum.Parse<EncodingKind>(e, ignoreCase: true) : EncodingKind.None;
        FitConfig Recipe(FieldSupervision supervision)
        {
            var basis = FitDefaults.For(encoding) with { Supervision = supervision };
            int steps = supervision switch { FieldSupervision.Gradient => GradientSteps, FieldSupervision.Laplacian => LaplacianSteps, _ => basis.Steps ?? 1 };
            return basis with
            {
                Steps = options.TryGetValue("steps", out var s) ? int.Parse(s) : steps,
                LearningRate = options.TryGetValue("lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : basis.LearningRate,
                Batch = options.TryGetValue("batch", out var b) ? (b == "full" ? null : int.Parse(b)) : basis.Batch,
                GradientSpans = options.TryGetValue("gradient-spans", out var spans) ? spans == "on" : basis.GradientSpans,
                Encoding = basis.Encoding with { GridMax = Math.Max(target.Width, target.Height) },
            };
        }
        if (mode == "bound") return Bound(target);
        Console.WriteLine($"# {target.Width}×{target.Height}");
        Console.WriteLine("| supervision | field | lr, schedule, batch | steps | seconds | s/step | PSNR (dB) | after | 30 dB at | supervised rel. error |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var supervision in new[] { FieldSupervision.Gradient, FieldSupervision.Laplacian })
        {
            if (mode != "all" && !mode.Equals(supervision.ToString(), StringComparison.OrdinalIgnoreCase)) continue;
            var config = Recipe(supervision);
            var (metrics, fit) = FieldExperiment.Run(target, "cameraman", config with { Supervision = supervision }, output: null);
            var sup = metrics.Supervision!;
            string extra = supervision == FieldSupervision.Laplacian
                ? $" (constant only {sup.PsnrAfterConstant:F2}, harmonic ≤ 4: {sup.PsnrAfterHarmonicDegree4:F2})" : "";
            Console.WriteLine($"| {supervision.ToString().ToLowerInvariant()} | {Field(config)} | {Training(config)} | {fit.Steps} | {fit.Seconds:F1} | {fit.Seconds / fit.Steps:F4} | " +
                              $"{metrics.Psnr:F2}{extra} | {sup.PsnrAfter} | {(fit.FirstReaching(30) is { } r ? $"{r.Seconds:F1} s" : "—")} | {sup.SupervisedRelativeError:P1} |");
            double seconds = fit.Seconds;
            fit.Dispose();
            if (supervision == FieldSupervision.Gradient) ValueAtEqualTime(target, Recipe(FieldSupervision.Value), config, seconds);
        }
        Console.WriteLine($"peak RSS {ProcessMemory.PeakRssBytes() / 1e6:F0} MB");
        return 0;
    }

    /// <summary>
    /// Value supervision of the gradient recipe's field, with value's own recipe for it (learning rate, batch,
    /// schedule), for <paramref name="seconds"/> of wall time. The cosine schedule is laid out over a planned number
    /// of steps, so that number is the one that fills the time: <paramref name="seconds"/>, less the run's
    /// whole-image evaluations, over value's seconds a step, both timed first on a short run of the same recipe.
    /// The run is also cancelled at <paramref name="seconds"/>, should the machine slow down.
    /// </summary>
    static void ValueAtEqualTime(FieldImage target, FitConfig valueRecipe, FitConfig gradientRecipe, double seconds)
    {
        var value = valueRecipe with
        {
            Architecture = gradientRecipe.Architecture,
            Encoding = gradientRecipe.Encoding,
            Supervision = FieldSupervision.Value,
        };
        double perStep, perEvaluation;
        using (var timing = FieldTrainer.Fit(target, value with { Steps = TimingSteps, EvalEvery = TimingSteps }))
        {
            // The one evaluation starts after the last step (its Seconds) and ends with the run.
            double stepsSeconds = timing.Evaluations[^1].Seconds;
            perStep = stepsSeconds / timing.Steps;
            perEvaluation = timing.Seconds - stepsSeconds;
        }
        // Evaluations every ⌈steps/20⌉ and once at the end: at most 21, whatever the step count (the trainer's own cadence
        // would evaluate every 4 epochs at most, a number that depends on the steps being planned).
        long steps = Math.Max(1, (long)((seconds - 21 * perEvaluation) / perStep));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var fit = FieldTrainer.Fit(target, value with { Steps = (int)Math.Min(int.MaxValue, steps), EvalEvery = (int)Math.Min(int.MaxValue, (steps + 19) / 20) },
            cancel: cancel.Token);
        Console.WriteLine($"| value, same time | {Field(value)} | {Training(value)} | {fit.Steps} of {steps} planned ({fit.StopName}) | {fit.Seconds:F1} | " +
                          $"{fit.Seconds / Math.Max(1, fit.Steps):F4} | {fit.Psnr:F2} | none | {(fit.FirstReaching(30) is { } v ? $"{v.Seconds:F1} s" : "—")} | — |");
        Console.WriteLine($"# value, same time: cosine over {steps} steps = ({seconds:F1} s − 21 evaluations × {perEvaluation:F2} s) / {perStep:F4} s a step " +
                          $"(timed over {TimingSteps} value steps first); cancelled at {seconds:F1} s if still running");
    }

    /// <summary>
    /// The PSNR ceiling the discrete targets set, for a band-limited field: in Fourier (ω in radians a pixel), the field's
    /// exact gradient is iω·f̂, Sobel's x component is i·sin ωx·(1 + cos ωy)/2·Î (central difference, [1 2 1]/4 across), so
    /// the least-squares f̂ = Î·(ωx·sx + ωy·sy)/|ω|²; the 5-point Laplacian's response is −4(sin²(ωx/2) + sin²(ωy/2)) against
    /// −|ω|². The image is extended by half-sample reflection (what replicate padding does to a 3-point stencil) so the
    /// FFT sees no seam; PSNR after the constant, on the image. A field that is not band-limited can differ.
    /// </summary>
    static int Bound(FieldImage image)
    {
        using var scope = torch.NewDisposeScope();
        int h = image.Height, w = image.Width;
        var img = image.ToTensor().mean([1]).reshape(h, w).to_type(torch.ScalarType.Float64);                      // (H, W)
        var extended = torch.cat([torch.cat([img, img.flip(1)], 1), torch.cat([img.flip(0), img.flip(0).flip(1)], 1)], 0); // (2H, 2W)
        var spectrum = torch.fft.fft2(extended);
        var grid = torch.meshgrid([torch.fft.fftfreq(2 * h, dtype: torch.ScalarType.Float64) * 2 * Math.PI,
                                   torch.fft.fftfreq(2 * w, dtype: torch.ScalarType.Float64) * 2 * Math.PI], indexing: "ij");
        var (y, x) = (grid[0], grid[1]);
        var r2 = x * x + y * y;
        double Psnr(torch.Tensor response)
        {
            var t = torch.where(r2 == 0, torch.ones_like(r2), response / r2);
            var field = torch.fft.ifft2(spectrum * t).real.narrow(0, 0, h).narrow(1, 0, w);
            var error = field - img;
            return FieldTrainer.Psnr((error - error.mean()).square().mean().item<double>());
        }
        var (sx, sy) = (torch.sin(x) * (1 + torch.cos(y)) / 2, torch.sin(y) * (1 + torch.cos(x)) / 2);
        Console.WriteLine($"# {w}×{h}: PSNR of the band-limited least-squares field (after the constant)");
        Console.WriteLine($"Sobel gradient:              {Psnr(x * sx + y * sy):F2} dB");
        Console.WriteLine($"central-difference gradient: {Psnr(x * torch.sin(x) + y * torch.sin(y)):F2} dB");
        Console.WriteLine($"5-point Laplacian:           {Psnr(4 * (torch.sin(x / 2).square() + torch.sin(y / 2).square())):F2} dB");
        return 0;
    }

    static string Field(FitConfig config) =>
        config.Encoding.Kind == EncodingKind.Grid
            ? $"grid {config.Encoding.GridLevels}×{config.Encoding.GridFeatures} T {config.Encoding.GridTable} + {config.Architecture.Activation.ToString().ToLowerInvariant()} {config.Architecture.Layers + 1}×{config.Architecture.Hidden}"
            : $"{config.Architecture.Activation.ToString().ToLowerInvariant()} {config.Architecture.Layers}×{config.Architecture.Hidden}";

    static string Training(FitConfig config) =>
        $"{config.LearningRate:G3} {config.Schedule.ToString().ToLowerInvariant()}, batch {config.Batch?.ToString() ?? "full"}" +
        (config.Supervision == FieldSupervision.Gradient && config.GradientSpans ? ", long-span differences" : "");
}
