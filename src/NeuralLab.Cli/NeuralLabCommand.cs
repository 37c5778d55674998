using System.Runtime.CompilerServices;

namespace NeuralLab.Cli;

/// <summary>
/// The one base of neurallab's commands (docs/cli.md). A command declares its own arguments and options and
/// <see cref="Execute"/>s: it reads values from the <see cref="CommandContext"/>, calls the library and returns an
/// <see cref="Outcome"/>. Everything else is done here, the same way for every command: the common options
/// (<see cref="CommonOptions"/>), <c>--threads</c> for all of the run's libtorch work, <c>--out</c> staged and committed only after a successful run, progress on stderr,
/// the result as JSON (<c>--json</c>) or text, Ctrl+C as System.CommandLine's cancellation token, and library
/// exceptions mapped to exit codes and one line on stderr (<see cref="CliErrors"/>).
/// </summary>
/// <param name="name">The word that names the command (<c>fit</c>, <c>check</c>).</param>
/// <param name="description">The --help text: what it does, what it writes to --out, an example (<see cref="HelpText.Flow"/>).</param>
public abstract class NeuralLabCommand(string name, string description)
{
    static readonly ConditionalWeakTable<Command, NeuralLabCommand> Built = new();

    /// <summary>The command's own arguments and options, in --help order; the common options follow them.</summary>
    protected abstract IEnumerable<Symbol> Symbols { get; }

    /// <summary>Whether the work stops early when <see cref="CommandContext.Cancel"/> fires (and then still writes and
    /// prints what it has). Ctrl+C waits for such a command; any other ends at once, as any program does, leaving
    /// only the hidden staging folder at --out.</summary>
    protected virtual bool StopsOnCancel => false;

    /// <summary>
    /// What runs when --threads is not given, in words for --help; null for a command that does no libtorch work (it then
    /// has no --threads). Given, --threads holds for all of the run (<see cref="LibtorchThreads.Fix"/>).
    /// </summary>
    protected virtual string? ThreadsDefault =>
        "the library's choice per run: one thread where the steps are microseconds of work (small networks and batches), libtorch's own (the number of cores) otherwise";

    /// <summary>Adjusts the common options' --help texts where they mean something particular here (render's --out is a file).</summary>
    protected virtual void DescribeCommon(CommonOptions common) { }

    /// <summary>Does the command's work; throws <see cref="BadInputException"/> (or an <see cref="ArgumentException"/>
    /// naming a parameter) for input it cannot use. Writes to --out only through <see cref="CommandContext.OpenOutput"/>.</summary>
    protected abstract Outcome Execute(CommandContext context);

    /// <summary>The System.CommandLine command, with the common options after the command's own.</summary>
    public Command Create()
    {
        var common = new CommonOptions(ThreadsDefault);
        DescribeCommon(common);
        var command = new Command(name, HelpText.Flow(description));
        foreach (var symbol in Symbols)
        {
            switch (symbol)
            {
                case Argument argument: command.Arguments.Add(argument); break;
                case Option option: command.Options.Add(option); break;
                default: throw new InvalidOperationException($"{name}: {symbol.Name} is neither an argument nor an option");
            }
        }
        common.AddTo(command);
        command.SetAction((parsed, cancel) => OnOwnThread(() => Invoke(parsed, common, cancel)));
        Built.AddOrUpdate(command, this);
        return command;
    }

    /// <summary>Whether <paramref name="command"/> was built by a <see cref="NeuralLabCommand"/> (every leaf of neurallab's tree is).</summary>
    internal static bool Builds(Command command) => Built.TryGetValue(command, out _);

    /// <summary>
    /// How long Ctrl+C waits for <paramref name="command"/> to stop by itself, or null for a command that does not stop
    /// early: Ctrl+C then ends the process as any program's (ending it while its work still runs in libtorch, as
    /// System.CommandLine's exit 130 would, crashes the runtime's shutdown).
    /// </summary>
    internal static TimeSpan? StopGrace(Command command) =>
        Built.TryGetValue(command, out var built) && built.StopsOnCancel ? TimeSpan.FromMinutes(1) : null;

    /// <summary>
    /// Runs the work off the invoking thread, so that System.CommandLine's Ctrl+C handler is in place while it runs, on a
    /// thread of its own with a main thread's stack (8 MiB on Linux; a thread-pool thread has 1.5): recursive work
    /// such as parsing a deeply nested formula goes as deep as it did on the main thread.
    /// </summary>
    static Task<int> OnOwnThread(Func<int> work)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }, maxStackSize: 8 << 20) { IsBackground = true, Name = "neurallab command" };
        thread.Start();
        return done.Task;
    }

    int Invoke(ParseResult parsed, CommonOptions common, CancellationToken cancel)
    {
        var stdout = parsed.InvocationConfiguration.Output;
        var stderr = parsed.InvocationConfiguration.Error;
        try
        {
            var values = common.Read(parsed);
            using var threads = values.Threads is int count ? LibtorchThreads.Fix(count) : null;
            using var context = new CommandContext(parsed, values, cancel);
            var outcome = Execute(context);
            context.Output?.Commit();
            if (context.Json) stdout.WriteLine(NeuralLab.Common.Json.Serialize(outcome.Json));
            else outcome.Text(stdout);
            return outcome.ExitCode;
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, parsed.CommandResult.Command, stderr);
        }
    }
}

/// <summary>
/// What a run produced: the object <c>--json</c> prints, the text printed otherwise, and the exit code
/// (0 unless the run finished but failed its own check, e.g. an approximation that misses eps: 1).
/// </summary>
public sealed record Outcome(object? Json, Action<TextWriter> Text, int ExitCode = Cli.Success);

/// <summary>What <see cref="NeuralLabCommand.Execute"/> reads and writes through: values, --out, progress, cancellation.</summary>
public sealed class CommandContext : IDisposable
{
    readonly CommonValues _common;
    bool _opened;

    internal CommandContext(ParseResult parsed, CommonValues common, CancellationToken cancel)
    {
        Parsed = parsed;
        _common = common;
        Cancel = cancel;
    }

    public ParseResult Parsed { get; }

    /// <summary>Fires on Ctrl+C (System.CommandLine's token); pass it into the library.</summary>
    public CancellationToken Cancel { get; }

    public bool Json => _common.Json;

    public int Seed => _common.Seed;

    public bool Quick => _common.Quick;

    /// <summary>--out as given (a directory for most commands; render's is a file, report's goes to the library).</summary>
    public string? Out => _common.Out;

    /// <summary>What the command may spend (--max-memory, --max-hours); check estimates against it before allocating.</summary>
    public ResourceBudget Budget => _common.Budget;

    public TextWriter Stdout => Parsed.InvocationConfiguration.Output;

    public TextWriter Stderr => Parsed.InvocationConfiguration.Error;

    public T? Get<T>(Option<T> option) => Parsed.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parsed.GetValue(argument);

    /// <summary>--out opened for staged writing, or null without --out. Open it after validating the input: the
    /// base commits it when <see cref="NeuralLabCommand"/>'s Execute returns and discards it when Execute throws.</summary>
    public OutputDirectory? OpenOutput()
    {
        if (!_opened && Out != null) Output = OutputDirectory.Open(Out);
        _opened = true;
        return Output;
    }

    /// <summary>The output directory if <see cref="OpenOutput"/> opened one.</summary>
    public OutputDirectory? Output { get; private set; }

    /// <summary>The final paths of everything staged in --out so far (what "wrote …" lines list).</summary>
    public IReadOnlyList<string> Written => Output == null ? [] : Output.Names.Select(Output.FinalPath).ToList();

    /// <summary>Runs long library work with its progress shown on stderr (<see cref="ConsoleProgress"/>).</summary>
    public T Progress<T>(Func<IProgress<ProgressReport>, T> work) => ConsoleProgress.Run(Stderr, work);

    /// <summary>A line on stderr that the user should read but that does not stop the run.</summary>
    public void Note(string text) => Stderr.WriteLine($"neurallab: {text}");

    public void Dispose() => Output?.Dispose();
}

/// <summary>A command that only groups others (<c>neurallab attention check|bench</c>); <paramref name="order"/> is its place in --help.</summary>
public abstract class CommandGroup(int order, string name, string description, Func<IEnumerable<NeuralLabCommand>> members) : ICommandFactory
{
    public int Order => order;

    public Command Create()
    {
        var command = new Command(name, HelpText.Flow(description));
        foreach (var member in members()) command.Subcommands.Add(member.Create());
        return command;
    }
}

/// <summary>Help texts are written as raw string literals wrapped to the source's width; the terminal wraps them again.</summary>
public static class HelpText
{
    /// <summary>
    /// Joins the lines of each paragraph into one line; a blank line starts a new line, and indented lines
    /// (examples) keep their own lines.
    /// </summary>
    public static string Flow(string text)
    {
        var flowed = new System.Text.StringBuilder();
        string? previous = null;
        foreach (string line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0)
            {
                if (previous != null) flowed.Append('\n');
                previous = null;
                continue;
            }
            if (previous != null) flowed.Append(line.StartsWith("  ", StringComparison.Ordinal) || previous.StartsWith("  ", StringComparison.Ordinal) ? '\n' : ' ');
            flowed.Append(line);
            previous = line;
        }
        return flowed.ToString().TrimEnd('\n');
    }
}
