using NeuralLab.Cli.Commands.Attention;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab attention check|bench</c>: homework section 3.</summary>
public sealed class AttentionCommand : CommandGroup, ICommandFactory
{
    public int Order => 5;

    protected override string Name => "attention";

    protected override string Description =>
        "Softmax attention (homework section 3): check the written solution's claims 3.1-3.5 with numbers, " +
        "or benchmark full softmax attention, O(n^2 d), against low-rank (Nystrom) attention, O(nkd).";

    protected override IEnumerable<NeuralLabCommand> Members => [new AttentionCheckCommand(), new AttentionBenchCommand()];
}
