
namespace NeuralLab.Cli;

/// <summary>The options every command has, created fresh per command (System.CommandLine symbols have one parent).</summary>
public sealed class CommonOptions
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

    /// <summary>
    /// --threads, for the commands whose speed depends on it (not one of every command's options: most run on the
    /// library's choice). <paramref name="defaultThreads"/> 0 means libtorch's default (the number of cores).
    /// </summary>
    public static Option<int> Threads(int defaultThreads, string why) => new("--threads")
    {
        Description = defaultThreads == 0 ? $"libtorch threads; 0 keeps libtorch's default (the number of cores). {why}".TrimEnd() : $"libtorch intra-op threads. {why}",
        DefaultValueFactory = _ => defaultThreads,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(Seed);
        command.Options.Add(Out);
        command.Options.Add(Quick);
        command.Options.Add(MaxMemory);
        command.Options.Add(MaxHours);
    }

    public CommonValues Read(ParseResult parsed) =>
        new(parsed.GetValue(Json), parsed.GetValue(Seed), parsed.GetValue(Out), parsed.GetValue(Quick))
        {
            Budget = ResourceBudget.From(parsed.GetValue(MaxMemory), parsed.GetValue(MaxHours)),
        };
}

public sealed record CommonValues(bool Json, int Seed, string? Out, bool Quick)
{
    /// <summary>What the command may spend (--max-memory, --max-hours); each command checks its estimate against it before allocating.</summary>
    public ResourceBudget Budget { get; init; } = ResourceBudget.Default;
}
