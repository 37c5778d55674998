using NeuralLab.Cli.Commands.Relu;

namespace NeuralLab.Cli.Commands;

/// <summary>`neurallab relu`: homework section 1, what one hidden layer of ReLUs can and cannot compute.</summary>
public sealed class ReluCommand : CommandGroup, ICommandFactory
{
    public int Order => 20;

    protected override string Name => "relu";

    protected override string Description =>
        "Section 1, expressivity: the exact ReLU networks of answers 1.1-1.4, what ReLU networks cannot do (1.5, 1.6), " +
        "and a constructive universal approximator that certifies any formula to a given error (1.7).";

    protected override IEnumerable<NeuralLabCommand> Members => [new ApproxCommand(), new ConstructionsCommand()];
}
