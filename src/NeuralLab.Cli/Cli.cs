
namespace NeuralLab.Cli;

/// <summary>
/// The neurallab command line. Each command lives in Commands/ as an <see cref="ICommandFactory"/>
/// and is found here by reflection, so adding a system never edits this file.
/// Exit codes: 0 success, 2 bad input or usage (one line on stderr), 1 internal failure.
/// </summary>
public static class Cli
{
    public const int Success = 0, InternalFailure = 1, BadInput = 2;

    /// <summary>Ctrl+C ended the run before the command finished (128 + SIGINT, as a shell reports it).</summary>
    public const int Cancelled = 130;

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
            stderr.WriteLine($"neurallab: {CliErrors.OneLine(parsed.Errors[0].Message)} (see --help)");
            return BadInput;
        }
        try
        {
            // For a command that stops early on Ctrl+C (NeuralLabCommand.StopsOnCancel), InvokeAsync installs System.CommandLine's
            // handler: it cancels the token the command passes into the library and waits for the command to finish.
            var config = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = NeuralLabCommand.StopGrace(parsed.CommandResult.Command),
            };
            return parsed.InvokeAsync(config).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            // Commands report their own failures (NeuralLabCommand); this is for the parser's and help's.
            return CliErrors.Report(e, parsed.CommandResult.Command, stderr);
        }
    }
}

/// <summary>One top-level command (fit, render, relu, bptt, attention, resnet, report).</summary>
public interface ICommandFactory
{
    /// <summary>Position in --help.</summary>
    int Order { get; }

    Command Create();
}
