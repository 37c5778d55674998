using System.CommandLine;
using NeuralLab.Cli.Commands.Attention;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab attention check|bench</c>: homework section 3.</summary>
public sealed class AttentionCommand : ICommandFactory
{
    public int Order => 5;

    public Command Create()
    {
        var command = new Command("attention",
            "Softmax attention (homework section 3): check the written solution's claims 3.1-3.5 with numbers, " +
            "or benchmark full softmax attention, O(n^2 d), against low-rank (Nystrom) attention, O(nkd).");
        command.Subcommands.Add(AttentionCheckCommand.Create());
        command.Subcommands.Add(AttentionBenchCommand.Create());
        return command;
    }
}
