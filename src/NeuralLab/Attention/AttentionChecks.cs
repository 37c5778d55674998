using System.Diagnostics;
using NeuralLab.Common;

namespace NeuralLab.Attention;

/// <summary>Sizes of the checks of claims 3.1–3.5 for one report profile.</summary>
public sealed record AttentionCheckSizes(
    int SaturationKeys, int CopyKeys, int CopyDimension, IReadOnlyList<int> AverageDimensions,
    int RbfKeys, int RbfDimension, IReadOnlyList<double> Bandwidths, LowRankSettings LowRank)
{
    /// <summary>Problem sizes of the attention checks for a report profile: tiny for tests, the homework's for <see
    /// cref="ReportProfile.Full"/>.</summary>
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

/// <summary>Every measurement behind claims 3.1–3.5, and the claims judged from them.</summary>
public sealed record AttentionCheckResult(
    AttentionCheckSizes Sizes, int Seed, SaturationResult Saturation, CopyingResult Copying, AveragingResult Averaging,
    RbfKernelResult Rbf, LowRankResult LowRank, IReadOnlyList<Claim> Claims, double Seconds);

/// <summary>Runs the checks of homework section 3 (float64 for the mathematics, float32 for timing): the report and `attention check` both call it.</summary>
public static class AttentionChecks
{
    /// <summary>The checks of answers 3.1–3.5 for these sizes.</summary>
    public static (SaturationClaim Saturation, CopyingClaim Copying, AveragingClaim Averaging, RbfKernelClaim Rbf, LowRankClaim LowRank) Checks(AttentionCheckSizes sizes) =>
        (new(sizes), new(sizes), new(sizes), new(sizes), new(sizes));

    /// <param name="context">Profile (sizes), seed (libtorch is re-seeded before each check, so each is reproducible on its own), fault injection, progress.</param>
    /// <remarks>Runs on one libtorch thread (see <see cref="LibtorchThreads"/>).</remarks>
    public static AttentionCheckResult Run(ReportContext context) => LibtorchThreads.WithOne(() => RunChecks(context));

    static AttentionCheckResult RunChecks(ReportContext context)
    {
        var sizes = AttentionCheckSizes.For(context.Profile);
        var checks = Checks(sizes);
        var clock = Stopwatch.StartNew();
        void Step(int done, string name) => context.Progress?.Report(new ProgressReport($"attention {name}", done, 5, []));

        Step(0, "3.1");
        var saturation = checks.Saturation.Measure(context);
        Step(1, "3.2");
        var copying = checks.Copying.Measure(context);
        Step(2, "3.3");
        var averaging = checks.Averaging.Measure(context);
        Step(3, "3.4");
        var rbf = checks.Rbf.Measure(context);
        Step(4, "3.5");
        var lowRank = checks.LowRank.Measure(context);
        Step(5, "done");
        Claim[] claims = [checks.Saturation.Judge(saturation), checks.Copying.Judge(copying), checks.Averaging.Judge(averaging),
            checks.Rbf.Judge(rbf), checks.LowRank.Judge(lowRank)];
        return new AttentionCheckResult(sizes, context.Seed, saturation, copying, averaging, rbf, lowRank, claims, clock.Elapsed.TotalSeconds);
    }
}
