
namespace NeuralLab.Cli;

/// <summary>The options every command has, created fresh per command (System.CommandLine symbols have one parent).</summary>
/// <param name="threadsDefault">What runs without --threads, in words for --help; null for a command that does no libtorch
/// work, which then has no --threads.</param>
public sealed class CommonOptions(string? threadsDefault)
{
    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON on stdout (progress still goes to stderr)." };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for libtorch and every random generator.", DefaultValueFactory = _ => 0 };
    public Option<string?> Out { get; } = new("--out") { Description = "Directory for figures, data and checkpoints (written atomically)." };
    public Option<bool> Quick { get; } = new("--quick") { Description = "Small sizes and budgets: a run of seconds, as the tests use." };
    public Option<double?> MaxMemory { get; } = new(ResourceBudget.MemoryOption)
    {
        Description = $"Memory budget in GiB: work whose estimated peak exceeds it is refused up front (default {ResourceBudget.DefaultMemoryShare:P0} of this machine's memory, {ResourceBudget.FormatBytes(ResourceBudget.Default.MaxBytes)}).",
    };
    public Option<double?> MaxHours { get; } = new(ResourceBudget.TimeOption)
    {
        Description = $"Time budget in hours: work whose estimated time (a lower bound) exceeds it is refused up front (default {ResourceBudget.DefaultHours}).",
    };

    /// <summary>--threads: libtorch's intra-op threads for all of the command's work (<see cref="LibtorchThreads.Fix"/>); null when the
    /// command does no libtorch work.</summary>
    public Option<int?>? Threads { get; } = threadsDefault == null ? null : new("--threads")
    {
        Description = $"libtorch intra-op threads for all of this run's work, at least 1 (default: {threadsDefault}).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(Seed);
        command.Options.Add(Out);
        command.Options.Add(Quick);
        command.Options.Add(MaxMemory);
        command.Options.Add(MaxHours);
        if (Threads != null) command.Options.Add(Threads);
    }

    public CommonValues Read(ParseResult parsed) =>
        new(parsed.GetValue(Json), parsed.GetValue(Seed), parsed.GetValue(Out), parsed.GetValue(Quick))
        {
            Budget = ResourceBudget.From(parsed.GetValue(MaxMemory), parsed.GetValue(MaxHours)),
            Threads = Threads == null ? null : parsed.GetValue(Threads),
        };
}

public sealed record CommonValues(bool Json, int Seed, string? Out, bool Quick)
{
    /// <summary>What the command may spend (--max-memory, --max-hours); each command checks its estimate against it before allocating.</summary>
    public ResourceBudget Budget { get; init; } = ResourceBudget.Default;

    /// <summary>--threads as given; null: the library picks per step.</summary>
    public int? Threads { get; init; }
}
