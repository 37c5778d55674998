using NeuralLab.Common;
using NeuralLab.NeuralFields.Tiles;

namespace NeuralLab.Tests.NeuralFields.Tiles;

/// <summary>The tile layout, the per-tile seeds and the shard selection: plain arithmetic, no libtorch.</summary>
[Collection(Independent.Name)]
public class TileLayoutTests
{
    [Theory]
    [InlineData(64, 64, 32, 8)]     // 24-pixel stride: 3 tiles per axis, the last one 16 wide
    [InlineData(100, 37, 32, 8)]    // neither side a multiple of the stride; 37 = one tile and 5 pixels
    [InlineData(32, 32, 32, 8)]     // exactly one tile
    [InlineData(20, 300, 64, 16)]   // shorter than a tile along one axis
    [InlineData(2000, 4096, 256, 16)]
    [InlineData(300, 299, 10, 5)]    // overlap exactly half a tile
    public void Layout_covers_the_image_and_neighbours_share_exactly_the_overlap(int height, int width, int tile, int overlap)
    {
        var layout = new TileLayout(height, width, tile, overlap);
        layout.Validate();
        var covered = new int[height, width];
        foreach (var t in layout.Tiles)
        {
            Assert.InRange(t.Height, 1, tile);
            Assert.InRange(t.Width, 1, tile);
            Assert.True(t.Top >= 0 && t.Left >= 0 && t.Top + t.Height <= height && t.Left + t.Width <= width, t.ToString());
            Assert.Equal(t.Row * layout.Columns + t.Column, t.Index);
            for (int r = t.Top; r < t.Top + t.Height; r++)
                for (int c = t.Left; c < t.Left + t.Width; c++) covered[r, c]++;
        }
        var uncovered = Enumerable.Range(0, height).SelectMany(r => Enumerable.Range(0, width).Where(c => covered[r, c] == 0).Select(c => (r, c))).Take(3).ToList();
        Assert.Empty(uncovered);
        Assert.Equal(layout.Rows * layout.Columns, layout.Count);
        foreach (int length in new[] { height, width })
        {
            var starts = layout.Starts(length);
            var lengths = layout.Lengths(length);
            Assert.Equal(length <= tile ? 1 : (int)Math.Ceiling((length - overlap) / (double)(tile - overlap)), starts.Length);
            Assert.Equal(length, starts[^1] + lengths[^1]); // the last tile ends at the edge
            for (int k = 0; k + 1 < starts.Length; k++)
            {
                Assert.Equal(overlap, starts[k] + lengths[k] - starts[k + 1]); // the band the merge blends over
                Assert.True(lengths[k + 1] > overlap, $"tile {k + 1} of {length} lies inside its neighbour");
            }
        }
    }

    [Theory]
    [InlineData(32, 1)]
    [InlineData(32, 0)]
    [InlineData(32, 17)]
    [InlineData(0, 0)]
    public void Layouts_that_cannot_be_blended_are_refused(int tile, int overlap)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TileLayout(64, 64, tile, overlap).Validate());
        Assert.Equal(tile <= 0 ? nameof(TileLayout.TileSize) : nameof(TileLayout.Overlap), e.ParamName);
    }

    [Fact]
    public void Tile_seeds_depend_on_the_seed_and_the_index_only_and_differ()
    {
        var seeds = Enumerable.Range(0, 4096).Select(i => TileLayout.TileSeed(7, i)).ToList();
        Assert.Equal(seeds, Enumerable.Range(0, 4096).Select(i => TileLayout.TileSeed(7, i)).ToList());
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.NotEqual(TileLayout.TileSeed(7, 0), TileLayout.TileSeed(8, 0));
        Assert.NotEqual(TileLayout.TileSeed(0, 1), TileLayout.TileSeed(1, 0));
    }

    static Func<string, string?> Environment(params (string Key, string Value)[] variables) =>
        key => variables.FirstOrDefault(v => v.Key == key).Value;

    static (int Index, int Count) Shard(TileShard shard) => (shard.Index, shard.Count);

    [Fact]
    public void Shards_come_from_the_flag_then_slurm_then_kubernetes_then_all()
    {
        Assert.Equal((1, 4), Shard(TileShard.Select("1/4", null, Environment((TileShard.SlurmTaskId, "3"), (TileShard.SlurmTaskCount, "8")))));
        Assert.Equal((3, 8), Shard(TileShard.Select(null, null, Environment((TileShard.SlurmTaskId, "3"), (TileShard.SlurmTaskCount, "8")))));
        // sbatch --array=1-8 numbers tasks from 1, --array=0-14:2 every other one: shards are numbered from 0 either way.
        Assert.Equal((0, 8), Shard(TileShard.Select(null, null,
            Environment((TileShard.SlurmTaskId, "1"), (TileShard.SlurmTaskCount, "8"), (TileShard.SlurmTaskMin, "1")))));
        Assert.Equal((5, 8), Shard(TileShard.Select(null, null,
            Environment((TileShard.SlurmTaskId, "10"), (TileShard.SlurmTaskCount, "8"), (TileShard.SlurmTaskMin, "0"), (TileShard.SlurmTaskStep, "2")))));
        Assert.Equal((2, 5), Shard(TileShard.Select(null, 5, Environment((TileShard.KubernetesIndex, "2")))));
        Assert.Equal((0, 1), Shard(TileShard.Select(null, null, Environment())));
        Assert.Equal("all", TileShard.Select(null, null, Environment()).Source);
        Assert.Equal("slurm", TileShard.Select(null, null, Environment((TileShard.SlurmTaskId, "0"), (TileShard.SlurmTaskCount, "2"))).Source);
    }

    [Theory]
    [InlineData("2/2", null, "shard")]
    [InlineData("-1/2", null, "shard")]
    [InlineData("1/0", null, "shard")]
    [InlineData("1", null, "shard")]
    [InlineData("a/b", null, "shard")]
    [InlineData(null, 0, "shards")]
    [InlineData("0/2", 2, null)]  // both ways at once
    [InlineData(null, 2, null)]   // --shards without JOB_COMPLETION_INDEX
    public void Bad_shards_are_refused(string? shard, int? shards, string? parameter)
    {
        // A value of one parameter names it (the CLI's flag); a combination of parameters and environment is bad input as a whole.
        if (parameter is null) Assert.Throws<BadInputException>(() => TileShard.Select(shard, shards, Environment()));
        else Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(() => TileShard.Select(shard, shards, Environment())).ParamName);
    }

    [Fact]
    public void Kubernetes_needs_the_number_of_shards_and_an_index_inside_it()
    {
        Assert.Throws<BadInputException>(() => TileShard.Select(null, null, Environment((TileShard.KubernetesIndex, "0"))));
        Assert.Throws<BadInputException>(() => TileShard.Select(null, 2, Environment((TileShard.KubernetesIndex, "2"))));
        Assert.Throws<BadInputException>(() => TileShard.Select(null, null, Environment((TileShard.SlurmTaskId, "0")))); // no count
    }

    [Fact]
    public void The_shards_split_the_tiles_into_disjoint_sets_that_cover_them_all()
    {
        var layout = new TileLayout(1000, 700, 64, 16);
        for (int n = 1; n <= 7; n++)
        {
            var owners = layout.Tiles.Select(t => Enumerable.Range(0, n).Where(i => new TileShard(i, n).Owns(t.Index)).ToList()).ToList();
            Assert.All(owners, o => Assert.Single(o));
        }
    }
}
