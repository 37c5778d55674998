using System.CommandLine;
using NeuralLab.Common;

namespace NeuralLab.Cli;

/// <summary>The options every command has, created fresh per command (System.CommandLine symbols have one parent).</summary>
public sealed class CommonOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON on stdout (progress still goes to stderr)." };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for libtorch and every random generator.", DefaultValueFactory = _ => 0 };
    public Option<string?> Out { get; } = new("--out") { Description = "Directory for figures, data and checkpoints (written atomically)." };
    public Option<bool> Quick { get; } = new("--quick") { Description = "Small sizes and budgets: a run of seconds, as the tests use." };

    public void AddTo(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(Seed);
        command.Options.Add(Out);
        command.Options.Add(Quick);
    }

    public CommonValues Read(ParseResult parsed) =>
        new(parsed.GetValue(Json), parsed.GetValue(Seed), parsed.GetValue(Out), parsed.GetValue(Quick));
}

public sealed record CommonValues(bool Json, int Seed, string? Out, bool Quick)
{
    /// <summary>Writes <paramref name="result"/> as JSON when --json was given.</summary>
    public void EmitJson<T>(TextWriter stdout, T result)
    {
        if (Json) stdout.WriteLine(NeuralLab.Common.Json.Serialize(result));
    }

    /// <summary>Opens --out for staged writing, or returns null when no --out was given.</summary>
    public OutputDirectory? OpenOut() => Out == null ? null : OutputDirectory.Open(Out);
}
