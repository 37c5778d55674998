using System.Diagnostics;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace NeuralLab.Tests.Report;

/// <summary>
/// Debian's Chromium, headless, as the browser test's oracle. When it is missing the browser tests skip
/// (<see cref="ChromiumFactAttribute"/>), unless NEURALLAB_REQUIRE_BROWSER=1: then they fail with a message
/// saying how to install it, so a CI without Chromium cannot pass green without ever having looked at the
/// page (.ci/run installs it and sets the variable).
/// </summary>
public static partial class HeadlessChromium
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>NEURALLAB_CHROMIUM if set, else /usr/bin/chromium, else chromium on PATH.</summary>
    public static string Executable()
    {
        string? configured = Environment.GetEnvironmentVariable("NEURALLAB_CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : Fail($"NEURALLAB_CHROMIUM={configured} does not exist");
        return Installed() ?? Fail("Chromium is not installed. The browser test renders the report in Debian's chromium package: " +
                    "run `apt-get install -y chromium` (.ci/run does), or set NEURALLAB_CHROMIUM to a Chromium binary.");
    }

    /// <summary>/usr/bin/chromium, else chromium on PATH, else null.</summary>
    public static string? Installed()
    {
        if (File.Exists("/usr/bin/chromium")) return "/usr/bin/chromium";
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "chromium");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static string Fail(string message) => throw new Xunit.Sdk.XunitException(message);

    /// <summary>The DOM after the load event (our inline script has then counted the images that failed to decode).</summary>
    public static string DumpDom(string htmlPath) => Run(htmlPath, "--dump-dom");

    public static void Screenshot(string htmlPath, string pngPath, int width, int height)
    {
        Run(htmlPath, $"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars");
        Assert.True(File.Exists(pngPath), $"Chromium wrote no screenshot at {pngPath}");
    }

    /// <summary>An attribute of the page's body in a DOM dump (HTML serialisation, so read with a pattern).</summary>
    public static string? BodyAttribute(string dom, string name)
    {
        var body = BodyTag().Match(dom);
        if (!body.Success) return null;
        var attr = Regex.Match(body.Value, $@"\s{Regex.Escape(name)}=""([^""]*)""");
        return attr.Success ? attr.Groups[1].Value : null;
    }

    static string Run(string htmlPath, params string[] action)
    {
        string profile = Path.Combine(Path.GetTempPath(), "neurallab-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(Executable())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         $"--user-data-dir={profile}",
                     }.Concat(action).Append(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri))
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Fail($"Chromium did not finish within {Timeout.TotalSeconds} s");
            }
            process.WaitForExit();
            if (process.ExitCode != 0) Fail($"Chromium exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Variance of the luminance (0–255) over the screenshot: a blank page has none.</summary>
    public static double LuminanceVariance(SKBitmap bitmap)
    {
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        for (int x = 0; x < bitmap.Width; x += 2)
        {
            var c = bitmap.GetPixel(x, y);
            double l = 0.2126 * c.Red + 0.7152 * c.Green + 0.0722 * c.Blue;
            sum += l;
            sumSq += l * l;
            n++;
        }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }

    /// <summary>Pixels within a small distance of <paramref name="colour"/> (solid fills such as the verdict badges).</summary>
    public static int CountNear(SKBitmap bitmap, SKColor colour, int tolerance = 6)
    {
        int count = 0;
        foreach (var c in bitmap.Pixels)
        {
            if (Math.Abs(c.Red - colour.Red) <= tolerance && Math.Abs(c.Green - colour.Green) <= tolerance && Math.Abs(c.Blue - colour.Blue) <= tolerance)
                count++;
        }
        return count;
    }

    [GeneratedRegex("<body[^>]*>")]
    private static partial Regex BodyTag();
}
