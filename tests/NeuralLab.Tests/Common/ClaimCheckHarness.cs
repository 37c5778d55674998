using System.Collections;
using NeuralLab.Common;

namespace NeuralLab.Tests.Common;

/// <summary>Runs a <see cref="ClaimCheck"/> as it is and with its own computation broken.</summary>
public static class ClaimCheckHarness
{
    /// <summary>
    /// Asserts that the check consults fault injection for its own id and no other (so breaking any other claim cannot move
    /// it), that breaking its computation flips its verdict, and that the claim carries the check's criterion and a summary.
    /// Together over a section's checks: breaking one claim flips exactly that claim.
    /// </summary>
    public static (Claim Normal, Claim Broken) AssertFlipsAlone(ClaimCheck check, int seed = 0)
    {
        using var dir = new TempDir();
        var spy = new QuerySpy();
        var normal = check.Run(new ReportContext(ReportProfile.Test, seed, dir.Path, BrokenClaims: spy));
        Assert.Equal([check.Id], spy.Asked.Distinct());
        var broken = check.Run(new ReportContext(ReportProfile.Test, seed, dir.Path, BrokenClaims: new HashSet<string> { check.Id }));
        Assert.True(normal.Verdict != broken.Verdict, $"{check.Id}: {normal.Verdict} both times");
        foreach (var claim in new[] { normal, broken })
        {
            Assert.Equal(check.Id, claim.Id);
            Assert.Equal(check.Statement, claim.Statement);
            Assert.Equal(check.Criterion, claim.Criterion);
            Assert.False(string.IsNullOrWhiteSpace(claim.Summary), $"{check.Id}: no summary");
            Assert.NotEmpty(claim.Evidence);
            // A correction wherever the verdict is not a plain "holds".
            Assert.True(claim.Verdict == Verdict.Holds || !string.IsNullOrWhiteSpace(claim.Correction), $"{check.Id}: {claim.Verdict} without a correction");
        }
        return (normal, broken);
    }

    /// <summary>
    /// Runs <paramref name="section"/> at the test profile (seed 0, figures in <paramref name="dir"/>) and asserts what every
    /// section owes the report: its claims in the solution's order with the <paramref name="expected"/> verdicts, each with a
    /// summary and a criterion, and a correction wherever the verdict is not a plain "holds".
    /// </summary>
    public static SectionResult AssertVerdicts(IReportSection section, TempDir dir, params (string Id, Verdict Verdict)[] expected)
    {
        var result = section.Run(new ReportContext(ReportProfile.Test, 0, dir.Path));
        Assert.Equal(expected, result.Claims.Select(c => (c.Id, c.Verdict)));
        foreach (var claim in result.Claims)
        {
            Assert.False(string.IsNullOrWhiteSpace(claim.Summary), $"{claim.Id}: no summary");
            Assert.False(string.IsNullOrWhiteSpace(claim.Criterion), $"{claim.Id}: no criterion");
            Assert.True(claim.Verdict == Verdict.Holds || !string.IsNullOrWhiteSpace(claim.Correction), $"{claim.Id}: {claim.Verdict} without a correction");
        }
        return result;
    }

    /// <summary>An empty set that records which ids were asked about.</summary>
    sealed class QuerySpy : IReadOnlySet<string>
    {
        static readonly HashSet<string> Empty = [];

        public List<string> Asked { get; } = [];

        public bool Contains(string item)
        {
            Asked.Add(item);
            return false;
        }

        public int Count => 0;
        public IEnumerator<string> GetEnumerator() => Empty.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public bool IsProperSubsetOf(IEnumerable<string> other) => Empty.IsProperSubsetOf(other);
        public bool IsProperSupersetOf(IEnumerable<string> other) => Empty.IsProperSupersetOf(other);
        public bool IsSubsetOf(IEnumerable<string> other) => Empty.IsSubsetOf(other);
        public bool IsSupersetOf(IEnumerable<string> other) => Empty.IsSupersetOf(other);
        public bool Overlaps(IEnumerable<string> other) => Empty.Overlaps(other);
        public bool SetEquals(IEnumerable<string> other) => Empty.SetEquals(other);
    }
}
