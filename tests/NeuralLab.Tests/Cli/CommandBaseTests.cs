using System.CommandLine;
using System.Text.Json;
using NeuralLab.Cli;
using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Tests.Cli;

/// <summary>What <see cref="NeuralLabCommand"/> does for every command: --out, output, exit codes, cancellation, help.</summary>
public class CommandBaseTests
{
    /// <summary>A command whose work is the test's <paramref name="work"/>.</summary>
    sealed class Probe(Func<CommandContext, Outcome> work) : NeuralLabCommand("probe", """
        A probe of the command base: it runs what the test gives it.

        Example:
          neurallab probe --steps 3
        """)
    {
        readonly Option<int> _steps = new("--steps") { DefaultValueFactory = _ => 1 };
        readonly Option<int> _batch = new("--batch") { DefaultValueFactory = _ => 8 };

        protected override IEnumerable<Symbol> Symbols => [_steps, _batch];

        protected override Outcome Execute(CommandContext context) => work(context);
    }

    static CliRunner.Result Run(Func<CommandContext, Outcome> work, CancellationToken cancel, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var parsed = new Probe(work).Create().Parse(args);
        Assert.Empty(parsed.Errors);
        int code = parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancel)
            .GetAwaiter().GetResult();
        return new CliRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    static CliRunner.Result Run(Func<CommandContext, Outcome> work, params string[] args) => Run(work, CancellationToken.None, args);

    static Outcome StageAndPrint(CommandContext c)
    {
        c.OpenOutput()?.WriteAllText("a.txt", "staged");
        return new Outcome(new { files = c.Written }, o => o.WriteLine($"wrote {c.Written.Count} file(s)"));
    }

    [Fact]
    public void Out_is_committed_after_the_run_and_the_result_printed_as_text_or_json()
    {
        using var dir = new TempDir();
        var text = Run(StageAndPrint, "--out", dir.File("text"));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal("staged", File.ReadAllText(dir.File("text/a.txt")));
        Assert.Equal("wrote 1 file(s)\n", text.Stdout);

        var json = Run(StageAndPrint, "--out", dir.File("json"), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var printed = JsonDocument.Parse(json.Stdout);
        Assert.Equal(dir.File("json/a.txt"), printed.RootElement.GetProperty("files")[0].GetString());
        Assert.Equal([dir.File("json/a.txt")], Directory.GetFileSystemEntries(dir.File("json")));
    }

    [Fact]
    public void A_run_that_fails_after_staging_leaves_nothing_at_out()
    {
        using var dir = new TempDir();
        var result = Run(c =>
        {
            StageAndPrint(c);
            throw new BadInputException("--steps 3 cannot be used here");
        }, "--out", dir.File("out"), "--steps", "3");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("neurallab: --steps 3 cannot be used here\n", result.Stderr);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(dir.File("out")), "the failed run left its output directory");
    }

    [Theory]
    [InlineData("steps", "--steps")] // kebab-case of the parameter
    [InlineData("batchSize", "--batch")] // the map of names that differ from their flag
    public void A_library_argument_exception_names_the_flag_and_exits_2(string parameter, string flag)
    {
        var result = Run(_ => throw new ArgumentOutOfRangeException(parameter, -1, "must be positive"), "--steps", "-1");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"neurallab: {flag} -1: must be positive\n", result.Stderr);
    }

    [Fact]
    public void An_argument_exception_no_flag_of_the_command_explains_is_an_internal_failure()
    {
        var result = Run(_ => throw new ArgumentException("one target per step is needed", "target"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("neurallab: internal error: ArgumentException: one target per step is needed", result.Stderr);
    }

    [Fact]
    public void The_work_gets_System_CommandLines_cancellation_token()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        bool seen = false;
        var result = Run(c =>
        {
            seen = c.Cancel.IsCancellationRequested;
            return new Outcome(null, _ => { });
        }, cancel.Token);

        Assert.Equal(0, result.ExitCode);
        Assert.True(seen, "the command's token was not the invocation's");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Threads_below_one_exit_2_with_one_line_before_any_work(string threads)
    {
        bool ran = false;
        var result = Run(_ =>
        {
            ran = true;
            return new Outcome(null, _ => { });
        }, "--threads", threads);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"neurallab: --threads {threads}: must be at least 1\n", result.Stderr);
        Assert.False(ran, "the work ran with an unusable --threads");
    }

    // Oracle: libtorch's own count read inside the work, where the library pins one thread for itself.
    [Fact]
    public void Threads_hold_for_all_of_the_work_even_where_the_library_picks_one_thread()
    {
        var seen = new List<int>();
        Outcome Work(CommandContext c)
        {
            using (LibtorchThreads.One()) seen.Add(get_num_threads());
            return new Outcome(null, _ => { });
        }

        Assert.Equal(0, Run(Work, "--threads", "3").ExitCode);
        Assert.Equal(0, Run(Work).ExitCode);
        Assert.Equal([3, 1], seen);
    }

    // Every command that trains or computes in libtorch, with the arguments its parser needs (the files need not exist:
    // --threads is checked before the command's own work).
    [Theory]
    [InlineData("fit")]
    [InlineData("blend a.png b.png")]
    [InlineData("render model")]
    [InlineData("tiles fit")]
    [InlineData("tiles merge dir")]
    [InlineData("relu approx x^2 --eps 0.1")]
    [InlineData("relu constructions")]
    [InlineData("bptt grad --w 0.5 --x 1,2")]
    [InlineData("bptt sweep")]
    [InlineData("attention check")]
    [InlineData("attention bench")]
    [InlineData("resnet train")]
    [InlineData("resnet bias-check")]
    [InlineData("report")]
    public void Every_command_that_computes_takes_threads_and_refuses_fewer_than_one(string command)
    {
        string[] words = command.Split(' ');
        var help = CliRunner.Succeeds([.. words, "--help"]);
        Assert.Contains("--threads", help.Stdout);

        foreach (string threads in new[] { "0", "-2" })
        {
            using var dir = new TempDir();
            var result = CliRunner.Run([.. words, "--threads", threads, "--out", dir.File("out")]);
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Equal($"neurallab: --threads {threads}: must be at least 1\n", result.Stderr);
            Assert.False(Directory.Exists(dir.File("out")), "output left behind");
        }
    }

    [Fact]
    public void A_command_without_libtorch_work_has_no_threads()
    {
        var help = CliRunner.Succeeds("bptt", "graph", "--help");
        Assert.DoesNotContain("--threads", help.Stdout);
    }

    [Fact]
    public void Help_text_flows_paragraphs_and_keeps_examples_on_their_lines()
    {
        var command = new Probe(_ => throw new InvalidOperationException("not run")).Create();

        Assert.Equal("A probe of the command base: it runs what the test gives it.\nExample:\n  neurallab probe --steps 3", command.Description);
        Assert.Equal("one line and the next\nnew paragraph", HelpText.Flow("one line\nand the next\n\nnew paragraph\n"));
    }

    [Fact]
    public void Every_command_of_neurallab_is_built_on_the_base_and_no_command_does_tensor_work()
    {
        var notOnTheBase = new List<string>();
        void Visit(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                string name = $"{path} {sub.Name}";
                if (sub.Subcommands.Count > 0) Visit(sub, name);
                else if (!NeuralLabCommand.Builds(sub)) notOnTheBase.Add(name);
            }
        }
        Visit(NeuralLab.Cli.Cli.BuildRoot(), "neurallab");

        Assert.True(notOnTheBase.Count == 0, "not built on NeuralLabCommand (docs/cli.md): " + string.Join(", ", notOnTheBase));
        // Tensors belong to the library: the CLI assembly compiles against TorchSharp only if a command touches one.
        Assert.DoesNotContain(typeof(NeuralLabCommand).Assembly.GetReferencedAssemblies(), a => a.Name == "TorchSharp");
    }
}
