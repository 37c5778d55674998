using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Encodings;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields;

/// <summary>
/// The fused grid kernel (raw-memory gather and scatter) and the cached plans against the composed kernel computing
/// everything in libtorch ops (autograd): same features, same table gradients, on dense and hashed levels and on cell borders.
/// Tolerances, float32: both kernels compute the same cells and weights with the same operations in the same order
/// (so the same bits); they differ only in the order of additions — four corner products per feature (a few ulps of
/// the feature's scale, bounded here by 1e-6 relative), and a table row's gradient summed over every point that
/// touches it in a different order (hundreds of terms: relative error up to about √k·2⁻²⁴ ≈ 1e-6, bounded by 1e-5).
/// </summary>
public class GridKernelTests
{
    // Dense levels (3, 5 → 16, 36 rows ≤ 40) and a hashed one (9 → 100 > 40), T not a power of two (remainder),
    // and the peer's 8 levels 16→256 with T = 8192 (power of two: mask), 4 dense and 4 hashed.
    static readonly EncodingConfig Small = new() { Kind = EncodingKind.Grid, GridLevels = 3, GridFeatures = 2, GridMin = 3, GridMax = 9, GridTable = 40 };
    static readonly EncodingConfig Peer = new() { Kind = EncodingKind.Grid, GridLevels = 8, GridFeatures = 2, GridMin = 16, GridMax = 256, GridTable = 8192 };

    public static TheoryData<string> Grids() => new() { "small", "peer" };

    static EncodingConfig Config(string name) => name == "small" ? Small : Peer;

    /// <summary>Random points plus every level's cell borders and vertices, and the image's corners (u = 0 and 1).</summary>
    static Tensor Points(EncodingConfig config, int seed)
    {
        torch.random.manual_seed(seed);
        var parts = new List<Tensor> { rand(300, 2) * 2 - 1 };
        foreach (int r in config.GridResolutions())
        {
            var borders = arange(0, r + 1, dtype: float32) / r * 2 - 1;                            // x at u = k / N_l
            var across = rand(r + 1) * 2 - 1;
            parts.Add(stack([borders, across], 1));                                                // borders in x
            parts.Add(stack([across, borders], 1));                                                // borders in y
            parts.Add(stack([borders, borders.flip(0)], 1));                                       // vertices
        }
        parts.Add(tensor(new float[] { -1, -1, 1, 1, -1, 1, 1, -1 }).view(4, 2));
        return cat(parts, 0);                                                                      // (N, 2), float32
    }

    static GridEncoding Grid(EncodingConfig config, GridKernel kernel, int seed)
    {
        torch.random.manual_seed(seed);
        var grid = new GridEncoding(config) { Kernel = kernel };
        using (no_grad()) grid.parameters().Single().uniform_(-1, 1);
        return grid;
    }

    static (Tensor Features, Tensor Gradient) FeaturesAndTableGradient(GridEncoding grid, Tensor points, Tensor upstream)
    {
        var table = grid.parameters().Single();
        table.grad = null;
        var features = grid.call(points);
        (features * upstream).sum().backward();
        return (features.detach(), table.grad!.clone());
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void FusedAndCachedKernelsMatchTheComposedOne(string name)
    {
        var config = Config(name);
        var points = Points(config, 1);
        using var composed = Grid(config, GridKernel.Composed, 2);
        torch.random.manual_seed(3);
        var upstream = randn(points.shape[0], config.OutputDimension); // (N, L·F): a random ∂L/∂features
        var (expected, expectedGradient) = FeaturesAndTableGradient(composed, points, upstream);
        double featureScale = expected.abs().max().item<float>(), gradientScale = expectedGradient.abs().max().item<float>();
        Assert.True(featureScale > 0.1 && gradientScale > 0.1);
        foreach (var (kernel, cache) in new[] { (GridKernel.Fused, true), (GridKernel.Fused, false), (GridKernel.Composed, true) })
        {
            using var other = Grid(config, kernel, 2);
            other.CachePlans = cache;
            // Three passes: the first sighting, the one that builds the cached plan, and one from the cache.
            for (int pass = 0; pass < 3; pass++)
            {
                var (features, gradient) = FeaturesAndTableGradient(other, points.clone(), upstream);
                double featureError = (features - expected).abs().max().item<float>();
                double gradientError = (gradient - expectedGradient).abs().max().item<float>();
                Assert.True(featureError <= 1e-6 * featureScale, $"{kernel} (cache {cache}) pass {pass}: features differ by {featureError} (scale {featureScale})");
                Assert.True(gradientError <= 1e-5 * gradientScale, $"{kernel} (cache {cache}) pass {pass}: table gradients differ by {gradientError} (scale {gradientScale})");
            }
            Assert.Equal(cache ? 1 : 0, other.CachedChunks);
        }
    }

    // A plan is found by the coordinates' content: the same tensor changed in place must not reuse its old plan.
    [Fact]
    public void CachedPlanFollowsTheCoordinatesContentNotTheTensor()
    {
        var points = Points(Small, 4);
        using var fused = Grid(Small, GridKernel.Fused, 5);
        using var composed = Grid(Small, GridKernel.Composed, 5);
        using var noGrad = no_grad();
        for (int pass = 0; pass < 3; pass++) fused.call(points);
        points.mul_(0.9f).add_(0.05f);
        double error = (fused.call(points) - composed.call(points)).abs().max().item<float>();
        Assert.True(error < 1e-5, $"stale plan: error {error}");
        Assert.Equal(2, fused.CachedChunks);
    }

    // Differentiating the backward itself (create_graph, e.g. a penalty on the gradient's norm) through the fused
    // kernel gives the composed kernel's second-order parameter gradients: its backward turns into libtorch ops then.
    [Fact]
    public void SecondOrderParameterGradientsMatchThroughTheFusedKernel()
    {
        var points = Points(Small, 6);
        Tensor[] SecondOrder(GridKernel kernel)
        {
            torch.random.manual_seed(7);
            var field = new CoordinateMlp(new FieldArchitecture(FieldActivation.Silu, Hidden: 16, Layers: 1), Small);
            var grid = field.modules().OfType<GridEncoding>().Single();
            grid.Kernel = kernel;
            using (no_grad()) grid.parameters().Single().uniform_(-1, 1);
            var parameters = field.parameters().ToArray();
            var loss = field.call(points).square().mean();
            var gradients = autograd.grad([loss], parameters, create_graph: true, retain_graph: true);
            var penalty = gradients.Select(g => g.square().sum()).Aggregate((a, b) => a + b);
            return autograd.grad([penalty], parameters).Select(g => g.detach().clone()).ToArray();
        }
        var expected = SecondOrder(GridKernel.Composed);
        var actual = SecondOrder(GridKernel.Fused);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = expected[i].abs().max().item<float>();
            double error = (actual[i] - expected[i]).abs().max().item<float>();
            Assert.True(error <= 1e-4 * Math.Max(scale, 1e-3), $"parameter {i}: second-order gradients differ by {error} (scale {scale})");
        }
    }

    [Fact]
    public void NoPointsGiveNoFeatures()
    {
        using var fused = Grid(Small, GridKernel.Fused, 10);
        Assert.Equal([0L, Small.OutputDimension], fused.call(empty(0, 2)).shape);
    }

    // Derivatives with respect to the coordinates always go through the composed kernel, whatever the grid's kernel.
    [Fact]
    public void InputsThatRequireGradTakeTheComposedKernel()
    {
        var points = Points(Small, 8).requires_grad_(true);
        using var fused = Grid(Small, GridKernel.Fused, 9);
        var features = fused.call(points);
        var gradient = autograd.grad([features.sum()], [points])[0];
        Assert.True(gradient.abs().sum().item<float>() > 0);
        Assert.Equal(0, fused.CachedChunks);
    }
}
