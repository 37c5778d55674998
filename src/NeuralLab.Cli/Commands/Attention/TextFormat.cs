using System.Collections;

namespace NeuralLab.Cli.Commands.Attention;

/// <summary>Compact human-readable numbers for the tables of <c>neurallab attention</c>.</summary>
internal static class TextFormat
{
    public static string Value(object? value) => value switch
    {
        null => "-",
        double d => Number(d),
        float f => Number(f),
        string s => s,
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Value)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Number(double v) =>
        double.IsNaN(v) || double.IsInfinity(v) ? v.ToString(CultureInfo.InvariantCulture)
        : v == 0 || Math.Abs(v) is >= 1e-3 and < 1e5 ? v.ToString("0.####", CultureInfo.InvariantCulture)
        : v.ToString("0.##E+0", CultureInfo.InvariantCulture);

    public static string Mebibytes(long? bytes) => bytes is null ? "-" : (bytes.Value / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
