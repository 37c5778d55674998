using System.CommandLine;
using NeuralLab.Cli.Commands.Tiles;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab tiles</c>: images larger than one machine, as overlapping tiles fitted by the shards of a job array (issue 14).</summary>
public sealed class TilesCommand : ICommandFactory
{
    public int Order => 13;

    public Command Create()
    {
        var command = new Command("tiles",
            "Fit an image too large for one machine as overlapping tiles, one field per tile, sharded over a job scheduler " +
            "(Slurm job arrays, Kubernetes Indexed Jobs); then merge the tiles into one seamless field (fit, merge). See docs/scale.md.");
        new CommonOptions().AddTo(command);
        command.Subcommands.Add(TilesFitCommand.Create());
        command.Subcommands.Add(TilesMergeCommand.Create());
        return command;
    }
}
