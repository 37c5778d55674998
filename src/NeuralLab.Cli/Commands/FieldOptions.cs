using NeuralLab.NeuralFields;

namespace NeuralLab.Cli.Commands;

/// <summary>The options of the field's size and optimiser that fit and blend share, with one text and default each.</summary>
static class FieldOptions
{
    public static Option<int?> Hidden() => new("--hidden") { Description = "Units per hidden layer (default 256)." };

    public static Option<int?> Layers() => new("--layers") { Description = "Hidden-to-hidden layers (default 3)." };

    public static Option<double?> LearningRate() => new("--lr") { Description = $"Adam's learning rate (default {FitDefaults.Config.LearningRate})." };

    public static Option<int?> Steps() => new("--steps") { Description = $"Optimiser steps (default {FitDefaults.Config.Steps})." };

    public static Option<long> MaxPixels() =>
        new("--max-pixels") { Description = "Refuse images with more pixels than this (checked from the header).", DefaultValueFactory = _ => FieldImage.DefaultMaxPixels };
}
