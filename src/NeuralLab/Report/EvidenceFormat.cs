using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NeuralLab.Report;

/// <summary>Evidence values as JSON and as short text for the tables.</summary>
internal static class EvidenceFormat
{
    /// <summary>
    /// A copy whose every value System.Text.Json can write: primitives stay as they are, anything else
    /// becomes its JSON tree, and what cannot be serialised (a multi-dimensional array, a native handle)
    /// becomes its ToString() — one odd evidence value must not lose the whole report.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> JsonSafe(IReadOnlyDictionary<string, object?>? evidence)
    {
        var safe = new Dictionary<string, object?>();
        if (evidence == null) return safe;
        foreach (var (name, value) in evidence) safe[name] = JsonSafeValue(value);
        return safe;
    }

    static object? JsonSafeValue(object? value)
    {
        switch (value)
        {
            case null or string or bool or double or float or int or long or short or byte or uint or ulong or decimal:
                return value;
            case Enum e:
                return e.ToString();
        }
        try
        {
            return JsonSerializer.SerializeToNode(value, value.GetType(), Common.Json.Options);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or JsonException)
        {
            return value.ToString();
        }
    }

    /// <summary>One value as the tables show it: numbers to 4 significant digits, arrays shortened.</summary>
    public static string Display(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        double d => Number(d),
        float f => Number(f),
        decimal m => Number((double)m),
        int or long or short or byte or uint or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        JsonNode node => Display(node),
        _ => value.ToString() ?? "",
    };

    static string Display(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonArray array:
                var shown = array.Take(6).Select(Display);
                return "[" + string.Join(", ", shown) + (array.Count > 6 ? $", … ({array.Count} values)" : "") + "]";
            case JsonObject obj:
                return "{" + string.Join(", ", obj.Select(kv => $"{kv.Key}: {Display(kv.Value)}")) + "}";
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return Number(v.GetValue<double>());
            case JsonValue v when v.TryGetValue(out string? s):
                return s;
            default:
                return node.ToJsonString();
        }
    }

    /// <summary>4 significant digits in the ordinary range, scientific notation for the tiny and huge (errors like 3e-13).</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsInfinity(v)) return v > 0 ? "∞" : "−∞";
        if (v == 0) return "0";
        double a = Math.Abs(v);
        if (a >= 1e-3 && a < 1e6) return v.ToString(a >= 1e4 ? "F0" : "G4", CultureInfo.InvariantCulture);
        return v.ToString("0.00e+00", CultureInfo.InvariantCulture);
    }
}
