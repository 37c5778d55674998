using System.Diagnostics;
using NeuralLab.Common;

namespace NeuralLab.Attention;

/// <summary>Sizes of the checks of claims 3.1–3.5 for one report profile.</summary>
public sealed record AttentionCheckSizes(
    int SaturationKeys, int CopyKeys, int CopyDimension, IReadOnlyList<int> AverageDimensions,
    int RbfKeys, int RbfDimension, IReadOnlyList<double> Bandwidths, LowRankSettings LowRank)
{
    public static AttentionCheckSizes For(ReportProfile profile) => profile switch
    {
        ReportProfile.Test => new(2, 8, 16, [4, 16], 32, 16, [0.25, 0.5, 1, 2, 4],
            new LowRankSettings(256, 64, [4, 8, 16, 32, 64], 16, [256, 512, 1024], 64, 3)),
        ReportProfile.Quick => new(2, 8, 16, [4, 16, 64, 256], 32, 16, [0.25, 0.5, 1, 2, 4],
            new LowRankSettings(1024, 64, [4, 8, 16, 32, 64, 128, 256], 32, [256, 512, 1024, 2048, 4096], 64, 5)),
        _ => new(2, 8, 16, [4, 16, 64, 256, 1024], 32, 16, [0.1, 0.25, 0.5, 1, 2, 4, 10],
            new LowRankSettings(2048, 64, [4, 8, 16, 32, 64, 128, 256, 512], 64, [256, 512, 1024, 2048, 4096, 8192], 64, 5)),
    };
}

/// <summary>Every measurement behind claims 3.1–3.5, and the claims derived from them.</summary>
public sealed record AttentionCheckResult(
    AttentionCheckSizes Sizes, int Seed, SaturationResult Saturation, CopyingResult Copying, AveragingResult Averaging,
    RbfKernelResult Rbf, LowRankResult LowRank, double Seconds)
{
    public IReadOnlyList<Claim> Claims { get; } =
        [Saturation.ToClaim(), Copying.ToClaim(), Averaging.ToClaim(), Rbf.ToClaim(), LowRank.ToClaim()];
}

/// <summary>Runs the checks of homework section 3 (float64 for the mathematics, float32 for timing).</summary>
public static class AttentionChecks
{
    /// <param name="profile">Budget.</param>
    /// <param name="seed">Seeds libtorch before each check, so each is reproducible on its own.</param>
    /// <param name="isBroken">Fault injection per claim id (see <see cref="ReportContext.IsBroken"/>).</param>
    /// <param name="progress">Progress sink.</param>
    /// <remarks>Runs on one libtorch thread (see <see cref="LibtorchThreads"/>).</remarks>
    public static AttentionCheckResult Run(ReportProfile profile, int seed, Func<string, bool>? isBroken = null,
        IProgress<ProgressReport>? progress = null) =>
        LibtorchThreads.WithOne(() => RunChecks(profile, seed, isBroken ?? (_ => false), progress));

    static AttentionCheckResult RunChecks(ReportProfile profile, int seed, Func<string, bool> isBroken, IProgress<ProgressReport>? progress)
    {
        var sizes = AttentionCheckSizes.For(profile);
        var clock = Stopwatch.StartNew();
        void Step(int done, string name) => progress?.Report(new ProgressReport($"attention {name}", done, 5, []));

        Step(0, "3.1");
        Seeding.SeedEverything(seed);
        var saturation = SaturationCheck.Run(sizes.SaturationKeys, isBroken("3.1"));
        Step(1, "3.2");
        Seeding.SeedEverything(seed);
        var copying = CopyingCheck.Run(sizes.CopyKeys, sizes.CopyDimension, broken: isBroken("3.2"));
        Step(2, "3.3");
        Seeding.SeedEverything(seed);
        var averaging = AveragingCheck.Run(sizes.AverageDimensions, broken: isBroken("3.3"));
        Step(3, "3.4");
        Seeding.SeedEverything(seed);
        var rbf = RbfKernelCheck.Run(sizes.RbfKeys, sizes.RbfDimension, sizes.Bandwidths, broken: isBroken("3.4"));
        Step(4, "3.5");
        Seeding.SeedEverything(seed);
        var lowRank = LowRankCheck.Run(sizes.LowRank, isBroken("3.5"), progress);
        Step(5, "done");
        return new AttentionCheckResult(sizes, seed, saturation, copying, averaging, rbf, lowRank, clock.Elapsed.TotalSeconds);
    }
}
