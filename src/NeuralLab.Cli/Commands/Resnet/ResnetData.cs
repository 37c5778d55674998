using NeuralLab.Residual;

namespace NeuralLab.Cli.Commands.Resnet;

/// <summary>The options both resnet subcommands share: the --data/--labels pair.</summary>
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

    /// <summary>--data and --labels, in --help order.</summary>
    public IEnumerable<Symbol> Symbols => [Data, Labels];

    /// <summary>What the ResNet runs on without --threads (the library's own default, <see cref="ResNetRunOptions.Threads"/>).</summary>
    public const string ThreadsDefault = "1: the ResNet's ops are tiny and OpenMP threads spin-wait between them, so 1 is fastest here";

    public DigitsData Read(ParseResult parsed) => DigitsReader.Load(parsed.GetValue(Data), parsed.GetValue(Labels));
}
