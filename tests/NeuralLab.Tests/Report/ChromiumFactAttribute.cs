namespace NeuralLab.Tests.Report;

/// <summary>
/// A fact that renders in Chromium. On a machine without Chromium it is skipped with a one-line reason, so the
/// README's <c>dotnet test</c> passes where only the .NET SDK is installed; with NEURALLAB_REQUIRE_BROWSER=1
/// (.ci/run sets it after installing Chromium) or NEURALLAB_CHROMIUM set, it runs and a missing browser fails it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = SkipReason();

    /// <summary>Null when the browser checks run; else why they are skipped, in one line.</summary>
    public static string? SkipReason()
    {
        bool required = Environment.GetEnvironmentVariable("NEURALLAB_REQUIRE_BROWSER") == "1"
                        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NEURALLAB_CHROMIUM"));
        return required || HeadlessChromium.Installed() != null ? null
            : "Chromium is not installed (apt-get install chromium; NEURALLAB_REQUIRE_BROWSER=1 turns this skip into a failure)";
    }
}
