using System.Text.Json;
using NeuralLab.Common;

namespace NeuralLab.NeuralFields;

/// <summary>
/// A fitted field on disk: <c>model.json</c> (format tag, architecture, how it was fitted) beside
/// <c>model.bin</c> (weights in TorchSharp's format). Like nanoGPT's checkpoints, the configuration
/// travels with the weights, so <c>neurallab render</c> needs nothing else.
/// </summary>
public sealed record FieldCheckpoint
{
    internal const string FormatTag = "neurallab-field";
    internal const int CurrentVersion = 1;
    internal const string ConfigFile = "model.json", WeightsFile = "model.bin";

    /// <summary>Format tag; a model.json with another tag is refused.</summary>
    public string Format { get; init; } = FormatTag;
    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>The network that model.bin holds the weights of.</summary>
    public required FieldArchitecture Architecture { get; init; }
    /// <summary>How the field was fitted.</summary>
    public required FitConfig Fit { get; init; }
    /// <summary>Height in pixels of the signal fitted (1 for audio).</summary>
    public required int ImageHeight { get; init; }
    /// <summary>Width in pixels of the signal fitted (frames for audio).</summary>
    public required int ImageWidth { get; init; }
    /// <summary>Optimiser steps taken.</summary>
    public required long Steps { get; init; }
    /// <summary>PSNR (dB, peak-to-peak 2 on [−1, 1]) of the field on the signal at the last evaluation.</summary>
    public required double Psnr { get; init; }
    /// <summary>Audio fields only: samples per second of the clip (the field's grid is 1 × frames).</summary>
    public int? SampleRate { get; init; }

    /// <summary>Writes model.json and model.bin into <paramref name="output"/> (staged, committed by the caller).</summary>
    public void Save(OutputDirectory output, CoordinateMlp model)
    {
        output.WriteAllText(ConfigFile, Json.Serialize(this));
        model.save(output.PathFor(WeightsFile));
    }

    /// <summary>
    /// Reads a checkpoint from a directory holding model.json, or from model.json itself, and rebuilds
    /// the model. Anything that is not one of ours is a <see cref="BadInputException"/>.
    /// </summary>
    public static (FieldCheckpoint Checkpoint, CoordinateMlp Model) Load(string path)
    {
        string configPath = Directory.Exists(path) ? Path.Combine(path, ConfigFile) : path;
        if (!File.Exists(configPath))
            throw new BadInputException(Directory.Exists(path)
                ? $"checkpoint directory '{path}' has no {ConfigFile}: not a NeuralLab field checkpoint"
                : $"checkpoint '{path}' does not exist");
        FieldCheckpoint? checkpoint;
        try
        {
            checkpoint = Json.Deserialize<FieldCheckpoint>(File.ReadAllText(configPath));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new BadInputException($"checkpoint '{configPath}' is not a NeuralLab field checkpoint (unreadable JSON: {e.Message})", e);
        }
        if (checkpoint is null || checkpoint.Format != FormatTag)
            throw new BadInputException($"checkpoint '{configPath}' is not a NeuralLab field checkpoint (format tag missing)");
        if (checkpoint.Version != CurrentVersion)
            throw new BadInputException($"checkpoint '{configPath}' has version {checkpoint.Version}; this NeuralLab reads version {CurrentVersion}");
        string weights = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, WeightsFile);
        if (!File.Exists(weights)) throw new BadInputException($"checkpoint '{configPath}' has no {WeightsFile} beside it");
        try
        {
            checkpoint.Architecture.Validate();
            checkpoint.Fit.Encoding.Validate();
        }
        catch (ArgumentException e)
        {
            throw BadInputException.InFile($"checkpoint '{configPath}'", e);
        }
        var model = new CoordinateMlp(checkpoint.Architecture, checkpoint.Fit.Encoding);
        try
        {
            model.load(weights);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new BadInputException($"checkpoint weights '{weights}' do not fit the architecture in {ConfigFile}: {e.Message}", e);
        }
        model.eval();
        return (checkpoint, model);
    }
}
