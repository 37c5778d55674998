using System.CommandLine;
using System.Text.Json;
using NeuralLab.Cli.Commands;
using NeuralLab.Common;

namespace NeuralLab.Tests.Report;

public class ReportCommandTests
{
    /// <summary>Runs `report` built over the given sections (the CLI's own discovery finds the library's), like Cli.Run does.</summary>
    static CliRunner.Result RunWith(IReadOnlyList<IReportSection> sections, Func<string, bool>? opener, params string[] args)
    {
        var command = new ReportCommand(() => sections, opener ?? (_ => throw new InvalidOperationException("--open not given, nothing to open"))).Create();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var parsed = command.Parse(args);
        Assert.Empty(parsed.Errors);
        int code = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        return new CliRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Report_writes_the_three_outputs_prints_a_summary_and_shows_progress_per_section()
    {
        using var dir = new TempDir();
        var result = RunWith(FakeFigures.AllSections(), null, "--profile", "test", "--out", dir.File("r"));

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string name in new[] { "index.html", "report.md", "claims.json" }) Assert.True(File.Exists(dir.File("r/" + name)), name);
        Assert.Contains("test profile, seed 0", result.Stdout);
        Assert.Contains("23 of 23 numbered answers checked: 17 hold, 0 hold with an error in the working, 4 hold under a condition, 2 do not hold", result.Stdout.Replace("\n", " "));
        Assert.Contains(dir.File("r/index.html"), result.Stdout);
        for (int n = 1; n <= 5; n++) Assert.Contains($"report [{n}/5]", result.Stderr);
        Assert.Contains("seconds left", result.Stderr);
    }

    [Fact]
    public void A_crashing_section_gives_exit_code_1_with_the_page_still_written()
    {
        using var dir = new TempDir();
        var sections = FakeFigures.AllSections();
        sections.Add(new FakeSection(4, "Residual, second part") { CrashAfterFirstFigure = true });
        var result = RunWith(sections, null, "--profile", "test", "--out", dir.File("r"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("neurallab: section 4 (Residual, second part) failed: InvalidOperationException: fake section 4 crashed on purpose; the page shows it", result.Stderr);
        Assert.Contains("FAILED", result.Stdout);
        var page = PageChecks.ParseXml(File.ReadAllText(dir.File("r/index.html")));
        Assert.True(PageChecks.HasClass(PageChecks.ById(page, "section-4-2"), "failed"));
    }

    [Fact]
    public void Json_prints_exactly_the_claims_list_of_claims_json()
    {
        using var dir = new TempDir();
        var result = RunWith(FakeFigures.AllSections(), null, "--profile", "test", "--json", "--out", dir.File("r"));

        Assert.Equal(0, result.ExitCode);
        using var printed = JsonDocument.Parse(result.Stdout);
        using var written = JsonDocument.Parse(File.ReadAllText(dir.File("r/claims.json")));
        Assert.Equal(written.RootElement.GetRawText(), printed.RootElement.GetRawText());
        Assert.Equal(23, printed.RootElement.GetArrayLength());
        Assert.All(printed.RootElement.EnumerateArray(), c => Assert.Equal(
            ["claim", "statement", "verdict", "evidence", "correction", "figure", "section", "summary", "criterion"], c.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public void Open_hands_the_page_to_the_browser_and_says_where_it_is_when_that_fails()
    {
        using var dir = new TempDir();
        var opened = new List<string>();
        var result = RunWith([new FakeSection(4, "Residual", ("4", FakeKind.Identity))], p => { opened.Add(p); return false; },
            "--profile", "test", "--open", "--out", dir.File("r"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([dir.File("r/index.html")], opened);
        Assert.Contains($"neurallab: could not open a browser; the report is at {dir.File("r/index.html")}", result.Stderr);
    }

    [Fact]
    public void Without_out_the_report_goes_to_report_in_the_current_directory()
    {
        using var dir = new TempDir();
        string before = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = dir.Path;
            var result = RunWith([new FakeSection(4, "Residual", ("4", FakeKind.Identity))], null, "--profile", "test", "--seed", "3");
            Assert.Equal(0, result.ExitCode);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
        Assert.True(File.Exists(dir.File("report/index.html")));
        Assert.Contains("<code>neurallab report --test --seed 3</code>", File.ReadAllText(dir.File("report/index.html")));
    }

    [Fact]
    public void The_seed_and_broken_claims_given_on_the_command_line_reach_the_sections()
    {
        using var dir = new TempDir();
        var section = new FakeSection(1, "Expressivity", ("1.3", FakeKind.Identity));
        var result = RunWith([section], null, "--profile", "test", "--seed", "11", "--break", "1.3", "--json", "--out", dir.File("r"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(11, section.SeenContext!.Seed);
        Assert.True(section.SeenContext.IsBroken("1.3"));
        using var printed = JsonDocument.Parse(result.Stdout);
        Assert.Equal("does not hold", printed.RootElement[0].GetProperty("verdict").GetString());
    }

    [Theory]
    [InlineData("--quick and --full exclude each other", "--quick", "--full")]
    [InlineData("--profile test contradicts --full", "--profile", "test", "--full")]
    [InlineData("--break 9.9: not a claim of the written solution", "--break", "9.9")]
    [InlineData("'fast'", "--profile", "fast")]
    [InlineData("--sections 9: the homework's sections are 1 to 5", "--sections", "9")]
    [InlineData("'many'", "--seed", "many")]
    public void Bad_input_gets_one_line_on_stderr_exit_code_2_and_no_output(string message, params string[] args)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run(["report", .. args, "--out", dir.File("r")]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("neurallab: ", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.False(Directory.Exists(dir.File("r")));
    }

    [Fact]
    public void An_output_directory_that_is_a_file_is_bad_input_and_leaves_the_file_alone()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("taken"), "mine");
        var result = CliRunner.Run("report", "--profile", "test", "--out", dir.File("taken"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"neurallab: output directory '{dir.File("taken")}' is a file\n", result.Stderr);
        Assert.Equal("mine", File.ReadAllText(dir.File("taken")));
        Assert.Equal([dir.File("taken")], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Help_documents_the_flags_but_hides_the_test_only_ones()
    {
        var result = CliRunner.Run("report", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (string flag in new[] { "--quick", "--full", "--out", "--open", "--json", "--seed" }) Assert.Contains(flag, result.Stdout);
        Assert.DoesNotContain("--profile", result.Stdout);
        Assert.DoesNotContain("--break", result.Stdout);
    }

    [Fact]
    public void Sections_runs_only_the_sections_named()
    {
        using var dir = new TempDir();
        var result = RunWith(FakeFigures.AllSections(), null, "--profile", "test", "--sections", "2", "5", "--out", dir.File("r"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("report [1/2]", result.Stderr);
        Assert.Contains("report [2/2]", result.Stderr);
        Assert.DoesNotContain("report [3/", result.Stderr);
        Assert.Equal(3, result.Stdout.Split('\n').Count(l => l.Contains("not run")));
        // The skipped sections are implemented: they must say "not selected", never "no implementation".
        Assert.Equal(3, result.Stdout.Split('\n').Count(l => l.Contains("not selected (--sections)")));
        Assert.DoesNotContain("no implementation", result.Stdout);
        string page = File.ReadAllText(Path.Combine(dir.File("r"), "index.html"));
        Assert.DoesNotContain("No implementation", page);
        Assert.Contains("not selected for this run", page);
        string markdown = File.ReadAllText(Path.Combine(dir.File("r"), "report.md"));
        Assert.DoesNotContain("No implementation", markdown);
        Assert.Contains("not selected for this run", markdown);
    }
}
