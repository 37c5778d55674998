using System.Reflection;
using System.Text.RegularExpressions;

namespace NeuralLab.Cli;

/// <summary>
/// What an exception escaping a command means for the user: bad input (exit 2, one line naming the flag) or a
/// failure of ours (exit 1). The library names the offending value by its parameter name
/// (<c>ArgumentOutOfRangeException(nameof(landmarks))</c>); <see cref="FlagFor"/> turns that into the command's flag.
/// </summary>
public static partial class CliErrors
{
    /// <summary>
    /// Library parameter names whose flag is not their kebab-case spelling (<c>maxPixels</c> is <c>--max-pixels</c>
    /// without an entry here). Several flags: the first one the failing command has. Matched without regard to case: an
    /// options record's property (<c>BatchSize</c>) names the same flag as a method's parameter (<c>batchSize</c>).
    /// </summary>
    static readonly Dictionary<string, string[]> ParameterFlags = new(StringComparer.OrdinalIgnoreCase)
    {
        // attention bench
        ["landmarks"] = ["--k"], ["rank"] = ["--k"], ["dimension"] = ["--d"], ["sizes"] = ["--n"],
        // fields (fit, blend, render) and the trainers
        ["learningRate"] = ["--lr", "--learning-rate"], ["batchSize"] = ["--batch"], ["longerSide"] = ["--size"],
        ["checkpoint"] = ["CHECKPOINT"], ["image"] = ["IMAGE"], ["supervision"] = ["--supervise"],
        // tiles
        ["tileSize"] = ["--tile"],
        // every command: the resource budget (ResourceBudget.From's parameters, Check's properties)
        ["maxMemoryGiB"] = ["--max-memory"], ["maxBytes"] = ["--max-memory"], ["maxSeconds"] = ["--max-hours"],
        // bptt
        ["length"] = ["--T", "--train-T"], ["maxLength"] = ["--max-T"], ["maxT"] = ["--max-T"], ["truncation"] = ["--truncate"], ["truncationLength"] = ["--truncate"],
        ["clipNorm"] = ["--clip"], ["initialW"] = ["--w0"], ["trueW"] = ["--w-true"],
        // relu approx
        ["epsilon"] = ["--eps"], ["formula"] = ["expr"], ["curvatureBound"] = ["--curvature"],
    };

    /// <summary>Prints one line for <paramref name="exception"/> on <paramref name="stderr"/> and returns the exit code.</summary>
    public static int Report(Exception exception, Command? command, TextWriter stderr)
    {
        var e = Unwrap(exception);
        switch (e)
        {
            case BadInputException bad:
                stderr.WriteLine($"neurallab: {OneLine(bad.Message)}");
                return Cli.BadInput;
            case ArgumentException argument when argument.ParamName is string name && command != null && FlagFor(name, command) is string flag:
                stderr.WriteLine($"neurallab: {FlagMessage(flag, argument)}");
                return Cli.BadInput;
            case OperationCanceledException:
                stderr.WriteLine("neurallab: cancelled");
                return Cli.Cancelled;
            default:
                stderr.WriteLine($"neurallab: internal error: {e.GetType().Name}: {OneLine(e.Message)}");
                if (Environment.GetEnvironmentVariable("NEURALLAB_TRACE") == "1") stderr.WriteLine(e);
                return Cli.InternalFailure;
        }
    }

    /// <summary>
    /// The flag (or argument) of <paramref name="command"/> that a library parameter named <paramref name="parameter"/>
    /// comes from, or null when it has none: then the exception is ours, not the user's (exit 1).
    /// </summary>
    public static string? FlagFor(string parameter, Command command)
    {
        var candidates = ParameterFlags.TryGetValue(parameter, out var mapped) ? mapped : [];
        foreach (string candidate in candidates.Append(Kebab(parameter)))
        {
            if (command.Options.Any(o => o.Name == candidate || o.Aliases.Contains(candidate))) return candidate;
            if (command.Arguments.Any(a => a.Name == candidate)) return candidate;
        }
        return null;
    }

    /// <summary>"maxPixels" → "--max-pixels".</summary>
    static string Kebab(string parameter) => "--" + Hump().Replace(parameter, "$1-$2").ToLowerInvariant();

    /// <summary>
    /// "--channels 0: a ResNet needs at least 1 channel": the flag, the value when the exception carries it, and the
    /// message without the " (Parameter 'x')" and "Actual value was" lines .NET appends — the shape of the library's
    /// <see cref="BadInputException"/> messages, so that a check moved from one to the other reads the same.
    /// </summary>
    static string FlagMessage(string flag, ArgumentException e)
    {
        string message = e.Message;
        if (e.ParamName != null) message = message.Replace($" (Parameter '{e.ParamName}')", "");
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            message = message.Replace($"Actual value was {actual}.", "");
            flag = $"{flag} {actual}";
        }
        return $"{flag}: {OneLine(message)}";
    }

    static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException or AggregateException && e.InnerException != null) e = e.InnerException;
        return e;
    }

    internal static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex Hump();
}
