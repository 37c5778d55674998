using System.Text.RegularExpressions;

namespace NeuralLab.Tests.Repository;

/// <summary>The README's and docs/' links lead to files inside the repository (a clone has nothing beside it).</summary>
[Collection(Independent.Name)]
public partial class DocumentationLinksTests
{
    /// <summary>The repository's root: the folder above the test binaries that holds NeuralLab.slnx.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuralLab.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no NeuralLab.slnx above {AppContext.BaseDirectory}");
    }

    static IEnumerable<string> MarkdownPages(string root) =>
        new[] { Path.Combine(root, "README.md") }.Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"));

    /// <summary>Markdown outside code: fenced blocks and inline code spans removed (they show syntax, not links).</summary>
    static string Prose(string markdown) => InlineCode().Replace(FencedCode().Replace(markdown, ""), "");

    [Fact]
    public void Every_relative_link_in_the_readme_and_docs_names_a_file_inside_the_repository()
    {
        string root = RepositoryRoot();
        var broken = new List<string>();
        int links = 0;
        foreach (string page in MarkdownPages(root))
        {
            foreach (Match m in Link().Matches(Prose(File.ReadAllText(page))))
            {
                string target = m.Groups["target"].Value;
                if (target.StartsWith('#') || UriScheme().IsMatch(target)) continue;
                links++;
                string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(target.Split('#')[0])));
                bool inside = path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                if (!inside || !(File.Exists(path) || Directory.Exists(path)))
                    broken.Add($"{Path.GetRelativePath(root, page)}: ({target}) {(inside ? "does not exist" : "points outside the repository")}");
            }
        }
        Assert.True(links >= 5, $"only {links} relative links found: is the link pattern still right?");
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void No_page_or_source_names_a_path_outside_the_repository()
    {
        string root = RepositoryRoot();
        var sources = MarkdownPages(root)
            .Concat(new[] { "src", "tests", "bench" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories)))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) != "DocumentationLinksTests.cs");
        var outside = sources.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => x.line.Contains("../shared/", StringComparison.Ordinal) || x.line.Contains("/work/shared", StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(outside.Count == 0, string.Join("\n", outside));
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"^\s*```.*?^\s*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"(`+).+?\1", RegexOptions.Singleline)]
    private static partial Regex InlineCode();
}
