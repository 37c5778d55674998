namespace NeuralLab.Bench;

/// <summary>One benchmark; prints throughput, time-to-quality, peak memory and the peer's figures as ratios.</summary>
public interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    int Run(string[] args);
}
