namespace NeuralLab.Common;

/// <summary>
/// Writes a command's outputs so that a failed run leaves nothing half-written: every file goes to a
/// hidden staging folder inside the target directory (same file system, so renames are atomic), and
/// <see cref="Commit"/> renames each one into place. Disposing without committing deletes the staging.
/// </summary>
public sealed class OutputDirectory : IDisposable
{
    readonly string _staging;
    readonly List<string> _names = [];
    readonly bool _createdRoot;
    bool _committed;

    /// <summary>The directory the outputs end up in after <see cref="Commit"/> (absolute path).</summary>
    public string Root { get; }

    OutputDirectory(string root, string staging, bool createdRoot)
    {
        Root = root;
        _staging = staging;
        _createdRoot = createdRoot;
    }

    /// <summary>Creates (or reuses) <paramref name="directory"/> and checks that it can be written.</summary>
    public static OutputDirectory Open(string directory)
    {
        string root = Path.GetFullPath(directory);
        try
        {
            if (File.Exists(root)) throw new BadInputException($"output directory '{directory}' is a file");
            bool created = !Directory.Exists(root);
            Directory.CreateDirectory(root);
            string staging = Path.Combine(root, $".neurallab-staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            return new OutputDirectory(root, staging, created);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BadInputException($"cannot write to output directory '{directory}': {e.Message}", e);
        }
    }

    /// <summary>The staging path for an output named <paramref name="name"/> (may contain sub-folders).</summary>
    public string PathFor(string name)
    {
        if (Path.IsPathRooted(name) || name.Contains("..")) throw new ArgumentException($"not a relative output name: {name}");
        string path = Path.Combine(_staging, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!_names.Contains(name)) _names.Add(name);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) as output <paramref name="name"/> in the staging directory; it
    /// appears in <see cref="Root"/> only on <see cref="Commit"/>.</summary>
    public void WriteAllText(string name, string text) => File.WriteAllText(PathFor(name), text);

    internal void WriteAllBytes(string name, byte[] bytes) => File.WriteAllBytes(PathFor(name), bytes);

    /// <summary>The final path an output will have after <see cref="Commit"/>.</summary>
    public string FinalPath(string name) => Path.Combine(Root, name);

    /// <summary>File names written so far, in first-write order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Moves every written output into <see cref="Root"/>, replacing files of the same name, and removes the
    /// staging directory. Outputs not written in this run are left alone.</summary>
    public void Commit()
    {
        foreach (string name in _names)
        {
            string from = Path.Combine(_staging, name);
            if (!File.Exists(from)) continue;
            string to = Path.Combine(Root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Move(from, to, overwrite: true);
        }
        _committed = true;
        Directory.Delete(_staging, recursive: true);
    }

    /// <summary>Without <see cref="Commit"/>: deletes the staging directory, and the output directory too if this run
    /// created it and it is still empty, so a failed run leaves nothing behind.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(_staging))
        {
            try
            {
                Directory.Delete(_staging, recursive: true);
                // A directory this run created stays only if the run succeeded.
                if (_createdRoot && !Directory.EnumerateFileSystemEntries(Root).Any()) Directory.Delete(Root);
            }
            catch (IOException) { }
        }
    }
}
