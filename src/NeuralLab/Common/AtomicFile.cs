namespace NeuralLab.Common;

/// <summary>Single-file outputs written to a temporary sibling and renamed into place.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        try
        {
            if (dir != null) Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BadInputException($"cannot write '{path}': {e.Message}", e);
        }
        string temp = Path.Combine(dir ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTo(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BadInputException($"cannot write '{path}': {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text) => Write(path, t => File.WriteAllText(t, text));
}
