using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;
using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields.Tiles;

/// <summary>
/// <c>tiles fit</c> as the scheduler runs it — separate processes of the built CLI, one per shard, the shard taken from
/// Slurm's and Kubernetes' environment variables — and <c>tiles merge</c> on the result: bit-identical to one process,
/// resumable after a kill, and without seams. The image is the 64² cameraman in 3×3 tiles of 32 with overlap 8
/// (--quick), with a small field so that every process runs in seconds. The kill and the folder's shards in processes of
/// their own are in the slow set; their twins in the fast set run the same commands in the test's process.
/// </summary>
public class TilesCommandTests(ITestOutputHelper log)
{
    static readonly string[] SmallField = ["--quick", "--hidden", "32", "--layers", "1", "--steps", "40"];

    static readonly string[] SchedulerVariables =
        [TileShard.SlurmTaskId, TileShard.SlurmTaskCount, TileShard.SlurmTaskMin, TileShard.SlurmTaskStep, TileShard.KubernetesIndex];

    /// <summary>The built CLI in its own process (the test project's output holds NeuralLab.Cli.dll and its runtimeconfig).
    /// One libtorch thread in every child: the reference and the shards then do the same arithmetic in the same order.</summary>
    static Process Start(Dictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "NeuralLab.Cli.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (string key in SchedulerVariables) start.Environment.Remove(key);
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    static CliRunner.Result Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var result = new CliRunner.Result(process.ExitCode, stdout.Result, stderr.Result);
        process.Dispose();
        return result;
    }

    static JsonElement Succeeded(CliRunner.Result result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    static int[] Ints(JsonElement json, string name) => json.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    static string[] Fit(string output, params string[] extra) => ["tiles", "fit", .. SmallField, "--out", output, "--json", .. extra];

    /// <summary>--size 100 overrides --quick's 64: the images keep their own sizes (and are read by rows).</summary>
    static string[] FitImage(string output, string image, params string[] extra) => ["tiles", "fit", image, .. SmallField, "--size", "100", "--out", output, "--json", .. extra];

    [Fact]
    public void Two_shards_in_two_processes_give_the_tiles_and_the_merge_of_one_process_bit_for_bit()
    {
        using var dir = new TempDir();
        string one = dir.File("one"), two = dir.File("two");
        // The two shards run at the same time, as an array job's tasks would, one told by Slurm's variables, one by Kubernetes'.
        var slurm = Start(new() { [TileShard.SlurmTaskId] = "1", [TileShard.SlurmTaskCount] = "2", [TileShard.SlurmTaskMin] = "1" }, Fit(two));
        var kubernetes = Start(new() { [TileShard.KubernetesIndex] = "1" }, Fit(two, "--shards", "2"));
        var single = Succeeded(Finish(Start(null, Fit(one))));
        var first = Succeeded(Finish(slurm));
        var second = Succeeded(Finish(kubernetes));

        Assert.Equal(Enumerable.Range(0, 9), Ints(single, "fitted"));
        Assert.Equal(("slurm", "0/2"), (first.GetProperty("shard_source").GetString(), first.GetProperty("shard").GetString()));
        Assert.Equal(new[] { 0, 2, 4, 6, 8 }, Ints(first, "fitted"));
        Assert.Equal(("kubernetes", "1/2"), (second.GetProperty("shard_source").GetString(), second.GetProperty("shard").GetString()));
        Assert.Equal(new[] { 1, 3, 5, 7 }, Ints(second, "fitted"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(one, TileRun.LayoutFile)), File.ReadAllBytes(Path.Combine(two, TileRun.LayoutFile)));
        for (int i = 0; i < 9; i++)
            foreach (string name in new[] { FieldCheckpoint.WeightsFile, FieldCheckpoint.ConfigFile })
                Assert.True(File.ReadAllBytes(Path.Combine(TileRun.TileDirectory(one, i), name)).SequenceEqual(File.ReadAllBytes(Path.Combine(TileRun.TileDirectory(two, i), name))),
                    $"tile {i}: {name} differs between one process and two shards");

        using var threads = LibtorchThreads.One();
        foreach (string what in new[] { "field", "laplacian" })
        {
            var merged = new[] { one, two }.Select(d => Succeeded(CliRunner.Run("tiles", "merge", d, "--what", what, "--size", "96", "--out", Path.Combine(d, $"{what}.png"), "--json"))).ToList();
            Assert.Equal(File.ReadAllBytes(Path.Combine(one, $"{what}.png")), File.ReadAllBytes(Path.Combine(two, $"{what}.png")));
            Assert.Equal(merged[0].GetProperty("psnr").GetDouble(), merged[1].GetProperty("psnr").GetDouble());
            Assert.Equal((9, 64, 64, 96, 96), (merged[1].GetProperty("tiles").GetInt32(), merged[1].GetProperty("height").GetInt32(), merged[1].GetProperty("width").GetInt32(),
                merged[1].GetProperty("render_height").GetInt32(), merged[1].GetProperty("render_width").GetInt32()));
            // 9 fields of Linear(2→32), Linear(32→32), Linear(32→1).
            Assert.Equal(9 * (3 * 32 + 33 * 32 + 33), merged[1].GetProperty("parameters").GetInt64());
        }
    }

    /// <summary>How a test runs the CLI: in processes of its own, all of a batch at the same time (as a scheduler's tasks), or
    /// here, one after the other (the caller holds <see cref="LibtorchThreads.One"/>: the children's arithmetic).</summary>
    delegate CliRunner.Result[] Runs(params string[][] commands);

    static CliRunner.Result[] InProcesses(params string[][] commands) => [.. commands.Select(c => Start(null, c)).ToList().Select(Finish)];

    static CliRunner.Result[] InThisProcess(params string[][] commands) => [.. commands.Select(c => CliRunner.Run(c))];

    [Fact]
    [Trait("Speed", "Slow")] // three processes one after another; the fast set resumes in one process (below)
    public void A_killed_shard_resumes_where_it_stopped_and_refits_a_lost_tile_identically()
    {
        using var dir = new TempDir();
        string output = dir.File("run");
        // Killed as soon as its first tile is finished (or later: the machine may be slow to notice).
        var victim = Start(null, Fit(output, "--shard", "0/1"));
        while (!victim.HasExited && !TiledFit.IsFinished(output, 0)) Thread.Sleep(10);
        if (!victim.HasExited) victim.Kill(entireProcessTree: true);
        victim.WaitForExit();
        victim.Dispose();
        ResumesAndRefitsALostTile(output, InProcesses);
    }

    /// <summary>The same resume in one process: the stop is the tiles after the third missing, as a kill leaves them.</summary>
    [Fact]
    public void A_stopped_run_resumes_where_it_stopped_and_refits_a_lost_tile_identically_in_one_process()
    {
        using var threads = LibtorchThreads.One();
        using var dir = new TempDir();
        string output = dir.File("run");
        Succeeded(CliRunner.Run(Fit(output)));
        var uninterrupted = Enumerable.Range(0, 9).Select(i => File.ReadAllBytes(Path.Combine(TileRun.TileDirectory(output, i), FieldCheckpoint.WeightsFile))).ToArray();
        foreach (int i in Enumerable.Range(3, 6)) Directory.Delete(TileRun.TileDirectory(output, i), recursive: true);
        ResumesAndRefitsALostTile(output, InThisProcess);
        Assert.All(Enumerable.Range(0, 9), i => Assert.Equal(uninterrupted[i], File.ReadAllBytes(Path.Combine(TileRun.TileDirectory(output, i), FieldCheckpoint.WeightsFile))));
    }

    /// <summary>What a run of shard 0/1 stopped in <paramref name="output"/> is resumed to: the finished tiles skipped, a hidden
    /// partial folder cleared, the rest fitted; then a tile lost afterwards is fitted again to the same bytes.</summary>
    static void ResumesAndRefitsALostTile(string output, Runs run)
    {
        var finished = Enumerable.Range(0, 9).Where(i => TiledFit.IsFinished(output, i)).ToArray();
        Assert.Contains(0, finished);
        // What a kill in the middle of writing a tile leaves: a hidden partial folder, never a half-written tile.
        string tilesFolder = Path.Combine(output, TileRun.TilesFolder);
        int unfinished = Enumerable.Range(0, 9).Except(finished).DefaultIfEmpty(-1).Last();
        if (unfinished >= 0)
        {
            string partial = Path.Combine(tilesFolder, $".{unfinished}.12345.0123456789abcdef.partial");
            Directory.CreateDirectory(partial);
            File.WriteAllText(Path.Combine(partial, FieldCheckpoint.ConfigFile), "{ half");
        }

        var resumed = Succeeded(run(Fit(output, "--shard", "0/1"))[0]);
        Assert.Equal(finished, Ints(resumed, "skipped"));
        Assert.Equal(Enumerable.Range(0, 9).Except(finished), Ints(resumed, "fitted"));
        Assert.Empty(Directory.EnumerateDirectories(tilesFolder, ".*"));
        Assert.All(Enumerable.Range(0, 9), i => Assert.True(TiledFit.IsFinished(output, i), $"tile {i}"));

        // A tile lost afterwards (its folder deleted) is fitted again, to the same bytes: the resumed run is the run.
        string lost = TileRun.TileDirectory(output, 4);
        byte[] before = File.ReadAllBytes(Path.Combine(lost, FieldCheckpoint.WeightsFile));
        Directory.Delete(lost, recursive: true);
        var again = Succeeded(run(Fit(output))[0]);
        Assert.Equal(new[] { 4 }, Ints(again, "fitted"));
        Assert.Equal(8, Ints(again, "skipped").Length);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(lost, FieldCheckpoint.WeightsFile)));
    }

    /// <summary>
    /// A folder: two readable images (a colour PNG in 2×3 tiles, a grayscale JPEG in one tile), a file that is no image, one
    /// whose pixels are cut off, and a text file. Two shards in two processes split the 7 tiles round robin; each image's
    /// tiles are those of tiles fit on that image alone, bit for bit; the unreadable files are reported by every shard and
    /// skipped, the text file ignored; a re-run skips everything; tiles merge reads an image's folder.
    /// </summary>
    [Fact]
    [Trait("Speed", "Slow")] // seven processes; the fast set runs the same commands in one process (below)
    public void A_folder_is_split_over_two_shards_image_by_image_as_single_image_runs_and_resumes() =>
        FolderIsSplitImageByImageAndResumes(InProcesses);

    [Fact]
    public void A_folder_is_split_over_two_shards_image_by_image_as_single_image_runs_and_resumes_in_one_process()
    {
        using var threads = LibtorchThreads.One();
        FolderIsSplitImageByImageAndResumes(InThisProcess);
    }

    static void FolderIsSplitImageByImageAndResumes(Runs run)
    {
        using var dir = new TempDir();
        string folder = dir.File("photos");
        Directory.CreateDirectory(folder);
        FieldImageTests.WriteImage(Path.Combine(folder, "a.png"), 70, 53, SkiaSharp.SKEncodedImageFormat.Png);
        FieldImageTests.WriteImage(Path.Combine(folder, "b.jpg"), 30, 24, SkiaSharp.SKEncodedImageFormat.Jpeg, gray: true);
        File.WriteAllText(Path.Combine(folder, "c.png"), "not a picture");
        using (var camera = FieldImage.OpenDefault())
        {
            var cut = new byte[3000]; // the 512² cameraman's header and its first rows: 100² at --size 100, 16 tiles
            camera.ReadExactly(cut);
            File.WriteAllBytes(Path.Combine(folder, "d.png"), cut);
        }
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image either, and not one by its name");
        string output = dir.File("run");

        var results = run(FitImage(output, folder, "--shard", "0/2"), FitImage(output, folder, "--shard", "1/2")).Select(Succeeded).ToList();
        foreach (var r in results)
        {
            Assert.Equal((3, 23), (r.GetProperty("images").GetInt32(), r.GetProperty("tiles").GetInt32())); // a: 6 tiles, b: 1, d: 16 (its header is fine)
            Assert.Equal(new[] { "c.png" }, r.GetProperty("unreadable").EnumerateArray().Select(e => e.GetProperty("file").GetString()));
        }
        // d.png's tiles are numbers 7 … 22; both shards own some of them, and both report it failed.
        Assert.All(results, r => Assert.Equal(new[] { "d.png" }, r.GetProperty("failed").EnumerateArray().Select(e => e.GetProperty("file").GetString())));
        Assert.Equal(7, results.Sum(r => r.GetProperty("fitted_tiles").GetInt32()));

        // The images alone and a re-run of shard 0 read or write nothing of each other's: one batch.
        var images = new[] { ("a.png", 6), ("b.jpg", 1) };
        var later = run([.. images.Select(i => FitImage(dir.File("alone-" + i.Item1), Path.Combine(folder, i.Item1))), FitImage(output, folder, "--shard", "0/2")])
            .Select(Succeeded).ToArray();
        foreach (var (file, tiles) in images)
        {
            string alone = dir.File("alone-" + file);
            for (int i = 0; i < tiles; i++)
                Assert.True(File.ReadAllBytes(Path.Combine(TileRun.TileDirectory(alone, i), FieldCheckpoint.WeightsFile))
                    .SequenceEqual(File.ReadAllBytes(Path.Combine(TileRun.TileDirectory(TileFolder.ImageDirectory(output, file), i), FieldCheckpoint.WeightsFile))),
                    $"{file} tile {i} differs between the folder's shards and a run on the image alone");
        }
        Assert.Equal(1, JsonDocument.Parse(File.ReadAllText(Path.Combine(TileFolder.ImageDirectory(output, "b.jpg"), TileRun.LayoutFile))).RootElement.GetProperty("channels").GetInt32());
        Assert.False(Directory.Exists(TileFolder.ImageDirectory(output, "notes.txt")));

        var again = later[^1];
        Assert.Equal(0, again.GetProperty("fitted_tiles").GetInt32());
        Assert.Equal(results[0].GetProperty("fitted_tiles").GetInt32(), again.GetProperty("skipped_tiles").GetInt32());
        var other = CliRunner.Run(FitImage(output, folder, "--shard", "0/2", "--tile", "48"));
        Assert.True(other.ExitCode == 2 && other.Stderr.Contains(TileFolder.ManifestFile), other.ToString());

        using var threads = LibtorchThreads.One();
        var merged = Succeeded(CliRunner.Run("tiles", "merge", TileFolder.ImageDirectory(output, "a.png"), "--out", dir.File("a.png"), "--json"));
        Assert.Equal((6, 53, 70), (merged.GetProperty("tiles").GetInt32(), merged.GetProperty("height").GetInt32(), merged.GetProperty("width").GetInt32()));
    }

    [Fact]
    public void Bad_input_exits_2_with_one_line()
    {
        using var threads = LibtorchThreads.One(); // the in-process fits' steps are microseconds of work (LibtorchThreads)
        using var dir = new TempDir();
        string output = dir.File("run");
        var fitted = CliRunner.Succeeds(Fit(output, "--shard", "1/3"));
        foreach (var args in new[]
        {
            Fit(dir.File("a"), "--overlap", "1"),
            Fit(dir.File("b"), "--overlap", "20"),
            Fit(dir.File("c"), "--shard", "2/2"),
            Fit(dir.File("d"), "--shard", "0/2", "--shards", "2"),
            Fit(dir.File("e"), "--shards", "2"),
            new[] { "tiles", "fit", "--quick" },                                     // no --out
            Fit(output, "--tile", "30"),                                              // another layout into the same directory
            Fit(output, "--seed", "1"),                                               // another seed: tiles that would not blend
            Fit(dir.File("f"), "--supervise", "gradient"),                            // not a tiles option
            new[] { "tiles", "merge", dir.File("nothing"), "--out", dir.File("x.png") },
            new[] { "tiles", "merge", output, "--out", dir.File("x.png") },          // tiles of shards 0 and 2 are missing
            new[] { "tiles", "merge", output, "--what", "curl", "--out", dir.File("x.png") },
            new[] { "tiles", "merge", output, "--region", "1,2,3", "--out", dir.File("x.png") },
            new[] { "tiles", "merge", output, "--size", "0", "--out", dir.File("x.png") },
        })
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}\n{result}");
            Assert.Single(result.Stderr.Trim().Split('\n'));
        }
        Assert.False(File.Exists(dir.File("x.png")));
        var completed = CliRunner.Succeeds(Fit(output));
        var outside = CliRunner.Run("tiles", "merge", output, "--region", "60,0,10,10", "--out", dir.File("x.png"));
        Assert.True(outside.ExitCode == 2 && outside.Stderr.Contains("--region"), outside.ToString());
        var region = CliRunner.Run("tiles", "merge", output, "--region", "20,16,24,16", "--size", "48", "--what", "gradient", "--out", dir.File("region.png"), "--json");
        var json = Succeeded(region);
        Assert.Equal((32, 48), (json.GetProperty("render_height").GetInt32(), json.GetProperty("render_width").GetInt32()));
    }

    /// <summary>
    /// No seam in the merged field or its derivatives. Criterion, fixed before measuring: split the 64² image's pixels into
    /// the blend bands (a row or column where two tiles share the weight) and the interiors (one tile has weight 1), leaving
    /// out the image's outer frame, where the Sobel and 5-point stencils pad. For each of the error maps |f − I|,
    /// |∇f − Sobel(I)| and |Δf − Δ₅(I)| (the merge's derivatives by autograd, as render's), the mean over the bands must be at
    /// most 1.5 × the mean over the interiors, and likewise the highest column (row) mean in the vertical (horizontal) bands
    /// at most the highest in the interiors. Reason: a seam is error concentrated along the borders — a jump or a ridge of
    /// the field where two tiles disagree, which the blend's ∇w·(f_a − f_b) and Δw·(f_a − f_b) terms would carry into ∇f and
    /// Δf — while the bands sample the same image as the interiors, so without a seam their error is the interiors' up to
    /// the variation of the image's content between strips (allowed for by the factor 1.5).
    /// </summary>
    [Fact]
    [Trait("Speed", "Slow")] // 9 fits of 300 steps
    public void The_merged_field_its_gradient_and_its_Laplacian_have_no_seam()
    {
        using var dir = new TempDir();
        string output = dir.File("run");
        Succeeded(Finish(Start(null, "tiles", "fit", "--quick", "--hidden", "64", "--layers", "2", "--steps", "300", "--out", output, "--json")));
        using var threads = LibtorchThreads.One();
        using var scope = NewDisposeScope();
        using var field = TiledField.Load(output);
        var image = FieldImage.Load(null, size: 64);
        var whole = new PixelRegion(0, 0, 64, 64);
        var values = field.Render(whole, 64, 64).mean([1]);                       // (N)
        var (gradient, laplacian) = field.Derivatives(whole, 64, 64);             // (N, 2), (N)
        var maps = new (string Name, Tensor Error)[]
        {
            ("field", (values - image.ToTensor().mean([1])).abs()),
            ("gradient", (gradient - GroundTruthOperators.SobelGradient(image)).norm(1, keepdim: false, p: 2)),
            ("Laplacian", (laplacian - GroundTruthOperators.DiscreteLaplacian(image)).abs()),
        };
        var starts = field.Run.Layout.Starts(64);
        bool InBand(int i) => starts.Skip(1).Any(a => i >= a && i <= a + field.Run.Overlap - 1);
        var inside = Enumerable.Range(1, 62).ToArray();
        foreach (var (name, error) in maps)
        {
            var e = error.to_type(ScalarType.Float64).reshape(64, 64).contiguous().data<double>().ToArray(); // row-major
            double At(int r, int c) => e[r * 64 + c];
            var band = inside.SelectMany(r => inside.Where(c => InBand(r) || InBand(c)).Select(c => At(r, c))).ToList();
            var interior = inside.SelectMany(r => inside.Where(c => !InBand(r) && !InBand(c)).Select(c => At(r, c))).ToList();
            log.WriteLine($"{name}: mean error {band.Average():G4} in the bands, {interior.Average():G4} inside ({band.Average() / interior.Average():F2}×)");
            Assert.True(band.Average() <= 1.5 * interior.Average(), $"{name}: mean error {band.Average():G4} in the bands, {interior.Average():G4} inside the tiles");
            double[] columns = inside.Select(c => inside.Average(r => At(r, c))).ToArray(), rows = inside.Select(r => inside.Average(c => At(r, c))).ToArray();
            double bandPeak = Math.Max(inside.Where(InBand).Max(c => columns[c - 1]), inside.Where(InBand).Max(r => rows[r - 1]));
            double interiorPeak = Math.Max(inside.Where(i => !InBand(i)).Max(c => columns[c - 1]), inside.Where(i => !InBand(i)).Max(r => rows[r - 1]));
            log.WriteLine($"{name}: highest line mean {bandPeak:G4} in the bands, {interiorPeak:G4} inside");
            Assert.True(bandPeak <= interiorPeak, $"{name}: the highest line mean in the bands {bandPeak:G4} is above the interiors' {interiorPeak:G4}");
        }
    }
}
