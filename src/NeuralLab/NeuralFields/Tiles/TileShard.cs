using System.Globalization;
using NeuralLab.Common;

namespace NeuralLab.NeuralFields.Tiles;

/// <summary>
/// Which tiles one process fits: those with index ≡ <see cref="Index"/> (mod <see cref="Count"/>). Round-robin rather
/// than contiguous blocks, so edge tiles (cropped, cheaper) spread over the shards. The shard comes from the job
/// scheduler the user already has, not from a distribution layer of our own: a Slurm job array or a Kubernetes
/// Indexed Job starts N copies of the same command, each with its index in the environment.
/// </summary>
public sealed record TileShard(int Index, int Count)
{
    internal const string SlurmTaskId = "SLURM_ARRAY_TASK_ID", SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT",
        SlurmTaskMin = "SLURM_ARRAY_TASK_MIN", SlurmTaskStep = "SLURM_ARRAY_TASK_STEP", KubernetesIndex = "JOB_COMPLETION_INDEX";

    /// <summary>The one shard that owns every tile (no sharding).</summary>
    public static TileShard All { get; } = new(0, 1);

    /// <summary>Where the shard came from: "--shard", "slurm", "kubernetes" or "all".</summary>
    public string Source { get; init; } = FlagSource;

    /// <summary>The <see cref="Source"/> of a shard the user gave (<see cref="Parse"/>).</summary>
    const string FlagSource = "--shard";

    internal bool Owns(int tileIndex) => tileIndex % Count == Index;

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>"I/N" with 0 ≤ I &lt; N.</summary>
    public static TileShard Parse(string shard)
    {
        var parts = shard.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new ArgumentException($"must be I/N (for example 0/4), not '{shard}'", nameof(shard));
        return Checked(i, n, FlagSource);
    }

    static TileShard Checked(int index, int count, string source)
    {
        // From --shard the user's own parameter; from the environment the job system's.
        if (count <= 0)
            throw source == FlagSource ? new ArgumentOutOfRangeException("shard", count, "the number of shards must be positive")
                : new BadInputException($"{source}: the number of shards must be positive, not {count}");
        if (index < 0 || index >= count)
            throw source == FlagSource ? new ArgumentOutOfRangeException("shard", index, $"shard index is not in 0 … {count - 1}")
                : new BadInputException($"{source}: shard index {index} is not in 0 … {count - 1}");
        return new TileShard(index, count) { Source = source };
    }

    /// <summary>
    /// The shard of this process: <paramref name="shard"/> ("I/N") when given; else a Slurm array task
    /// (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN, divided by SLURM_ARRAY_TASK_STEP, of SLURM_ARRAY_TASK_COUNT: an
    /// array 1-8 or 0-30:2 numbers its shards from 0); else a Kubernetes Indexed Job's JOB_COMPLETION_INDEX of
    /// <paramref name="shards"/> (the Job's completions, which the pod's environment does not carry); else every tile.
    /// </summary>
    public static TileShard Select(string? shard, int? shards, Func<string, string?> environment)
    {
        if (shard is not null && shards is not null) throw new BadInputException("give --shard I/N or --shards N (with JOB_COMPLETION_INDEX), not both");
        if (shards is <= 0) throw new ArgumentOutOfRangeException(nameof(shards), shards, "must be positive");
        if (shard is not null) return Parse(shard);
        if (environment(SlurmTaskId) is { Length: > 0 } id)
        {
            int task = Integer(SlurmTaskId, id);
            int count = Integer(SlurmTaskCount, environment(SlurmTaskCount)
                ?? throw new BadInputException($"{SlurmTaskId} is set but {SlurmTaskCount} is not: give --shard I/N"));
            int min = environment(SlurmTaskMin) is { Length: > 0 } m ? Integer(SlurmTaskMin, m) : 0;
            int step = environment(SlurmTaskStep) is { Length: > 0 } s ? Integer(SlurmTaskStep, s) : 1;
            if (step <= 0 || (task - min) % step != 0) throw new BadInputException($"{SlurmTaskId}={task} is not on the array's grid ({SlurmTaskMin}={min}, {SlurmTaskStep}={step})");
            return Checked((task - min) / step, count, "slurm");
        }
        if (environment(KubernetesIndex) is { Length: > 0 } index)
        {
            if (shards is not int n) throw new BadInputException($"{KubernetesIndex} is set: give --shards N, the Indexed Job's completions");
            return Checked(Integer(KubernetesIndex, index), n, "kubernetes");
        }
        if (shards is not null) throw new BadInputException($"--shards takes the shard's index from {KubernetesIndex}, which is not set: give --shard I/N");
        return All with { Source = "all" };
    }

    static int Integer(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new BadInputException($"{name} must be an integer, not '{value}'");
}
