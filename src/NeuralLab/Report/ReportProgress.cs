using System.Diagnostics;
using NeuralLab.Common;

namespace NeuralLab.Report;

/// <summary>
/// Turns the sections' own progress into one report-level stream: which section runs, its current
/// task, and about how long the whole report has left. Done/Total are in seconds (elapsed, elapsed +
/// estimate), so a progress bar fills with time and a rate-based ETA equals the estimate. A heartbeat
/// reports every second, so a section that is silent for minutes still shows the clock moving.
/// </summary>
internal sealed class ReportProgress : IDisposable
{
    /// <summary>Name of the figure that carries the estimate of the report's remaining seconds.</summary>
    public const string SecondsLeft = "seconds left";

    readonly IProgress<ProgressReport>? _sink;
    readonly object _gate = new();
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly double _nominalSeconds;
    readonly int _count;
    readonly Timer? _heartbeat;
    int _index = -1;
    string _title = "";
    double _sectionStart;
    ProgressReport? _inner;
    double _completedSeconds;
    int _completedSections;
    bool _stopped;

    public ReportProgress(IProgress<ProgressReport>? sink, ReportProfile profile, int count)
    {
        _sink = sink;
        _count = count;
        _nominalSeconds = NominalSectionSeconds(profile);
        if (sink != null) _heartbeat = new Timer(_ => Emit(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>A first guess of one section's time before any has finished: the Quick budget is 10 minutes for five sections.</summary>
    static double NominalSectionSeconds(ReportProfile profile) => profile switch
    {
        ReportProfile.Test => 5,
        ReportProfile.Quick => 110,
        _ => 1200,
    };

    /// <summary>The sink handed to the running section.</summary>
    public IProgress<ProgressReport> SectionSink => new Forward(this);

    public void StartSection(int index, string title)
    {
        lock (_gate)
        {
            _index = index;
            _title = title;
            _inner = null;
            _sectionStart = _clock.Elapsed.TotalSeconds;
        }
        Emit();
    }

    public void FinishSection()
    {
        lock (_gate)
        {
            _completedSeconds += _clock.Elapsed.TotalSeconds - _sectionStart;
            _completedSections++;
            _inner = null;
        }
        Emit();
    }

    /// <summary>Seconds the report has probably left: the running section's remainder plus the sections not yet started.</summary>
    internal double EstimateSecondsLeft()
    {
        lock (_gate) return EstimateLocked(_clock.Elapsed.TotalSeconds);
    }

    double EstimateLocked(double now)
    {
        // Sections seen so far calibrate the guess for the rest (this machine may be slower or faster).
        double perSection = _completedSections > 0 ? _completedSeconds / _completedSections : _nominalSeconds;
        int pending = Math.Max(0, _count - _completedSections);
        bool running = _index >= 0 && _index >= _completedSections;
        if (!running) return pending * perSection;
        double inSection = now - _sectionStart;
        double left = Math.Max(0, perSection - inSection);
        if (_inner is { Done: > 0 } inner && inner.Total > inner.Done)
            left = Math.Max(left, inSection * (inner.Total - inner.Done) / inner.Done);
        return left + (pending - 1) * perSection;
    }

    void Emit()
    {
        if (_sink == null) return;
        lock (_gate)
        {
            if (_stopped || _index < 0) return;
            double now = _clock.Elapsed.TotalSeconds;
            double left = EstimateLocked(now);
            string task = $"report [{Math.Min(_index + 1, _count)}/{_count}] {_title}";
            if (_inner != null) task += $": {_inner.Task} {_inner.Done}/{_inner.Total}";
            var figures = new List<(string, double)> { ("section seconds", Math.Round(now - _sectionStart, 1)), (SecondsLeft, Math.Round(left)) };
            if (_inner != null) figures.AddRange(_inner.Figures);
            long done = (long)now;
            try
            {
                _sink.Report(new ProgressReport(task, done, done + (long)Math.Ceiling(left), figures));
            }
            catch (Exception)
            {
                // A broken progress display must never fail the section that happened to report: stop showing progress instead.
                _stopped = true;
            }
        }
    }

    public void Dispose()
    {
        _heartbeat?.Dispose();
        lock (_gate) _stopped = true;
    }

    sealed class Forward(ReportProgress owner) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value)
        {
            lock (owner._gate) owner._inner = value;
            owner.Emit();
        }
    }
}
