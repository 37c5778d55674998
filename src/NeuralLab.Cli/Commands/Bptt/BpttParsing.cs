using NeuralLab.Recurrence;

namespace NeuralLab.Cli.Commands.Bptt;

/// <summary>Parsing of the bptt flags, each failure a <see cref="BadInputException"/> that names the flag and the value.</summary>
static class BpttParsing
{
    public const int MaxSequenceLength = 1000;

    /// <summary>double.TryParse with the spellings of infinity people type ("inf"), so that the library refuses them by name as not finite.</summary>
    static bool TryParse(string text, out double value)
    {
        string bare = text.TrimStart('+', '-').ToLowerInvariant();
        if (bare is "inf" or "infinity" or "nan")
        {
            value = bare == "nan" ? double.NaN : text.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A number as typed, infinity and NaN included: whether it is finite (and in range) is the library's check, by name.</summary>
    public static double ParseNumber(string? text, string flag)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new BadInputException($"{flag}: a number is required");
        if (!TryParse(text.Trim(), out double value))
            throw new BadInputException($"{flag}: '{text}' is not a number");
        return value;
    }

    /// <summary>A comma-separated sequence x_1,...,x_T of finite numbers.</summary>
    public static double[] Sequence(string? text, string flag)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new BadInputException($"{flag}: the sequence is empty (give x_1,...,x_T separated by commas)");
        var parts = text.Split(',');
        if (parts.Length > MaxSequenceLength) throw new BadInputException($"{flag}: {parts.Length} elements, at most {MaxSequenceLength} are allowed");
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i].Trim();
            if (part.Length == 0) throw new BadInputException($"{flag}: element {i + 1} is empty in '{text}'");
            if (!TryParse(part, out values[i]))
                throw new BadInputException($"{flag}: element {i + 1} '{part}' is not a number");
            if (!double.IsFinite(values[i])) throw new BadInputException($"{flag}: element {i + 1} must be finite, got {part}");
        }
        return values;
    }

    public static GraphRenderer Renderer(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "auto" => GraphRenderer.Auto,
        "graphviz" => GraphRenderer.Graphviz,
        "builtin" => GraphRenderer.Builtin,
        _ => throw new BadInputException($"--renderer: unknown renderer '{text}' (expected auto, graphviz or builtin)"),
    };

    public static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static string Short(double v) =>
        v == 0 || Math.Abs(v) is >= 1e-3 and < 1e6 ? v.ToString("G10", CultureInfo.InvariantCulture) : v.ToString("E6", CultureInfo.InvariantCulture);
}

/// <summary>The options the bptt commands share.</summary>
static class BpttOptions
{
    public static Option<string> Activation(string description, string defaultValue) =>
        new("--activation") { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<string> Form() =>
        new("--form") { Description = "outer: h_t = w*sigma(y_t); inner: h_t = sigma(w*y_t).", DefaultValueFactory = _ => "outer" };
}
