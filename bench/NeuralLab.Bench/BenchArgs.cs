using System.Diagnostics;
using System.Globalization;
using NeuralLab.Common;
using NeuralLab.NeuralFields;

namespace NeuralLab.Bench;

/// <summary>
/// A benchmark whose command line is a mode word and <c>--key value</c> pairs (<see cref="BenchArgs"/>), parsed here once,
/// run on <c>--threads</c> libtorch threads (default 2, this machine's cores). A scope of <see cref="LibtorchThreads.Use"/>,
/// not <see cref="LibtorchThreads.Fix"/>: where the library picks its own count (one thread for a small batch's steps)
/// it keeps doing so, as it does for a user, which is what the benchmarks measure.
/// </summary>
/// <param name="name">The word that selects it (<c>fields</c>).</param>
/// <param name="description">One line for the usage list.</param>
public abstract class Benchmark(string name, string description) : IBenchmark
{
    public string Name => name;

    public string Description => description;

    public int Run(string[] args)
    {
        var arguments = new BenchArgs(args);
        // A mistyped mode or key would otherwise run nothing, or the defaults, and look like a measurement.
        if (!Modes.Contains(arguments.Mode))
            return Refuse($"unknown mode '{arguments.Mode}'; modes: {string.Join(", ", Modes)}");
        if (Keys is { } keys && arguments.Options.Keys.FirstOrDefault(k => k != "threads" && !keys.Contains(k)) is string unknown)
            return Refuse($"unknown option --{unknown}; options: {string.Join(", ", keys.Append("threads").Select(k => "--" + k))}");
        using var threads = LibtorchThreads.Use(int.Parse(arguments.Options.GetValueOrDefault("threads", DefaultThreads.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture));
        Console.WriteLine($"# {name} benchmark, {arguments.Mode}, {Conditions()}");
        return Run(arguments.Mode, arguments.Options);
    }

    int Refuse(string problem)
    {
        Console.Error.WriteLine($"{name}: {problem}");
        return 2;
    }

    /// <summary>The mode words it takes ("all", the default, first); any other is refused with exit 2.</summary>
    protected virtual IReadOnlyList<string> Modes => ["all"];

    /// <summary>The <c>--key</c>s it reads besides <c>--threads</c>; another is refused with exit 2. Null: not checked.</summary>
    protected virtual IReadOnlyList<string>? Keys => null;

    /// <summary>libtorch threads unless <c>--threads</c> says otherwise: this machine's 2 cores, or 1 where the peer's protocol is one thread.</summary>
    protected virtual int DefaultThreads => 2;

    /// <summary>Runs the benchmark's <paramref name="mode"/> ("all" when none is given) with its <c>--key value</c> options.</summary>
    protected abstract int Run(string mode, IReadOnlyDictionary<string, string> options);

    /// <summary>A whole-number option (steps, rounds, a seed), or <paramref name="fallback"/>.</summary>
    protected static int WholeNumber(IReadOnlyDictionary<string, string> options, string key, int fallback) =>
        options.TryGetValue(key, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The image the field benchmarks fit unless --image names another: the 512² cameraman (the library embeds the same file).</summary>
    const string DefaultImage = "src/NeuralLab/Data/camera.png";

    /// <summary>
    /// The field benchmarks' target: --image (default the repository's cameraman; the library's embedded copy where the file is
    /// not there, as when run outside the repository) in gray, reduced to 256² by the exact box filter. Path is what the
    /// PyTorch peers read; Name is the file's name for the output.
    /// </summary>
    protected static (FieldImage Image, string Path, string Name) Target256(IReadOnlyDictionary<string, string> options)
    {
        string path = options.GetValueOrDefault("image", DefaultImage);
        bool exists = File.Exists(path);
        return (FieldImage.Load(exists ? path : null, channels: 1, size: 256), path, exists ? System.IO.Path.GetFileName(path) : FieldImage.DefaultName);
    }

    /// <summary>
    /// When, on what and under what load a run measured, for its header line (docs/benchmarks.md records all of it):
    /// "2026-12-03 11:05 UTC, 2 cores, libtorch threads 2, load 0.47 0.74 1.02".
    /// </summary>
    protected static string Conditions() =>
        $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, libtorch threads {TorchSharp.torch.get_num_threads()}, load {LoadAverage()}";

    /// <summary>The 1, 5 and 15-minute load averages from /proc/loadavg; "n/a" where it cannot be read.</summary>
    protected static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
    }
}

/// <summary>A benchmark's command line: an optional mode word first, then <c>--key value</c> pairs; a key with no value is a flag ("true").</summary>
public sealed class BenchArgs
{
    readonly Dictionary<string, string> _options = [];

    public BenchArgs(string[] args, string defaultMode = "all")
    {
        Mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : defaultMode;
        for (int i = 0; i < args.Length; i++)
            if (args[i].StartsWith("--", StringComparison.Ordinal))
                _options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[i + 1] : "true"; // a flag: --glibc-heap
    }

    public string Mode { get; }

    /// <summary>The <c>--key value</c> pairs, keys without the dashes.</summary>
    public IReadOnlyDictionary<string, string> Options => _options;
}

/// <summary>A PyTorch peer script (bench/peers/) run in a child process with the system's python3.</summary>
public static class PeerScript
{
    const string Python = "/usr/bin/python3";

    /// <summary>
    /// The peer's stdout when it contains <paramref name="required"/> (a regular expression), else null, with a line
    /// saying why: the script or python3 missing, or the peer's last line on stderr.
    /// </summary>
    public static string? Run(string script, string required, params IEnumerable<string> args)
    {
        if (!File.Exists(script) || !File.Exists(Python)) { Console.WriteLine($"# peer {script} or {Python} missing"); return null; }
        var psi = new ProcessStartInfo(Python, [script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (System.Text.RegularExpressions.Regex.IsMatch(output, required)) return output;
        Console.WriteLine($"# peer failed: {errors.Split('\n').LastOrDefault(l => l.Length > 0)}");
        return null;
    }
}
