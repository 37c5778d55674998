using System.CommandLine;

namespace NeuralLab.Tests.Cli;

/// <summary>A fitted field for render's rows and the files the placeholders name, made once for all cases.</summary>
public sealed class RobustnessFiles : IDisposable
{
    readonly TempDir _dir = new();

    public string Root => _dir.Path;

    public string Checkpoint { get; }

    /// <summary>A finished tiles fit of the 16-px image in 3×3 tiles of 8, for tiles merge's rows.</summary>
    public string Tiles { get; }

    public RobustnessFiles()
    {
        File.WriteAllBytes(_dir.File("empty.png"), []);
        File.WriteAllText(_dir.File("text.png"), "not an image\n");
        File.WriteAllText(_dir.File("file"), "a regular file\n");
        Directory.CreateDirectory(_dir.File("dir"));
        // A small real image for the commands that need two (blend): the embedded cameraman at 16 px.
        var image = NeuralLab.NeuralFields.FieldImage.Load(null, size: 16);
        using (var pixels = image.ToTensor())
            NeuralLab.NeuralFields.FieldFigures.SaveImage(pixels, image.Height, image.Width, _dir.File("image.png"));
        Checkpoint = _dir.File("checkpoint");
        var fit = CliRunner.Run("fit", "--quick", "--size", "16", "--hidden", "8", "--layers", "1", "--steps", "2", "--out", Checkpoint);
        if (fit.ExitCode != 0) throw new InvalidOperationException($"could not fit the checkpoint for render's rows: {fit}");
        Tiles = _dir.File("tiles");
        var tiles = CliRunner.Run("tiles", "fit", _dir.File("image.png"), "--tile", "8", "--overlap", "2", "--hidden", "8", "--layers", "1", "--steps", "2", "--out", Tiles);
        if (tiles.ExitCode != 0) throw new InvalidOperationException($"could not fit the tiles for tiles merge's rows: {tiles}");
    }

    public string Expand(string arg, string outPath) => arg
        .Replace("{missing}", _dir.File("missing.png"))
        .Replace("{dir}", _dir.File("dir"))
        .Replace("{empty}", _dir.File("empty.png"))
        .Replace("{text}", _dir.File("text.png"))
        .Replace("{file}", _dir.File("file"))
        .Replace("{checkpoint}", Checkpoint)
        .Replace("{image}", _dir.File("image.png"))
        .Replace("{tiles}", Tiles)
        .Replace("{out}", outPath);

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// Issue 16: every command × every option × hostile values (<see cref="RobustnessTable"/>), at quick sizes with a
/// timeout. Exit 0 or 2 only — never 1 (an internal error), never a hang or a kill —, exit 2 for every value the table
/// marks refused, and nothing left at --out after exit 2.
/// </summary>
public class RobustnessTests(RobustnessFiles files) : IClassFixture<RobustnessFiles>
{
    /// <summary>Far above any case's time on a loaded machine (a quick run takes seconds); it catches a run that does not end.</summary>
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static TheoryData<string, string[], bool> Cases()
    {
        var data = new TheoryData<string, string[], bool>();
        foreach (var (name, args, refused) in RobustnessTable.Cases()) data.Add(name, args, refused);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileValueExitsCleanly(string name, string[] args, bool refused)
    {
        string outPath = Path.Combine(files.Root, "out-" + Guid.NewGuid().ToString("N"));
        var expanded = args.Select(a => files.Expand(a, outPath)).ToArray();
        var run = Task.Run(() => CliRunner.Run(expanded));
        Assert.True(await Task.WhenAny(run, Task.Delay(Timeout)) == run, $"{name}: still running after {Timeout.TotalMinutes} min");
        var result = await run;
        Assert.True(result.ExitCode is 0 or 2, $"{name}: {string.Join(' ', expanded)}\n{result}");
        // A value the table says every command must refuse is refused, not ignored (an option the run does not use included).
        Assert.True(!refused || result.ExitCode == 2, $"{name}: accepted a value that must be refused: {string.Join(' ', expanded)}\n{result}");
        if (result.ExitCode == 2)
        {
            Assert.False(Directory.Exists(outPath), $"{name}: exit 2 left the directory {outPath}");
            Assert.False(File.Exists(outPath + ".png"), $"{name}: exit 2 left the file {outPath}.png");
            Assert.Single(result.Stderr.Trim().Split('\n'), line => line.StartsWith("neurallab: ", StringComparison.Ordinal) && !line.Contains("internal error"));
        }
    }

    /// <summary>A new option or command without rows in <see cref="RobustnessTable"/> fails here, naming what to add.</summary>
    [Fact]
    public void EveryOptionOfEveryCommandHasARow()
    {
        var missing = new List<string>();
        foreach (var (words, command) in Leaves(NeuralLab.Cli.Cli.BuildRoot(), []))
        {
            var row = RobustnessTable.Commands.FirstOrDefault(r => r.Words.SequenceEqual(words));
            if (row == null) { missing.Add($"command '{string.Join(' ', words)}'"); continue; }
            var names = command.Options.Where(o => o is not (System.CommandLine.Help.HelpOption or VersionOption)).Select(o => o.Name)
                .Concat(command.Arguments.Select(a => $"<{a.Name}>"));
            missing.AddRange(names.Where(n => row.Options.All(o => o.Name != n)).Select(n => $"{string.Join(' ', words)} {n}"));
        }
        Assert.True(missing.Count == 0, "add rows to tests/NeuralLab.Tests/Cli/RobustnessTable.cs for: " + string.Join(", ", missing));
    }

    static IEnumerable<(string[] Words, Command Command)> Leaves(Command command, string[] words)
    {
        foreach (var sub in command.Subcommands)
        {
            string[] path = [.. words, sub.Name];
            if (sub.Subcommands.Count == 0) yield return (path, sub);
            else foreach (var leaf in Leaves(sub, path)) yield return leaf;
        }
    }
}
