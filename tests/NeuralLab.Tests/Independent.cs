namespace NeuralLab.Tests;

/// <summary>
/// Test classes that touch no process-wide state join this collection, which runs in parallel with the
/// assembly's default collection. Every other class stays in the default one, where classes run one at a time,
/// because they change or depend on process-wide state: libtorch's random generator (a seed, or any draw from
/// it — a draw from another test between a seed and its use changes the numbers), libtorch's intra-op thread
/// count, PATH and other environment variables, the current directory, the process's memory (leak tests).
/// A new class therefore starts safe (serial); mark it <c>[Collection(Independent.Name)]</c> only when it runs
/// no libtorch code and changes nothing process-wide.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Independent
{
    public const string Name = "Independent of process-wide state";
}
