using Spectre.Console;

namespace NeuralLab.Cli;

/// <summary>
/// Shows library progress on stderr: a live bar (step, figures, rate, ETA) on a terminal, plain log
/// lines every few seconds otherwise (CI logs, pipes), nothing at all when quiet.
/// </summary>
public sealed class ConsoleProgress : IProgress<ProgressReport>
{
    readonly TextWriter _stderr;
    readonly bool _live;
    readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    TimeSpan _lastLine = TimeSpan.FromSeconds(-3600);
    ProgressTask? _task;
    ProgressReport? _latest;
    string? _lastTask;

    ConsoleProgress(TextWriter stderr, bool live)
    {
        _stderr = stderr;
        _live = live;
    }

    /// <summary>Runs <paramref name="work"/> with a progress sink suited to where stderr goes.</summary>
    public static T Run<T>(TextWriter stderr, Func<IProgress<ProgressReport>, T> work)
    {
        bool live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected
                    && Environment.GetEnvironmentVariable("CI") == null;
        var sink = new ConsoleProgress(stderr, live);
        if (!live) return work(sink);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                sink._context = ctx;
                result = work(sink);
                if (sink._task != null) sink._task.Value = sink._task.MaxValue;
            });
        return result;
    }

    ProgressContext? _context;

    public void Report(ProgressReport value)
    {
        _latest = value;
        if (_live && _context != null)
        {
            if (_task == null || _task.Description.Split(' ')[0] != Markup.Escape(value.Task).Split(' ')[0])
            {
                if (_task != null) _task.Value = _task.MaxValue;
                _task = _context.AddTask(Markup.Escape(value.Task), maxValue: Math.Max(1, value.Total));
            }
            _task.MaxValue = Math.Max(1, value.Total);
            _task.Value = value.Done;
            _task.Description = Markup.Escape(Describe(value));
            return;
        }
        var now = _clock.Elapsed;
        // A new task (the next section, the next fit) always gets a line; within one, every 5 s and at the end.
        // The task's first three words name it ("report [2/5] Recurrence", "fit sine"); the rest may be live counts.
        string key = string.Join(' ', value.Task.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));
        bool newTask = key != _lastTask;
        _lastTask = key;
        if (newTask || now - _lastLine >= TimeSpan.FromSeconds(5) || value.Done >= value.Total)
        {
            _lastLine = now;
            _stderr.WriteLine($"[{now.TotalSeconds,7:F1}s] {Describe(value)}");
        }
    }

    string Describe(ProgressReport r)
    {
        string figures = string.Join("  ", r.Figures.Select(f => $"{f.Name} {Format(f.Value)}"));
        double seconds = _clock.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? r.Done / seconds : 0;
        string eta = rate > 0 && r.Total > r.Done ? $"  eta {TimeSpan.FromSeconds((r.Total - r.Done) / rate):mm\\:ss}" : "";
        return $"{r.Task} {r.Done}/{r.Total}  {figures}  {rate:F1}/s{eta}";
    }

    static string Format(double v) => Math.Abs(v) is >= 1e-3 and < 1e5 || v == 0 ? v.ToString("G4") : v.ToString("E2");

    internal ProgressReport? Latest => _latest;
}
