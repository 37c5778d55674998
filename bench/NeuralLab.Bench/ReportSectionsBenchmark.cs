using NeuralLab.Common;
using NeuralLab.Report;

namespace NeuralLab.Bench;

/// <summary>
/// Wall time of each report section at one profile, against its budget. The test profile's budgets were
/// wall-clock assertions in the section tests; timings on a shared machine measure its load, so they live here.
/// </summary>
public sealed class ReportSectionsBenchmark() : Benchmark("sections",
    "wall time of each report section at a profile (--profile test|quick|full, default test) against its budget")
{
    // Seconds on a quiet 2-core machine, test profile (the bounds the section tests used to assert).
    static readonly Dictionary<int, double> TestBudgets = new() { [1] = 10, [2] = 8, [3] = 10 };

    protected override IReadOnlyList<string> Keys => ["profile"];

    protected override int Run(string mode, IReadOnlyDictionary<string, string> options)
    {
        var profile = options.TryGetValue("profile", out var p) ? Enum.Parse<ReportProfile>(p, ignoreCase: true) : ReportProfile.Test;
        Console.WriteLine($"# profile {profile}");
        Console.WriteLine();
        Console.WriteLine("| section | seconds | budget |");
        Console.WriteLine("|---|---|---|");
        int over = 0;
        foreach (var section in ReportSections.Discover())
        {
            string dir = Path.Combine(Path.GetTempPath(), "neurallab-bench-sections-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                var result = section.Run(new ReportContext(profile, 0, dir));
                string budget = profile == ReportProfile.Test && TestBudgets.TryGetValue(section.Number, out double b) ? $"< {b:F0} s" : "—";
                if (profile == ReportProfile.Test && TestBudgets.TryGetValue(section.Number, out double limit) && result.Seconds >= limit) over++;
                Console.WriteLine($"| {section.Number}. {section.Title} | {result.Seconds:F1} | {budget} |");
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        return over == 0 ? 0 : 1;
    }
}
