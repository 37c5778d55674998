using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using NeuralLab.NeuralFields;

namespace NeuralLab.Tests.Repository;

/// <summary>
/// `dotnet pack` makes the library package and the neurallab tool, and the tool installed from the fresh
/// packages runs a fit: libtorch loads from the tool's own folder (its libLibTorchSharp.so is patched at
/// pack time, docs/engine.md), with no NuGet cache or repository behind it.
/// </summary>
[Trait("Speed", "Slow")]
[Collection(Independent.Name)] // other processes only: it runs beside the libtorch tests
public class PackageTests
{
    // A guard against a hung child, not a speed target: packing rebuilds the library on a loaded machine.
    static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(30);

    [Fact]
    public void Pack_makes_the_library_and_the_tool_and_the_installed_tool_fits_an_image()
    {
        string root = DocumentationLinksTests.RepositoryRoot();
        using var dir = new TempDir();
        // Pack a copy of the sources, so the test never writes into the repository's bin/ and obj/.
        string source = dir.File("source");
        // .editorconfig is a build input too: it turns off the analyzer rules that do not fit (docs/contributing.md).
        foreach (string file in new[] { ".editorconfig", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "LICENSE", "README.md" })
            CopyInto(Path.Combine(root, file), Path.Combine(source, file));
        foreach (string folder in new[] { "build", "src" })
            CopyTree(Path.Combine(root, folder), Path.Combine(source, folder));
        string packages = dir.File("packages");
        foreach (string project in new[] { "src/NeuralLab/NeuralLab.csproj", "src/NeuralLab.Cli/NeuralLab.Cli.csproj" })
            Dotnet(source, null, "pack", project, "-c", "Release", "-o", packages, "--disable-build-servers", "-nodeReuse:false");

        string version = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("Version").Single().Value;
        using (var library = ZipFile.OpenRead(Path.Combine(packages, $"NeuralLab.{version}.nupkg")))
        {
            Assert.Contains(library.Entries, e => e.FullName == "lib/net10.0/NeuralLab.dll");
            Assert.Contains(library.Entries, e => e.FullName == "LICENSE");
            string nuspec = new StreamReader(library.Entries.Single(e => e.FullName == "NeuralLab.nuspec").Open()).ReadToEnd();
            Assert.Contains("<dependency id=\"TorchSharp\"", nuspec);
            Assert.DoesNotContain("<dependency id=\"TorchSharp-cpu\"", nuspec); // the application chooses the libtorch backend
        }
        Assert.True(File.Exists(Path.Combine(packages, $"NeuralLab.Cli.{version}.nupkg")), string.Join(", ", Directory.GetFiles(packages)));

        // A NuGet cache of its own, so an older package of the same version cached elsewhere cannot stand in.
        string tools = dir.File("tools");
        Dotnet(dir.Path, new() { ["NUGET_PACKAGES"] = dir.File("nuget") },
            "tool", "install", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources", "NeuralLab.Cli", "--version", version);
        string neurallab = Path.Combine(tools, "neurallab");
        Assert.True(File.Exists(neurallab), $"no neurallab in {tools}");

        string fit = dir.File("fit");
        var run = Run(neurallab, dir.Path, null, "fit", "--quick", "--size", "32", "--hidden", "32", "--layers", "1", "--steps", "20", "--json", "--out", fit);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(20, json.RootElement.GetProperty("steps").GetInt32());
        Assert.True(json.RootElement.GetProperty("psnr").GetDouble() > 10, run.Stdout);
        foreach (string name in FieldExperiment.OutputFiles) Assert.True(File.Exists(Path.Combine(fit, name)), name);
    }

    static void Dotnet(string workingDirectory, Dictionary<string, string>? environment, params string[] args) =>
        Run(DotnetHost(), workingDirectory, environment, args);

    // By absolute path: GraphTests empties PATH for a moment, and this class runs beside it.
    static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    static CliRunner.Result Run(string executable, string workingDirectory, Dictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        // The test host runs under `dotnet test`, whose MSBuild variables would steer a child build.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        string? dotnetDirectory = Path.GetDirectoryName(DotnetHost());
        start.Environment.TryGetValue("PATH", out string? path);
        start.Environment["PATH"] = string.Join(':', new[] { dotnetDirectory, "/usr/local/bin", "/usr/bin", "/bin", path }
            .Where(d => !string.IsNullOrEmpty(d)));
        // The tool's apphost finds the runtime through DOTNET_ROOT where the SDK is not in a default place.
        if (!string.IsNullOrEmpty(dotnetDirectory) && !(start.Environment.TryGetValue("DOTNET_ROOT", out string? root) && !string.IsNullOrEmpty(root)))
            start.Environment["DOTNET_ROOT"] = dotnetDirectory;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ChildTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{executable} {string.Join(' ', args)} did not finish within {ChildTimeout.TotalMinutes} min");
        }
        process.WaitForExit();
        var result = new CliRunner.Result(process.ExitCode, stdout.Result, stderr.Result);
        Assert.True(result.ExitCode == 0, $"{executable} {string.Join(' ', args)}\n{result}");
        return result;
    }

    static void CopyInto(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }

    static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj")) continue;
            CopyInto(file, Path.Combine(to, relative));
        }
    }
}
