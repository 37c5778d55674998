using NeuralLab.Cli.Commands.Resnet;

namespace NeuralLab.Cli.Commands;

/// <summary>neurallab resnet: the homework's small ResNet on the 8×8 digits, and the conv-bias-before-BatchNorm question.</summary>
public sealed class ResnetCommand : CommandGroup, ICommandFactory
{
    public int Order => 60;

    protected override string Name => "resnet";

    protected override string Description =>
        "The homework's ResNet (conv 3×3 → BatchNorm → ReLU → max-pool → one residual block → average pool → linear) " +
        "on the 8×8 handwritten digits (UCI, 1797 images, embedded; CC BY 4.0, Alpaydin & Kaynak), and why a conv bias " +
        "before BatchNorm is redundant.";

    protected override IEnumerable<NeuralLabCommand> Members => [new ResnetTrainCommand(), new ResnetBiasCheckCommand()];
}
