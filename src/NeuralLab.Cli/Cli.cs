using System.CommandLine;
using System.Reflection;
using NeuralLab.Common;

namespace NeuralLab.Cli;

/// <summary>
/// The neurallab command line. Each command lives in Commands/ as an <see cref="ICommandFactory"/>
/// and is found here by reflection, so adding a system never edits this file.
/// Exit codes: 0 success, 2 bad input or usage (one line on stderr), 1 internal failure.
/// </summary>
public static class Cli
{
    public const int Success = 0, InternalFailure = 1, BadInput = 2;

    public static Command BuildRoot()
    {
        // A named Command rather than RootCommand, so usage lines say "neurallab" whatever the host file is called.
        var root = new Command("neurallab",
            "NeuralLab: the neural-network systems of the homework, runnable and checked with numbers, on TorchSharp.\n" +
            "Every command takes --json (result on stdout), --seed, --out DIR and --quick.");
        var factories = typeof(Cli).Assembly.GetTypes()
            .Where(t => typeof(ICommandFactory).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICommandFactory)Activator.CreateInstance(t)!)
            .OrderBy(f => f.Order);
        root.Options.Add(new System.CommandLine.Help.HelpOption());
        root.Options.Add(new VersionOption());
        foreach (var factory in factories) root.Subcommands.Add(factory.Create());
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ParseResult parsed;
        try
        {
            parsed = BuildRoot().Parse(args);
        }
        catch (Exception e)
        {
            stderr.WriteLine($"neurallab: internal error: {e.Message}");
            return InternalFailure;
        }
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"neurallab: {OneLine(parsed.Errors[0].Message)} (see --help)");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Unwrap(e) is BadInputException bad)
        {
            stderr.WriteLine($"neurallab: {OneLine(bad.Message)}");
            return BadInput;
        }
        catch (Exception e)
        {
            var inner = Unwrap(e);
            stderr.WriteLine($"neurallab: internal error: {inner.GetType().Name}: {OneLine(inner.Message)}");
            if (Environment.GetEnvironmentVariable("NEURALLAB_TRACE") == "1") stderr.WriteLine(inner);
            return InternalFailure;
        }
    }

    static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException or AggregateException && e.InnerException != null) e = e.InnerException!;
        return e;
    }

    static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}

/// <summary>One top-level command (fit, render, relu, bptt, attention, resnet, report).</summary>
public interface ICommandFactory
{
    /// <summary>Position in --help.</summary>
    int Order { get; }

    Command Create();
}
