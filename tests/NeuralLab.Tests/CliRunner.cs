using System.Text.Json;

namespace NeuralLab.Tests;

/// <summary>Runs the neurallab CLI in-process, capturing stdout, stderr and the exit code.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Result Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = NeuralLab.Cli.Cli.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the CLI and asserts exit 0 (the whole run in the failure message).</summary>
    public static Result Succeeds(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Runs the CLI, asserts exit 0 and parses its stdout (a command run with --json).</summary>
    public static JsonDocument Json(params string[] args) => JsonDocument.Parse(Succeeds(args).Stdout);

    /// <summary>
    /// The bad-input contract (docs/cli.md): exit 2, one line on stderr that starts with "neurallab: " and contains
    /// <paramref name="message"/> (progress lines may precede it), nothing on stdout, and nothing left at <paramref name="outDir"/>.
    /// </summary>
    public static void AssertRefused(Result result, string message, string? outDir = null)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        string error = Assert.Single(result.Stderr.Split('\n'), line => line.StartsWith("neurallab: ", StringComparison.Ordinal));
        Assert.Contains(message, error);
        Assert.Equal("", result.Stdout);
        if (outDir != null) Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "files left behind");
    }

    /// <summary>Runs the CLI with <paramref name="args"/> and <c>--out</c> a fresh folder, and asserts the bad-input contract
    /// (<see cref="AssertRefused"/>), nothing left in that folder included.</summary>
    public static void Refuses(string message, params string[] args)
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        AssertRefused(Run([.. args, "--out", outDir]), message, outDir);
    }
}

/// <summary>A fresh temporary directory, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "neurallab-test-" + Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
