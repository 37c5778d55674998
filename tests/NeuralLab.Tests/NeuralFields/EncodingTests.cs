using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Encodings;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields;

public class EncodingTests
{
    // Three levels at resolutions 3, 5, 9: (3+1)² = 16 and (5+1)² = 36 vertices fit in 40 entries (dense),
    // (9+1)² = 100 do not (hashed): both index paths in one small grid.
    static readonly EncodingConfig SmallGrid = new() { Kind = EncodingKind.Grid, GridLevels = 3, GridFeatures = 2, GridMin = 3, GridMax = 9, GridTable = 40 };

    static Tensor Points(int n, int seed)
    {
        torch.random.manual_seed(seed);
        return rand(n, 2, dtype: float64) * 2 - 1; // (n, 2) in [-1, 1]²
    }

    /// <summary>A float64 grid whose table holds O(1) values, so the field varies on every level.</summary>
    static GridEncoding RandomGrid(EncodingConfig config, int seed)
    {
        torch.random.manual_seed(seed);
        var grid = new GridEncoding(config);
        grid.to(float64);
        using (no_grad()) grid.parameters().Single().uniform_(-1, 1);
        return grid;
    }

    // Each kernel's gather against the paper's formulas written out per level and per corner in scalars.
    [Theory]
    [InlineData(nameof(GridKernel.Composed), false)]
    [InlineData(nameof(GridKernel.Composed), true)]
    [InlineData(nameof(GridKernel.Fused), false)]
    [InlineData(nameof(GridKernel.Fused), true)]
    // The kernel by name: GridKernel is internal, and a public theory cannot take it as a parameter.
    public void GridMatchesAScalarReferenceOnDenseAndHashedLevels(string kernel, bool cachePlans)
    {
        Assert.Equal([3, 5, 9], SmallGrid.GridResolutions());
        Assert.Equal([16L, 36, 40], SmallGrid.GridLevelSizes());
        using var grid = RandomGrid(SmallGrid, 1);
        grid.Kernel = Enum.Parse<GridKernel>(kernel);
        grid.CachePlans = cachePlans;
        double[] table = grid.parameters().Single().data<double>().ToArray(); // (Σ sizes · F), row-major
        var xy = Points(200, 2);
        double[] points = xy.data<double>().ToArray();
        double[] encoded = grid.call(xy).data<double>().ToArray(); // (200, L·F)
        int[] resolutions = SmallGrid.GridResolutions();
        long[] sizes = SmallGrid.GridLevelSizes();
        int f = SmallGrid.GridFeatures;
        static double Quintic(double t) => t * t * t * (t * (t * 6 - 15) + 10);
        for (int p = 0; p < 200; p++)
        {
            long offset = 0;
            for (int l = 0; l < resolutions.Length; l++)
            {
                int r = resolutions[l];
                double qx = (points[2 * p] + 1) / 2 * r, qy = (points[2 * p + 1] + 1) / 2 * r;
                long ix = Math.Clamp((long)Math.Floor(qx), 0, r - 1), iy = Math.Clamp((long)Math.Floor(qy), 0, r - 1);
                double sx = Quintic(qx - ix), sy = Quintic(qy - iy);
                for (int c = 0; c < f; c++)
                {
                    double expected = 0;
                    foreach (var (dx, dy) in new[] { (0, 0), (1, 0), (0, 1), (1, 1) })
                    {
                        long x = ix + dx, y = iy + dy;
                        bool dense = (long)(r + 1) * (r + 1) <= SmallGrid.GridTable;
                        long entry = dense ? x * (r + 1) + y : (long)(((ulong)x ^ ((ulong)y * 2654435761UL)) % (ulong)sizes[l]);
                        double weight = (dx == 1 ? sx : 1 - sx) * (dy == 1 ? sy : 1 - sy);
                        expected += weight * table[(offset + entry) * f + c];
                    }
                    double actual = encoded[p * resolutions.Length * f + l * f + c];
                    Assert.True(Math.Abs(actual - expected) < 1e-12, $"point {p} level {l} feature {c}: {actual} vs {expected}");
                }
                offset += sizes[l];
            }
        }
    }

    [Fact]
    public void FourierFeaturesAreCosAndSinOfTwoPiBu()
    {
        torch.random.manual_seed(5);
        var config = new EncodingConfig { Kind = EncodingKind.Fourier, FourierFeatures = 7, FourierScale = 3 };
        using var fourier = new FourierEncoding(config);
        fourier.to(float64);
        var b = fourier.buffers().Single(); // (m, 2): fixed, not trained
        Assert.Empty(fourier.parameters());
        Assert.Equal([7L, 2], b.shape);
        var xy = Points(50, 6);
        var phase = 2 * Math.PI * ((xy + 1) / 2).matmul(b.t()); // (50, 7)
        var expected = cat([phase.cos(), phase.sin()], 1);
        Assert.True((fourier.call(xy) - expected).abs().max().item<double>() < 1e-12);
        // σ is the standard deviation of the frequencies (loosely: 14 draws).
        double std = b.std().item<double>();
        Assert.InRange(std, 1.5, 4.5);
    }

    public static TheoryData<string> Encodings() => new() { "fourier", "grid" };

    // The point of a smooth field: autograd's gradient and Laplacian through the encoding agree with
    // central differences in float64, for both encodings behind a SiLU decoder.
    [Theory]
    [MemberData(nameof(Encodings))]
    public void FieldDerivativesMatchFiniteDifferences(string kind)
    {
        var encoding = kind == "grid" ? SmallGrid : new EncodingConfig { Kind = EncodingKind.Fourier, FourierFeatures = 16, FourierScale = 2 };
        torch.random.manual_seed(7);
        using var field = new CoordinateMlp(new FieldArchitecture(FieldActivation.Silu, Hidden: 32, Layers: 1), encoding);
        field.to(float64);
        if (kind == "grid")
            using (no_grad()) field.named_parameters().Single(p => p.name.Contains("table")).parameter.uniform_(-1, 1);
        Tensor F(Tensor p) { using var _ = no_grad(); return field.call(p); }
        var xy = Points(60, 8) * 0.95;
        var (gradient, laplacian) = FieldDerivatives.Evaluate(x => field.call(x), xy);
        var (fdGradient, _) = FiniteDifferences.GradientAndLaplacian(F, xy, h: 1e-6);
        var (_, fdLaplacian) = FiniteDifferences.GradientAndLaplacian(F, xy, h: 1e-4);
        double gradientScale = fdGradient.abs().max().item<double>();
        double laplacianScale = fdLaplacian.abs().max().item<double>();
        Assert.True(gradientScale > 1e-2 && laplacianScale > 1e-1, $"the field is nearly flat: |∇| {gradientScale}, |Δ| {laplacianScale}");
        double gradientError = (gradient - fdGradient).abs().max().item<double>();
        double laplacianError = (laplacian - fdLaplacian).abs().max().item<double>();
        Assert.True(gradientError < 1e-6 * gradientScale, $"{kind}: max |autograd − FD| gradient {gradientError}, scale {gradientScale}");
        Assert.True(laplacianError < 1e-4 * laplacianScale, $"{kind}: max |autograd − FD| Laplacian {laplacianError}, scale {laplacianScale}");
        // Curved everywhere, not only somewhere: the Laplacian is not the zero of bilinear weights.
        Assert.True((laplacian.abs() > 1e-6 * laplacianScale).to_type(float64).mean().item<double>() > 0.95);
    }

    // Quintic weights make each level C²: the Laplacian of a one-level grid feature is continuous across a
    // cell border (u = 1/2, i.e. x = 0, at resolution 4), where smoothstep's would jump by 12·(r/2)²·Δfeature.
    [Fact]
    public void GridLaplacianIsContinuousAcrossCellBorders()
    {
        var oneLevel = new EncodingConfig { Kind = EncodingKind.Grid, GridLevels = 1, GridFeatures = 1, GridMin = 4, GridMax = 4, GridTable = 25 };
        using var grid = RandomGrid(oneLevel, 9);
        const double delta = 1e-7;
        var ys = linspace(-0.9, 0.9, 13, dtype: float64);                               // (13), across several cells
        var left = stack([full_like(ys, -delta), ys], 1);                                 // (13, 2)
        var right = stack([full_like(ys, delta), ys], 1);
        var inside = stack([full_like(ys, -0.4), ys], 1);                                // inside a cell (t = 0.2), for scale
        var (_, lapLeft) = FieldDerivatives.Evaluate(x => grid.call(x), left);
        var (_, lapRight) = FieldDerivatives.Evaluate(x => grid.call(x), right);
        var (_, lapInside) = FieldDerivatives.Evaluate(x => grid.call(x), inside);
        double scale = lapInside.abs().max().item<double>();
        Assert.True(scale > 1, $"Laplacian mid-cell {scale}");
        Assert.True((lapLeft - lapRight).abs().max().item<double>() < 1e-4 * scale,
            $"jump {(lapLeft - lapRight).abs().max().item<double>()} across the border, scale {scale}");
    }

    public static TheoryData<string> AllKinds() => new() { "none", "fourier", "grid" };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void ParameterCountInClosedFormMatchesTheModuleAndSizingFillsTheBudget(string kind)
    {
        var config = FitDefaults.For(Enum.Parse<EncodingKind>(kind, ignoreCase: true)) with { Architecture = FitDefaults.For(Enum.Parse<EncodingKind>(kind, ignoreCase: true)).Architecture with { Channels = 3 } };
        using (var model = new CoordinateMlp(config.Architecture, config.Encoding))
            Assert.Equal(model.parameters().Sum(p => p.numel()), FieldParameters.Count(config));
        const long budget = 65_536;
        var sized = FieldParameters.SizeToBudget(config, budget);
        long count = FieldParameters.Count(sized);
        Assert.True(count <= budget, $"{count} > {budget}");
        using (var model = new CoordinateMlp(sized.Architecture, sized.Encoding))
            Assert.Equal(count, model.parameters().Sum(p => p.numel()));
        // Maximal: one more unit of the sized quantity would not fit.
        var bigger = kind switch
        {
            "grid" => sized with { Encoding = sized.Encoding with { GridTable = sized.Encoding.GridTable + 1 } },
            "fourier" => sized with { Encoding = sized.Encoding with { FourierFeatures = sized.Encoding.FourierFeatures + 1 } },
            _ => sized with { Architecture = sized.Architecture with { Hidden = sized.Architecture.Hidden + 1 } },
        };
        Assert.True(FieldParameters.Count(bigger) > budget);
        var tooSmall = Assert.Throws<ArgumentOutOfRangeException>(() => FieldParameters.SizeToBudget(config, 10));
        Assert.Equal("maxParameters", tooSmall.ParamName);
        Assert.Equal(10L, tooSmall.ActualValue);
        Assert.Contains("too small for this field", tooSmall.Message);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void CheckpointRoundTripRendersIdenticalPixels(string kind)
    {
        using var dir = new TempDir();
        var crop = FieldImage.Load(null, size: 64).Crop(8, 0, 40, 64); // non-square
        var basis = FitDefaults.For(Enum.Parse<EncodingKind>(kind, ignoreCase: true));
        var config = basis with
        {
            Architecture = basis.Architecture with { Hidden = 16 },
            Encoding = basis.Encoding with { FourierFeatures = 16, GridMax = 64, GridTable = 256 },
            Steps = 5,
            Batch = 512,
        };
        Tensor before;
        using (var output = OutputDirectory.Open(dir.Path))
        {
            var (metrics, fit) = FieldExperiment.Run(crop, "crop", config, output);
            Assert.Equal(kind, metrics.Encoding);
            Assert.Equal(FieldParameters.Count(config), metrics.Parameters);
            using (fit) before = FieldTrainer.Render(fit.Model, 80, 128);
            output.Commit();
        }
        // A fresh random state: a Fourier B redrawn at load instead of read from model.bin would differ.
        torch.random.manual_seed(12345);
        var (checkpoint, model) = FieldCheckpoint.Load(dir.Path);
        using (model)
        {
            Assert.Equal(config.Encoding, checkpoint.Fit.Encoding);
            Assert.Equal(before.data<float>().ToArray(), FieldTrainer.Render(model, 80, 128).data<float>().ToArray());
        }
    }

    // Instant-NGP's recipe (lr 1e-2, β2 0.99, ε 1e-15, full batch, cosine) through the trainer: a 32² crop
    // within 60 steps (measured 41.9 dB).
    [Fact]
    public void GridFieldFitsACropWithInstantNgpsRecipe()
    {
        var crop = FieldImage.Load(null, size: 256).Crop(64, 96, 32, 32);
        var grid = FitDefaults.For(EncodingKind.Grid);
        using var fit = FieldTrainer.Fit(crop, grid with { Encoding = grid.Encoding with { GridMax = 32 }, Steps = 60, EvalEvery = 60 });
        Assert.True(fit.Psnr > 38, $"grid {fit.Psnr:F2} dB");
    }
}
