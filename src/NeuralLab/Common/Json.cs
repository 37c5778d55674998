using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralLab.Common;

/// <summary>The one JSON dialect of NeuralLab's outputs: snake_case names, NaN/Infinity spelled out.</summary>
public static class Json
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        // σ, −, ² stay readable in claims.json; outputs are files and stdout, never embedded in HTML unescaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The JSON of <paramref name="value"/> in this dialect (indented, snake_case, NaN and ±Infinity as
    /// strings).</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    internal static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);
}
