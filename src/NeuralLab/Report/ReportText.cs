using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace NeuralLab.Report;

/// <summary>Wording shared by the HTML and Markdown pages, so both say the same thing.</summary>
public static class ReportText
{
    internal const string Title = "NeuralLab report: the homework's written solution, checked by computation";

    internal const string Lead =
        "Each of the homework's five sections is run here, and every numbered answer of the written solution is checked " +
        "against the numbers of this run.";

    internal const string HowVerdictsAreDerived =
        "Every verdict is computed by the section from this run's numbers, by a criterion written before the run and shown with the claim, " +
        "never typed in advance. A claim **holds** when its conclusion and its working are right; **holds with an error in the working** when " +
        "the conclusion is right but a step, formula, vector or word of the working is wrong (the correction names it with numbers); **holds " +
        "under a condition** when it is true only under a condition the written solution does not state (the correction names it); and **does " +
        "not hold** when the numbers contradict it. A claim with no verdict is listed as **not checked**: the report never fills it in. The " +
        "tally counts the solution's 23 numbered answers (2.1, a figure not in the text, is drawn but not judged); the Reproductions table " +
        "holds measurements beyond them and is not counted. The test suite corrupts one computation on purpose and checks that its verdict changes.";

    internal static string Seconds(double s)
    {
        if (s < 60) return s.ToString(s < 1 ? "0.00" : s < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";
        if (s < 3600) return $"{(int)(s / 60)} min {(int)(s % 60):00} s";
        return $"{(int)(s / 3600)} h {(int)(s % 3600 / 60):00} min";
    }

    internal static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, NeuralLab {Version()}";

    static string Version()
    {
        string? v = typeof(ReportText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return v?.Split('+')[0] ?? "?";
    }

    internal static string Invocation(ReportOutcome r) =>
        r.Invocation ?? $"neurallab report --{ReportProfiles.Name(r.Profile)} --seed {r.Seed}";

    /// <summary>The tally over the numbered answers only.</summary>
    public static string Summary(ReportOutcome r)
    {
        var numbered = r.NumberedClaims;
        int Count(string verdict) => numbered.Count(c => c.Verdict == verdict);
        int expectedChecked = ExpectedClaims.Ids.Count - r.NotChecked.Count;
        return $"{expectedChecked} of {ExpectedClaims.Ids.Count} numbered answers checked: {Count(VerdictText.Holds)} hold, " +
               $"{Count(VerdictText.HoldsWithErrorInWorking)} hold with an error in the working, " +
               $"{Count(VerdictText.HoldsUnderCondition)} hold under a condition, {Count(VerdictText.DoesNotHold)} do not hold" +
               (r.NotChecked.Count > 0 ? $"; not checked: {string.Join(", ", r.NotChecked)}." : ".");
    }

    /// <summary>Why an expected claim has no verdict.</summary>
    public static string WhyNotChecked(ReportOutcome r, string claimId)
    {
        int? number = ExpectedClaims.SectionOf(claimId);
        var section = r.Sections.FirstOrDefault(s => s.Number == number);
        return section?.Status switch
        {
            SectionStatus.Failed => $"Section {number} failed before it could check this claim ({section.Error}).",
            SectionStatus.Ran => $"Section {number} ran but returned no verdict for this claim.",
            SectionStatus.NotSelected => $"Section {number} was not selected for this run.",
            _ => $"No implementation of section {number} is in this build.",
        };
    }

    /// <summary>Why a section that was not run has no results, in one sentence.</summary>
    public static string WhyNotRun(SectionOutcome s) => s.Status == SectionStatus.NotSelected
        ? "This section was not selected for this run (the report was asked for a subset of the sections)."
        : "No implementation of this section is in this build.";

    internal static string StatusWord(SectionOutcome s) => s.Status switch
    {
        SectionStatus.Ran => "ran",
        SectionStatus.Failed => "failed",
        SectionStatus.NotSelected => "not run (not selected)",
        _ => "not run (no implementation)",
    };
}
