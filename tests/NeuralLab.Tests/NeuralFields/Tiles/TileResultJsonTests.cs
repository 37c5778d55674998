using System.Text.Json.Nodes;
using NeuralLab.Common;
using NeuralLab.NeuralFields.Tiles;

namespace NeuralLab.Tests.NeuralFields.Tiles;

/// <summary>
/// The JSON of a shard's result (tiles fit --json) is a format users script against: the shared base of the image and
/// folder results (TileRunResult), or a tile's metrics built on its bounds (TileBounds), must not move a key. The expected texts are the serializations of the
/// records as they were before the base existed, with the same values.
/// </summary>
[Collection(Independent.Name)]
public class TileResultJsonTests
{
    const string ShardBefore = """{"directory":"/d","shard":"1/2","shard_source":"--shard","tiles":4,"owned":[1,3],"fitted":[1],"skipped":[3],"seconds":2.5,"seconds_per_tile":2.25,"mean_tile_psnr":30.5,"tile_psnrs":{"1":30.5},"pixel_weighted_tile_psnr":30.25,"decoding":"rows","peak_memory_bytes":1024,"cancelled":false}""";

    const string FolderBefore = """{"directory":"/d","shard":"0/1","shard_source":"all","images":2,"tiles":5,"owned":[{"file":"a.png","tiles":3,"fitted":[0,1],"skipped":[2],"decoding":"whole"}],"fitted_tiles":2,"skipped_tiles":1,"unreadable":[{"file":"b.txt.png","reason":"not an image"}],"failed":[],"seconds":3.5,"seconds_per_tile":1.5,"pixel_weighted_tile_psnr":28.75,"peak_memory_bytes":2048,"cancelled":true}""";

    const string TileBefore = """{"index":5,"row":1,"column":2,"top":24,"left":48,"height":32,"width":30,"seed":7,"psnr":31.5,"steps":200,"seconds":1.25,"stopped_because":"steps","parameters":4321,"shard":"1/4"}""";

    static string Compact(string indented) => JsonNode.Parse(indented)!.ToJsonString();

    [Fact]
    public void A_shards_result_serializes_as_before()
    {
        var result = new TileShardResult
        {
            Directory = "/d", Shard = "1/2", ShardSource = "--shard", Tiles = 4, Owned = [1, 3], Fitted = [1], Skipped = [3], Seconds = 2.5,
            SecondsPerTile = 2.25, MeanTilePsnr = 30.5, TilePsnrs = new Dictionary<int, double> { [1] = 30.5 }, PixelWeightedTilePsnr = 30.25,
            Decoding = "rows", PeakMemoryBytes = 1024, Cancelled = false,
        };
        Assert.Equal(ShardBefore, Compact(Json.Serialize(result)));
    }

    [Fact]
    public void A_tiles_metrics_serialize_as_before()
    {
        var metrics = new TileMetrics(new TileBounds(Index: 5, Row: 1, Column: 2, Top: 24, Left: 48, Height: 32, Width: 30))
        {
            Seed = 7, Psnr = 31.5, Steps = 200, Seconds = 1.25, StoppedBecause = "steps", Parameters = 4321, Shard = "1/4",
        };
        Assert.Equal(TileBefore, Compact(Json.Serialize(metrics)));
    }

    [Fact]
    public void A_folders_result_serializes_as_before()
    {
        var result = new TileFolderResult
        {
            Directory = "/d", Shard = "0/1", ShardSource = "all", Images = 2, Tiles = 5,
            Owned = [new TileFolderImageResult { File = "a.png", Tiles = 3, Fitted = [0, 1], Skipped = [2], Decoding = "whole" }],
            FittedTiles = 2, SkippedTiles = 1, Unreadable = [new TileFolderSkip("b.txt.png", "not an image")], Failed = [], Seconds = 3.5,
            SecondsPerTile = 1.5, PixelWeightedTilePsnr = 28.75, PeakMemoryBytes = 2048, Cancelled = true,
        };
        Assert.Equal(FolderBefore, Compact(Json.Serialize(result)));
    }
}
