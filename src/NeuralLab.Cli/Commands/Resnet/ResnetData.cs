using System.CommandLine;
using NeuralLab.Residual;

namespace NeuralLab.Cli.Commands.Resnet;

/// <summary>The --data/--labels pair both subcommands share.</summary>
internal sealed class ResnetDataOptions
{
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Digits to use instead of the embedded UCI set: a CSV (64 pixel counts 0..16 then the label 0..9 per row, " +
                      "optionally .gz), or MNIST IDX images (e.g. train-images-idx3-ubyte[.gz]) reduced to 8×8 by an area-weighted " +
                      "box filter. Split in half at random with --seed.",
    };

    public Option<string?> Labels { get; } = new("--labels")
    {
        Description = "IDX labels for IDX images given by --data (default: MNIST's sibling name, …-labels-idx1-ubyte).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Labels);
    }

    public DigitsData Read(ParseResult parsed) => DigitsReader.Load(parsed.GetValue(Data), parsed.GetValue(Labels));
}
