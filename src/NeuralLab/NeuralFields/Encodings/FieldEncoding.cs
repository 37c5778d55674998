using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Encodings;

/// <summary>
/// γ: field coordinates (N, 2) in [-1, 1] → features (N, <see cref="EncodingConfig.OutputDimension"/>),
/// built from libtorch ops only, so autograd differentiates it twice (gradient and Laplacian maps,
/// derivative losses) without a hand-written backward.
/// </summary>
internal abstract class FieldEncoding(string name) : nn.Module<Tensor, Tensor>(name)
{
    public static FieldEncoding? Create(EncodingConfig config)
    {
        config.Validate();
        return config.Kind switch
        {
            EncodingKind.Fourier => new FourierEncoding(config),
            EncodingKind.Grid => new GridEncoding(config),
            _ => null,
        };
    }
}

/// <summary>
/// Gaussian random Fourier features γ(u) = [cos 2πBu, sin 2πBu], B ~ N(0, σ²) of shape (m, 2), drawn once
/// from libtorch's (seeded) generator and kept as a buffer, so it is saved with the weights (Tancik et al.
/// 2020, Sec. 6). Every output is C^∞ in u, so the field is as smooth as its decoder.
/// </summary>
internal sealed class FourierEncoding : FieldEncoding
{
    readonly Tensor frequencies; // B: (m, 2), cycles per unit of u

    public FourierEncoding(EncodingConfig config) : base(nameof(FourierEncoding))
    {
        frequencies = (randn(config.FourierFeatures, 2) * config.FourierScale).DetachFromDisposeScope();
        RegisterComponents();
    }

    public override Tensor forward(Tensor coordinates) // (N, 2) → (N, 2m)
    {
        using var scope = NewDisposeScope();
        // 2πBu with u = (x + 1)/2, i.e. πB(x + 1): the scale folded into the (N, 2) input, not the (N, m) product.
        var phase = mm((coordinates + 1) * Math.PI, frequencies.t()); // (N, m)
        return cat([phase.cos(), phase.sin()], 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The multiresolution feature grid of Instant-NGP (Müller et al. 2022, Sec. 3) in 2-D: L levels of
/// N_l × N_l cells over u ∈ [0, 1]²; each level's (N_l + 1)² vertices hold F trainable features, stored
/// densely when they fit in T entries and otherwise spatially hashed, h(x, y) = (x·1 ⊕ y·2654435761) mod T.
/// A point's features are the four corners' features blended by interpolation weights, concatenated over levels.
///
/// Weights: bilinear weights are linear in each cell, so the field's second derivative through them is zero
/// inside a cell and a Dirac at its border: the Laplacian map would be meaningless. We use the quintic
/// s(t) = 6t⁵ − 15t⁴ + 10t³ (Perlin 2002): s' and s'' vanish at t = 0 and 1, so each level is C² across cell
/// borders and the Laplacian is continuous. The smoothstep 3t² − 2t³ would be C¹ only: its s''(0) = 6 and
/// s''(1) = −6 make the Laplacian jump at every cell border of every level (seams in the map and a
/// finite-difference mismatch there). Price of either: s'(0) = s'(1) = 0, so one level's gradient vanishes at
/// its own vertices; the other levels' vertices lie elsewhere, so the sum does not.
///
/// Two kernels compute the same features (<see cref="GridKernel"/>). The composed one is about twenty libtorch ops
/// on (N, L, 4) tensors — all levels and corners are one gather into one table holding every level at its offset —
/// and autograd differentiates it to any order: it serves every input that requires grad (gradient and Laplacian
/// maps, derivative supervision). Value fitting and rendering only need the table's first derivative, and there the
/// fused kernel (<see cref="GridGather"/>) does the gather and the backward's scatter over raw memory, with each
/// point's corners and weights from <see cref="GridPlanCache"/>: on a fixed pixel grid they are constants, computed
/// on a chunk's second sighting and reused by every later step (docs/benchmarks.md, "Field encodings", for the A/B).
/// </summary>
internal sealed class GridEncoding : FieldEncoding
{
    /// <summary>The second prime of Müller et al.'s spatial hash (the first is 1).</summary>
    public const long HashPrime = 2654435761L;

    readonly Parameter table; // (Σ_l size_l, F)
    readonly GridLayout layout;
    readonly GridPlanCache plans = new();

    /// <summary>The kernel new grids use (<see cref="GridKernel.Fused"/>); benchmarks switch it (and <see cref="DefaultCachePlans"/>)
    /// for an A/B through the trainer, which builds its own model. Tests set a grid's own <see cref="Kernel"/> instead.</summary>
    public static GridKernel DefaultKernel { get; set; } = GridKernel.Fused;

    /// <summary>Whether new grids keep plans of coordinates seen again (<see cref="GridPlanCache"/>).</summary>
    public static bool DefaultCachePlans { get; set; } = true;

    /// <summary>This grid's kernel for inputs that do not require grad; inputs that do always take the composed kernel without a plan.</summary>
    public GridKernel Kernel { get; set; } = DefaultKernel;

    /// <summary>Whether this grid takes corners and weights from <see cref="GridPlanCache"/> (else it computes them every call).</summary>
    public bool CachePlans { get; set; } = DefaultCachePlans;

    /// <summary>Chunks of coordinates whose plan (or first-sighting copy) is cached; for tests.</summary>
    internal int CachedChunks => plans.Count;

    public GridEncoding(EncodingConfig config) : base(nameof(GridEncoding))
    {
        int[] resolutions = config.GridResolutions();
        long[] sizes = config.GridLevelSizes();
        long[] offsets = new long[sizes.Length];
        for (int l = 1; l < sizes.Length; l++) offsets[l] = offsets[l - 1] + sizes[l - 1];
        int denseLevels = resolutions.TakeWhile(r => (long)(r + 1) * (r + 1) <= config.GridTable).Count();
        layout = new GridLayout(config.GridLevels, config.GridFeatures, denseLevels, config.GridTable,
            resolutions.Select(r => (double)r).ToArray(), resolutions.Select(r => (long)r + 1).ToArray(), offsets, sizes.Sum());
        // Müller et al. initialise the table from U(−1e-4, 1e-4): small enough that the decoder starts near
        // its bias, not zero, so every entry gets a gradient from the first step.
        using (no_grad())
            table = new Parameter(empty(sizes.Sum(), config.GridFeatures).uniform_(-1e-4, 1e-4));
        RegisterComponents();
    }

    public override Tensor forward(Tensor coordinates) // (N, 2) → (N, L·F)
    {
        if (coordinates.requires_grad || !Plannable(coordinates) || Kernel == GridKernel.Composed && !CachePlans) return Composed(coordinates);
        bool single = table.dtype == ScalarType.Float32;
        if (Kernel == GridKernel.Fused)
            return single ? GridGather.apply(table, Plan<float>(coordinates), layout) : GridGather.apply(table, Plan<double>(coordinates), layout);
        return single ? Gather(Plan<float>(coordinates)) : Gather(Plan<double>(coordinates));
    }

    /// <summary>Whether a plan can describe these coordinates: at least one point, float32 or float64 like the table, on the
    /// CPU, and rows and plan entries (L·N·4) that an int counts (the fused loops index with ints).</summary>
    bool Plannable(Tensor coordinates) =>
        coordinates.dtype == table.dtype && (table.dtype is ScalarType.Float32 or ScalarType.Float64) && coordinates.device_type == DeviceType.CPU
        && coordinates.dim() == 2 && coordinates.shape[1] == 2 && coordinates.shape[0] > 0 && layout.Rows * layout.Features < int.MaxValue
        && layout.Levels * coordinates.shape[0] * 4 < int.MaxValue;

    GridPlan<T> Plan<T>(Tensor coordinates) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var contiguous = coordinates.contiguous();
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(contiguous.bytes);
        return CachePlans ? plans.Get(values, layout) : GridPlan<T>.Build(values, layout);
    }

    /// <summary>The cached plan's gather and weighted sum in libtorch ops (autograd's backward: index_add).</summary>
    Tensor Gather<T>(GridPlan<T> plan) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var scope = NewDisposeScope();
        var (rows, weights) = plan.AsTensors(table.dtype);                                                      // (L·N·4), (L, N, 4, 1)
        var corners = table.index_select(0, rows).view(layout.Levels, plan.Points, 4, layout.Features);       // (L, N, 4, F)
        return (corners * weights).sum(2).permute(1, 0, 2).reshape(plan.Points, layout.Levels * layout.Features).MoveToOuterDisposeScope(); // (N, L·F)
    }

    Tensor Composed(Tensor coordinates) // (N, 2) → (N, L·F)
    {
        using var scope = NewDisposeScope();
        long n = coordinates.shape[0];
        int levels = layout.Levels, features = layout.Features, dense = layout.DenseLevels;
        var device = coordinates.device;
        var resolution = tensor(layout.Resolutions, dtype: coordinates.dtype, device: device).view(1, levels, 1); // (1, L, 1)
        var q = ((coordinates + 1) * 0.5).unsqueeze(1) * resolution; // (N, L, 2) in cell units
        // The cell's lower corner, clamped so u = 1 (the last pixel centre) falls in the last cell with t = 1.
        var cell = q.detach().floor().clamp_min_(0).minimum(resolution - 1); // (N, L, 2)
        var t = q - cell;                                                     // (N, L, 2) in [0, 1]
        var s = t * t * t * (t * (t * 6 - 15) + 10);                          // quintic weights, C²
        var sx = s.select(2, 0);                                              // (N, L)
        var sy = s.select(2, 1);
        var rx = 1 - sx;
        var ry = 1 - sy;
        var weights = stack([rx * ry, sx * ry, rx * sy, sx * sy], 2);        // (N, L, 4): corners (0,0) (1,0) (0,1) (1,1)

        var corner = cell.to_type(ScalarType.Int64); // (N, L, 2)
        var cx = corner.select(2, 0);                // (N, L)
        var cy = corner.select(2, 1);
        var parts = new List<Tensor>(2);
        if (dense > 0)
        {
            // Vertex (x, y) of a dense level sits at x·(N_l + 1) + y: the four corners are base + {0, N_l+1, 1, N_l+2}.
            var stride = tensor(layout.Strides[..dense], device: device);                                    // (D)
            var baseIndex = cx.narrow(1, 0, dense) * stride + cy.narrow(1, 0, dense) + tensor(layout.Offsets[..dense], device: device); // (N, D)
            var cornerStep = stack([zeros_like(stride), stride, ones_like(stride), stride + 1], 1);            // (D, 4)
            parts.Add(baseIndex.unsqueeze(2) + cornerStep);                                                  // (N, D, 4)
        }
        if (dense < levels)
        {
            int hashed = levels - dense;
            var hx = cx.narrow(1, dense, hashed).unsqueeze(2) + tensor(new long[] { 0, 1, 0, 1 }, device: device);                  // (N, H, 4)
            var hy = (cy.narrow(1, dense, hashed).unsqueeze(2) + tensor(new long[] { 0, 0, 1, 1 }, device: device)) * HashPrime;  // (N, H, 4)
            var hash = hx.bitwise_xor_(hy);
            // mod T: a mask when T is a power of two (the same number, one cheap op instead of a division).
            hash = (layout.Table & (layout.Table - 1)) == 0 ? hash.bitwise_and_(layout.Table - 1) : hash.remainder_(layout.Table);
            parts.Add(hash + tensor(layout.Offsets[dense..], device: device).view(1, hashed, 1));              // (N, H, 4)
        }
        var index = parts.Count == 1 ? parts[0] : cat(parts, 1); // (N, L, 4)

        var corners = table.index_select(0, index.view(-1)).view(n, levels, 4, features); // (N, L, 4, F)
        return (corners * weights.unsqueeze(3)).sum(2).view(n, levels * features).MoveToOuterDisposeScope(); // (N, L·F)
    }
}
