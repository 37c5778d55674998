using System.Diagnostics;
using NeuralLab.Report;

namespace NeuralLab.Cli.Commands;

/// <summary>
/// neurallab report: runs every section of the homework and writes DIR/index.html (self-contained),
/// DIR/report.md (figures beside it) and DIR/claims.json. Exit 0 when every section ran, whatever the
/// verdicts; 1 when a section crashed (the page still shows the rest); 2 for bad input.
/// </summary>
public sealed class ReportCommand : NeuralLabCommand, ICommandFactory
{
    public const string DefaultOutputDirectory = "report";

    const string Help = """
        Run every section of the homework and check every numbered answer of the written solution (1.1–1.7, 2.2–2.5,
        3.1–3.5, 4, 5.1–5.6) against this run's numbers. Writes DIR/index.html (one self-contained page: figures
        embedded, no network needed), DIR/report.md with DIR/figures/, and DIR/claims.json. Progress (the running
        section, time left) goes to stderr. Exit 0 when every section ran, whatever the verdicts; 1 when a section
        crashed (the page shows it and lists its claims as not checked); 2 for bad input.
        """;

    readonly Func<IReadOnlyList<IReportSection>> _sections;
    readonly Func<string, bool> _openInBrowser;

    readonly Option<bool> _full = new("--full") { Description = "The homework's exact hyperparameters (4000 ResNet iterations, the 200/300-epoch image recipes); takes much longer." };
    readonly Option<bool> _open = new("--open") { Description = "Open index.html in the desktop's browser (xdg-open) when done; otherwise say where it is." };
    readonly Option<string?> _profile = new("--profile")
    {
        Description = "For the test suite only: 'test' runs tiny budgets (seconds per section); 'quick' and 'full' are the same as --quick and --full.",
        Hidden = true,
    };
    readonly Option<string[]> _broken = new("--break")
    {
        Description = "For tests: corrupt the computation behind claim ID on purpose, to see its verdict change (repeatable).",
        Hidden = true,
    };
    readonly Option<int[]> _only = new("--sections")
    {
        Description = "Run only these homework sections (1–5, e.g. --sections 5 or --sections 1 3); the others appear as not run.",
        AllowMultipleArgumentsPerToken = true,
    };

    public ReportCommand() : this(() => ReportSections.Discover(), OpenWithXdg) { }

    /// <summary>For tests: other sections than the library's, and a browser opener that does not launch anything.</summary>
    internal ReportCommand(Func<IReadOnlyList<IReportSection>> sections, Func<string, bool> openInBrowser) : base("report", Help)
    {
        _sections = sections;
        _openInBrowser = openInBrowser;
    }

    public int Order => 100;

    protected override IEnumerable<Symbol> Symbols => [_full, _open, _only, _profile, _broken];

    protected override void DescribeCommon(CommonOptions common)
    {
        common.Quick.Description = "The default: smaller images and budgets, the whole report in under 10 minutes on 2 cores (the page says what was shrunk).";
        common.Out.Description = $"Directory for index.html, report.md, figures/ and claims.json (default: {DefaultOutputDirectory}/; written atomically).";
        common.Json.Description = "Print the claims list (as in claims.json) on stdout instead of the summary.";
    }

    protected override Outcome Execute(CommandContext c)
    {
        var chosen = ChooseProfile(c.Quick, c.Get(_full), c.Get(_profile));
        var brokenClaims = CheckBroken(c.Get(_broken) ?? []);
        int[] chosenSections = c.Get(_only) ?? [];
        foreach (int n in chosenSections)
            if (!ExpectedClaims.SectionTitles.ContainsKey(n)) throw new BadInputException($"--sections {n}: the homework's sections are 1 to 5");
        // The report writes its own directory atomically (ReportRunner), so --out is handed to it rather than staged here.
        string outDir = c.Out ?? DefaultOutputDirectory;
        string invocation = $"neurallab report --{ReportProfiles.Name(chosen)} --seed {c.Seed}" +
                            (c.Out != null ? $" --out {c.Out}" : "") + string.Concat(brokenClaims.Select(b => $" --break {b}")) +
                            (chosenSections.Length > 0 ? $" --sections {string.Join(' ', chosenSections)}" : "");
        var options = new ReportOptions(chosen, c.Seed, outDir, brokenClaims.Count > 0 ? brokenClaims : null, invocation,
            chosenSections.Length > 0 ? chosenSections.ToHashSet() : null);

        var report = c.Progress(progress => ReportRunner.Run(options, _sections(), progress));

        if (report.Sections.All(s => s.Status == SectionStatus.Missing))
            c.Note("this build has no report sections; every claim is listed as not checked");
        foreach (var s in report.Sections.Where(s => s.Status == SectionStatus.Failed))
            c.Note($"section {s.Number} ({s.Title}) failed: {s.Error?.ReplaceLineEndings(" ")}; the page shows it");
        if (c.Get(_open) && !_openInBrowser(report.IndexPath))
            c.Note($"could not open a browser; the report is at {report.IndexPath}");
        return new Outcome(report.Claims, o => PrintSummary(o, report), report.AllSectionsRan ? Cli.Success : Cli.InternalFailure);
    }

    static ReportProfile ChooseProfile(bool quick, bool full, string? profile)
    {
        if (quick && full) throw new BadInputException("--quick and --full exclude each other: choose one");
        var flag = full ? ReportProfile.Full : quick ? ReportProfile.Quick : (ReportProfile?)null;
        if (profile == null) return flag ?? ReportProfile.Quick;
        // Checked here rather than with AcceptOnlyFromAmong, whose parse error spans several lines.
        if (profile is not ("test" or "quick" or "full"))
            throw new BadInputException($"--profile '{profile}' is not a profile: use test, quick or full");
        var named = Enum.Parse<ReportProfile>(profile, ignoreCase: true);
        if (flag != null && flag != named)
            throw new BadInputException($"--profile {profile} contradicts --{ReportProfiles.Name(flag.Value)}: give one of them");
        return named;
    }

    static HashSet<string> CheckBroken(string[] ids)
    {
        foreach (string id in ids)
        {
            if (!ExpectedClaims.Ids.Contains(id))
                throw new BadInputException($"--break {id}: not a claim of the written solution (one of {string.Join(", ", ExpectedClaims.Ids)})");
        }
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    static void PrintSummary(TextWriter stdout, ReportOutcome r)
    {
        stdout.WriteLine($"NeuralLab report: {ReportProfiles.Name(r.Profile)} profile, seed {r.Seed}, {FormatSeconds(r.Seconds)} in all");
        foreach (var s in r.Sections)
        {
            string status = s.Status switch { SectionStatus.Ran => "ran", SectionStatus.Failed => "FAILED", _ => "not run" };
            string time = !s.WasRun ? "" : FormatSeconds(s.Seconds);
            string detail = s.Status switch
            {
                SectionStatus.Failed => s.Error?.ReplaceLineEndings(" ") ?? "",
                SectionStatus.Missing => "no implementation in this build",
                SectionStatus.NotSelected => "not selected (--sections)",
                _ => $"{Count(s.Claims.Count, "claim")}, {Count(s.Figures.Count, "figure")}",
            };
            stdout.WriteLine($"  {s.Number}. {Trim(s.Title, 44),-44} {status,-7} {time,9}  {detail}");
        }
        stdout.WriteLine();
        foreach (var c in r.Claims)
            stdout.WriteLine($"  {c.Claim,-5} {c.Verdict,-34} {Trim(c.Summary.Length > 0 ? c.Summary : c.Statement, 100)}");
        foreach (string id in r.NotChecked)
            stdout.WriteLine($"  {id,-5} {VerdictText.NotChecked}");
        foreach (var p in r.Reproductions)
            stdout.WriteLine($"  {p.Id,-5} reproduction (not a claim)         {Trim(p.Result, 100)}");
        stdout.WriteLine();
        stdout.WriteLine(ReportText.Summary(r));
        stdout.WriteLine($"Wrote {r.IndexPath} (self-contained; open it in any browser)");
        stdout.WriteLine($"      {r.MarkdownPath} (figures in {Path.Combine(Path.GetDirectoryName(r.MarkdownPath)!, ReportRunner.FiguresFolder)}/)");
        stdout.WriteLine($"      {r.ClaimsPath}");
    }

    static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    static string Trim(string s, int width)
    {
        s = s.ReplaceLineEndings(" ");
        return s.Length <= width ? s : s[..(width - 1)] + "…";
    }

    static string FormatSeconds(double s) => s < 60 ? $"{s:F1} s" : $"{(int)(s / 60)} min {(int)(s % 60):00} s";

    /// <summary>Hands the page to the desktop's browser. Without a display, xdg-open would fall back to a text browser in this
    /// terminal, so it is not tried; the caller then prints where the file is.</summary>
    static bool OpenWithXdg(string path)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
            return false;
        try
        {
            var start = new ProcessStartInfo("xdg-open", [path])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start);
            if (process == null) return false;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // xdg-open returns once the browser is launched; one that is still running after a while is a browser in the foreground.
            return !process.WaitForExit(TimeSpan.FromSeconds(10)) || process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no xdg-open on this machine
        }
    }
}
