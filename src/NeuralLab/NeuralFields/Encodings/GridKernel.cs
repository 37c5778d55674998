using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields.Encodings;

/// <summary>How <see cref="GridEncoding"/> computes its features when no derivative with respect to the coordinates is asked.</summary>
internal enum GridKernel
{
    /// <summary>libtorch ops: a gather (index_select) and a weighted sum, autograd's backward (index_add); without a cached
    /// plan, about twenty more ops on (N, L, 4) tensors compute the corners (index arithmetic, hash) and weights first.</summary>
    Composed,
    /// <summary>A custom autograd function over raw memory: forward gathers and blends every level, backward scatters into the table.</summary>
    Fused,
}

/// <summary>
/// The table layout of a grid: levels 0..DenseLevels−1 are dense (resolutions grow, so dense levels come first); the
/// rest are hashed into <see cref="Table"/> entries. Level l's rows start at <see cref="Offsets"/>[l];
/// <see cref="Strides"/>[l] = N_l + 1 is a dense level's row length.
/// </summary>
internal sealed record GridLayout(int Levels, int Features, int DenseLevels, long Table, double[] Resolutions, long[] Strides, long[] Offsets, long Rows);

/// <summary>
/// Every level's four corner rows and interpolation weights for a set of points, level-major (L, N, 4), corners in the
/// order (0,0) (1,0) (0,1) (1,1): all the forward gathers with and all the backward scatters with. On a fixed pixel
/// grid these never change, so <see cref="GridPlanCache"/> keeps them across steps.
/// </summary>
internal sealed class GridPlan<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public required int Points { get; init; }
    public required int[] Rows { get; init; }  // (L, N, 4)
    public required T[] Weights { get; init; } // (L, N, 4)
    /// <summary>The same as tensors, once asked for (<see cref="GridPlanTensors.AsTensors"/>).</summary>
    public (Tensor Rows, Tensor Weights)? Tensors { get; set; }
    public long Bytes => Rows.LongLength * (sizeof(int) + Unsafe.SizeOf<T>());

    /// <summary>
    /// The plan of <paramref name="coordinates"/> (N·2 values in [-1, 1]), with the composed forward's arithmetic in
    /// the same order and precision (q = ((x + 1)·½)·N_l, cell = clamp(⌊q⌋, 0, N_l − 1), quintic s(q − cell)), so the
    /// two kernels see the same cells and the same weights.
    /// </summary>
    public static GridPlan<T> Build(ReadOnlySpan<T> coordinates, GridLayout layout)
    {
        int n = coordinates.Length / 2;
        var plan = new GridPlan<T> { Points = n, Rows = new int[(long)layout.Levels * n * 4], Weights = new T[(long)layout.Levels * n * 4] };
        var points = coordinates.ToArray(); // a copy the workers can share (a span cannot cross into a lambda)
        GridParallel.For(layout.Levels, n, (level, start, end) => plan.Fill(points, layout, level, start, end));
        return plan;
    }

    void Fill(T[] points, GridLayout layout, int level, int start, int end)
    {
        T one = T.One, half = T.CreateTruncating(0.5), six = T.CreateTruncating(6), fifteen = T.CreateTruncating(15), ten = T.CreateTruncating(10);
        T resolution = T.CreateTruncating(layout.Resolutions[level]);
        T lastCell = resolution - one;
        long offset = layout.Offsets[level], stride = layout.Strides[level], table = layout.Table;
        bool dense = level < layout.DenseLevels, powerOfTwo = (table & (table - 1)) == 0;
        var rows = Rows.AsSpan();
        var weights = Weights.AsSpan();
        for (int p = start; p < end; p++)
        {
            T qx = (points[2 * p] + one) * half * resolution, qy = (points[2 * p + 1] + one) * half * resolution;
            T cellX = T.Min(T.Max(T.Floor(qx), T.Zero), lastCell), cellY = T.Min(T.Max(T.Floor(qy), T.Zero), lastCell);
            T tx = qx - cellX, ty = qy - cellY;
            T sx = tx * tx * tx * (tx * (tx * six - fifteen) + ten), sy = ty * ty * ty * (ty * (ty * six - fifteen) + ten);
            T rx = one - sx, ry = one - sy;
            long cx = long.CreateTruncating(cellX), cy = long.CreateTruncating(cellY);
            int at = (int)(((long)level * Points + p) * 4);
            weights[at] = rx * ry;
            weights[at + 1] = sx * ry;
            weights[at + 2] = rx * sy;
            weights[at + 3] = sx * sy;
            if (dense)
            {
                long baseRow = offset + cx * stride + cy;
                rows[at] = (int)baseRow;
                rows[at + 1] = (int)(baseRow + stride);
                rows[at + 2] = (int)(baseRow + 1);
                rows[at + 3] = (int)(baseRow + stride + 1);
            }
            else
            {
                long y0 = cy * GridEncoding.HashPrime, y1 = (cy + 1) * GridEncoding.HashPrime;
                rows[at] = (int)(offset + Hash(cx ^ y0));
                rows[at + 1] = (int)(offset + Hash((cx + 1) ^ y0));
                rows[at + 2] = (int)(offset + Hash(cx ^ y1));
                rows[at + 3] = (int)(offset + Hash((cx + 1) ^ y1));
            }
        }

        long Hash(long h) => powerOfTwo ? h & (table - 1) : h % table;
    }
}

/// <summary>
/// Work split over levels and blocks of points on libtorch's thread budget (so a one-thread scope stays one thread),
/// and only for large calls: a training chunk's gather or scatter (8,192 points × 8 levels) is about a millisecond on
/// one core, and measured under load a Parallel.For there was slower than the loop alone — libtorch's OpenMP threads
/// still spin after the ops before it, and two more .NET workers on 2 cores wait for each other.
/// </summary>
internal static class GridParallel
{
    /// <summary>Points per work item: big enough that a task's overhead (microseconds) is small against its work.</summary>
    const int Block = 8192;

    /// <summary>Point-levels below which one thread does the whole call (about 10 ms of work).</summary>
    const long SerialBelow = 1 << 20;

    public static void For(int levels, int points, Action<int, int, int> body)
    {
        int blocks = Math.Max(1, (points + Block - 1) / Block);
        int items = levels * blocks;
        int threads = (long)levels * points < SerialBelow ? 1 : Math.Min(torch.get_num_threads(), items);
        void Item(int i)
        {
            int level = i / blocks, start = i % blocks * Block;
            body(level, start, Math.Min(points, start + Block));
        }
        if (threads <= 1) { for (int i = 0; i < items; i++) Item(i); return; }
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, Item);
    }

    /// <summary>One work item per level: the backward's scatter, where two blocks of one level would race on its rows.</summary>
    public static void ForLevels(int levels, int points, Action<int> body)
    {
        int threads = (long)levels * points < SerialBelow ? 1 : Math.Min(torch.get_num_threads(), levels);
        if (threads <= 1) { for (int l = 0; l < levels; l++) body(l); return; }
        Parallel.For(0, levels, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}

/// <summary>
/// Plans of coordinates seen again, found by content (not by tensor identity: the trainer narrows a new view of the
/// same pixels every step). The first sighting keeps only a copy of the coordinates (8 bytes a point in float32); the
/// second builds and keeps the plan (L·4·8 bytes a point: 256 for 8 levels). Full-batch training sees the same chunks
/// every step and its evaluation the same larger chunks every few steps, so both hit from their second pass on; a
/// render or a minibatch never repeats, and only churns a few bounded copies. Bounded by <see cref="MaxBytes"/> and
/// <see cref="MaxEntries"/>, least recently used first out.
/// </summary>
internal sealed class GridPlanCache
{
    /// <summary>The 512² astronaut's full-batch chunks and evaluation chunks at 8 levels take about 140 MB.</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>A render's one-off chunks (at most 65,536 points each) then hold at most 32 MB of copies.</summary>
    public const int MaxEntries = 64;

    sealed class Entry(byte[] coordinates)
    {
        public byte[] Coordinates { get; } = coordinates;
        public object? Plan { get; set; }
        public long Bytes => Coordinates.LongLength + (Plan switch { GridPlan<float> f => f.Bytes, GridPlan<double> d => d.Bytes, _ => 0 });
    }

    readonly LinkedList<Entry> entries = new(); // most recently used first
    long bytes;

    public int Count { get { lock (entries) return entries.Count; } }

    /// <summary>The plan of <paramref name="coordinates"/> (N, 2), from the cache when these coordinates were seen before.</summary>
    public GridPlan<T> Get<T>(ReadOnlySpan<T> coordinates, GridLayout layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var key = MemoryMarshal.AsBytes(coordinates);
        lock (entries)
        {
            for (var node = entries.First; node is not null; node = node.Next)
            {
                var entry = node.Value;
                if (entry.Coordinates.Length != key.Length || !key.SequenceEqual(entry.Coordinates)) continue;
                entries.Remove(node);
                entries.AddFirst(node);
                if (entry.Plan is GridPlan<T> cached) return cached;
                var plan = GridPlan<T>.Build(coordinates, layout);
                bytes -= entry.Bytes;
                entry.Plan = plan;
                bytes += entry.Bytes;
                Trim();
                return plan;
            }
            var added = new Entry(key.ToArray());
            entries.AddFirst(added);
            bytes += added.Bytes;
            Trim();
        }
        return GridPlan<T>.Build(coordinates, layout);
    }

    void Trim()
    {
        while (entries.Count > 1 && (bytes > MaxBytes || entries.Count > MaxEntries))
        {
            bytes -= entries.Last!.Value.Bytes;
            entries.RemoveLast();
        }
    }
}

/// <summary>
/// The grid's gather as one autograd node over raw memory. Forward: y[p, l·F + f] = Σ_c w[l,p,c]·table[row[l,p,c], f]
/// for every level at once; backward: ∂L/∂table[row[l,p,c], f] += w[l,p,c]·∂L/∂y[p, l·F + f], one level per worker
/// (levels own disjoint rows, so no two workers write one row). The features are linear in the table, so this is the
/// whole derivative with respect to it; the coordinates are constants here (the encoding routes any input that
/// requires grad to the composed kernel, whose derivatives autograd takes to any order). When the backward itself is
/// differentiated (create_graph), it returns the same scatter as libtorch ops, so a double backward still sees it.
/// </summary>
internal sealed class GridGather : autograd.SingleTensorFunction<GridGather>
{
    public override string Name => nameof(GridGather);

    /// <summary>vars: the table (rows, F), then a <see cref="GridPlan{T}"/> and the <see cref="GridLayout"/>.</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var table = (Tensor)vars[0];
        var layout = (GridLayout)vars[2];
        ctx.save_data("plan", vars[1]);
        ctx.save_data("layout", layout);
        return vars[1] switch
        {
            GridPlan<float> plan => Forward(table, plan, layout),
            GridPlan<double> plan => Forward(table, plan, layout),
            _ => throw new ArgumentException("a grid plan of float or double"),
        };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var layout = (GridLayout)ctx.get_data("layout");
        var gradTable = ctx.get_data("plan") switch
        {
            GridPlan<float> plan => Backward(gradOutput, plan, layout),
            GridPlan<double> plan => Backward(gradOutput, plan, layout),
            _ => throw new InvalidOperationException("no grid plan saved"),
        };
        return [gradTable, null!, null!];
    }

    static Tensor Forward<T>(Tensor table, GridPlan<T> plan, GridLayout layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = plan.Points, levels = layout.Levels, features = layout.Features;
        var output = empty([n, levels * features], dtype: table.dtype);                   // (N, L·F)
        using var values = table.contiguous();
        GridParallel.For(levels, n, (level, start, end) =>
        {
            var source = MemoryMarshal.Cast<byte, T>(values.bytes);
            var target = MemoryMarshal.Cast<byte, T>(output.bytes);
            var rows = plan.Rows.AsSpan();
            var weights = plan.Weights.AsSpan();
            for (int p = start; p < end; p++)
            {
                int at = (level * n + p) * 4;
                int r0 = rows[at] * features, r1 = rows[at + 1] * features, r2 = rows[at + 2] * features, r3 = rows[at + 3] * features;
                T w0 = weights[at], w1 = weights[at + 1], w2 = weights[at + 2], w3 = weights[at + 3];
                int y = p * levels * features + level * features;
                for (int f = 0; f < features; f++)
                    target[y + f] = w0 * source[r0 + f] + w1 * source[r1 + f] + w2 * source[r2 + f] + w3 * source[r3 + f];
            }
        });
        return output;
    }

    static Tensor Backward<T>(Tensor gradOutput, GridPlan<T> plan, GridLayout layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradOutput.requires_grad) return DifferentiableBackward(gradOutput, plan, layout);
        int n = plan.Points, levels = layout.Levels, features = layout.Features;
        var gradTable = zeros([layout.Rows, features], dtype: gradOutput.dtype); // (rows, F)
        using var incoming = gradOutput.contiguous();                          // (N, L·F)
        GridParallel.ForLevels(levels, n, level =>
        {
            var source = MemoryMarshal.Cast<byte, T>(incoming.bytes);
            var target = MemoryMarshal.Cast<byte, T>(gradTable.bytes);
            var rows = plan.Rows.AsSpan(level * n * 4, n * 4);
            var weights = plan.Weights.AsSpan(level * n * 4, n * 4);
            for (int p = 0; p < n; p++)
            {
                int y = p * levels * features + level * features;
                for (int c = 0; c < 4; c++)
                {
                    int row = rows[4 * p + c] * features;
                    T w = weights[4 * p + c];
                    for (int f = 0; f < features; f++) target[row + f] += w * source[y + f];
                }
            }
        });
        return gradTable;
    }

    /// <summary>The scatter as libtorch ops (index_add is differentiable in its source), for a create_graph backward.</summary>
    static Tensor DifferentiableBackward<T>(Tensor gradOutput, GridPlan<T> plan, GridLayout layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = plan.Points, levels = layout.Levels, features = layout.Features;
        var (rows, weights) = plan.AsTensors(gradOutput.dtype);                                           // (L·N·4), (L, N, 4, 1)
        var perLevel = gradOutput.view(n, levels, features).permute(1, 0, 2).unsqueeze(2);               // (L, N, 1, F)
        using var one = 1.ToScalar();
        return zeros([layout.Rows, features], dtype: gradOutput.dtype).index_add(0, rows, (perLevel * weights).reshape(-1, features), one);
    }
}

internal static class GridPlanTensors
{
    /// <summary>
    /// The plan as tensors: rows (L·N·4) int64 and weights (L, N, 4, 1) of <paramref name="dtype"/>, made once per plan
    /// and kept with it (outside any dispose scope; an evicted plan's tensors go with the plan, to the finalizer).
    /// </summary>
    public static (Tensor Rows, Tensor Weights) AsTensors<T>(this GridPlan<T> plan, ScalarType dtype) where T : unmanaged, IFloatingPointIeee754<T>
    {
        lock (plan)
        {
            if (plan.Tensors is { } made && made.Weights.dtype == dtype) return made;
            using var scope = NewDisposeScope();
            long levels = plan.Rows.LongLength / (4L * plan.Points);
            var rows = tensor(plan.Rows).to_type(ScalarType.Int64);                                          // (L·N·4)
            var weights = plan.Weights switch
            {
                float[] f => tensor(f),
                double[] d => tensor(d),
                _ => throw new ArgumentException("float or double weights"),
            };
            plan.Tensors = (rows.DetachFromDisposeScope(), weights.to_type(dtype).view(levels, plan.Points, 4, 1).DetachFromDisposeScope());
            return plan.Tensors.Value;
        }
    }
}
