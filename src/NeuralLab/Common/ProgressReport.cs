namespace NeuralLab.Common;

/// <summary>
/// What long-running library work tells its caller: where it is and a few named figures.
/// The library never writes to the console; the CLI turns these into a progress bar or log lines.
/// </summary>
/// <param name="Task">Short name of the work ("fit sine", "resnet C=64").</param>
/// <param name="Done">Units done so far (steps, iterations).</param>
/// <param name="Total">Units planned; may shrink if the work stops early.</param>
/// <param name="Figures">Named numbers to show (loss, PSNR, ...), in display order.</param>
public sealed record ProgressReport(string Task, long Done, long Total, IReadOnlyList<(string Name, double Value)> Figures);
