using NeuralLab.Common;

namespace NeuralLab.Residual;

/// <summary>What a checkpoint's weights were trained with (saved beside them as JSON).</summary>
public sealed record CheckpointInfo(int Channels, int Classes, ConvBias Bias, int Iteration, int Iterations, int BatchSize, double LearningRate, int Seed, string Data);

/// <summary>
/// Weights (TorchSharp's format: parameters and BatchNorm's running statistics) in NAME.pt, and the
/// configuration and step in NAME.json beside it, so that a checkpoint rebuilds its own network.
/// Plain SGD has no state of its own to save.
/// </summary>
public static class ResNetCheckpoint
{
    internal static void Save(ResNet model, CheckpointInfo info, string weightsPath)
    {
        model.save(weightsPath);
        File.WriteAllText(InfoPath(weightsPath), Json.Serialize(info));
    }

    internal static (ResNet Model, CheckpointInfo Info) Load(string weightsPath)
    {
        string infoPath = InfoPath(weightsPath);
        if (!File.Exists(weightsPath) || !File.Exists(infoPath))
            throw new BadInputException($"checkpoint '{weightsPath}' needs both the weights and '{infoPath}'");
        var info = Json.Deserialize<CheckpointInfo>(File.ReadAllText(infoPath))
            ?? throw new BadInputException($"checkpoint description '{infoPath}' is empty");
        var model = new ResNet(info.Channels, info.Classes, info.Bias);
        try
        {
            model.load(weightsPath);
        }
        catch (Exception e) when (e is not BadInputException)
        {
            model.Dispose();
            throw new BadInputException($"checkpoint '{weightsPath}' does not hold a ResNet with C = {info.Channels}: {e.Message}", e);
        }
        return (model, info);
    }

    /// <summary>
    /// The checkpoint callback of <see cref="ResNetTraining.Train"/> that saves into <paramref name="output"/>:
    /// checkpoints/resnet-cC.pt at the end, checkpoints/resnet-cC-iterN.pt at the iterations between (each with its .json).
    /// </summary>
    public static Action<int, ResNet> Into(OutputDirectory output, ResNetTrainingOptions options, string data) => (iteration, model) =>
    {
        string name = iteration == options.Iterations
            ? $"checkpoints/resnet-c{options.Channels}.pt"
            : $"checkpoints/resnet-c{options.Channels}-iter{iteration}.pt";
        string weights = output.PathFor(name);
        output.PathFor(Path.ChangeExtension(name, ".json")); // staged beside the weights, so that Commit moves it too
        Save(model, new CheckpointInfo(options.Channels, DigitsData.Classes, options.Bias, iteration,
            options.Iterations, options.BatchSize, options.LearningRate, options.Seed, data), weights);
    };

    internal static string InfoPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");
}
