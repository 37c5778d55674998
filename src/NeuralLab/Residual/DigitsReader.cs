using System.Globalization;
using System.IO.Compression;
using NeuralLab.Common;

namespace NeuralLab.Residual;

/// <summary>
/// Reads digit images: the embedded UCI digits (the default), a CSV in the same layout (64 pixel
/// counts 0..16 then the label, optionally gzipped), or MNIST's IDX files (images and labels,
/// optionally gzipped) reduced to 8×8 by an area-weighted box filter. Bad data raises a
/// <see cref="BadInputException"/> that names the file and the row.
/// </summary>
public static class DigitsReader
{
    internal const int Side = 8;
    internal const int CsvColumns = Side * Side + 1;
    /// <summary>UCI pixels count the inked cells of a 4×4 block of a 32×32 bitmap.</summary>
    public const double CsvMaxPixel = 16;
    const string ResourceName = "NeuralLab.Residual.Data.digits.csv.gz";
    /// <summary>Decompressed inputs larger than this are refused before they exhaust memory (MNIST's training images are 47 MB).</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>The 1797 UCI digits embedded in the library (CC BY 4.0, see Residual/Data/NOTICE.md).</summary>
    public static DigitsData LoadEmbedded()
    {
        using var stream = typeof(DigitsReader).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
        return ParseCsv(ReadAll(stream, gzip: true, "UCI digits (embedded)"), "UCI digits (embedded)");
    }

    /// <summary>The embedded digits when <paramref name="path"/> is null, otherwise <see cref="Read"/>.</summary>
    public static DigitsData Load(string? path, string? labelsPath = null)
    {
        if (path == null && labelsPath != null) throw new BadInputException("--labels goes with IDX images given by --data");
        return path == null ? LoadEmbedded() : Read(path, labelsPath);
    }

    /// <summary>
    /// Reads <paramref name="path"/>: IDX images (magic 0x00000803) or a digits CSV, each optionally gzipped.
    /// IDX images need labels: <paramref name="labelsPath"/>, or MNIST's sibling name
    /// (train-images-idx3-ubyte → train-labels-idx1-ubyte).
    /// </summary>
    public static DigitsData Read(string path, string? labelsPath = null)
    {
        byte[] bytes = ReadFile(path);
        if (bytes.Length >= 2 && bytes[0] == 0 && bytes[1] == 0)
        {
            IdxReader.RefuseLabelsAsImages(bytes, path);
            string labels = labelsPath ?? MnistLabelsPathFor(path)
                ?? throw new BadInputException($"IDX images '{path}' need their labels: pass the labels file with --labels");
            if (labelsPath == null && !File.Exists(labels))
                throw new BadInputException($"IDX images '{path}' need their labels: '{labels}' does not exist; pass the labels file with --labels");
            return IdxReader.Parse(bytes, path, ReadFile(labels), labels);
        }
        if (labelsPath != null)
            throw new BadInputException($"'{path}' is a CSV with the labels in its last column; --labels is only for IDX images");
        return ParseCsv(bytes, path);
    }

    /// <summary>MNIST's naming: the labels beside "…-images-idx3-ubyte" are "…-labels-idx1-ubyte" (also with ".idx3-ubyte").</summary>
    public static string? MnistLabelsPathFor(string imagesPath)
    {
        string name = Path.GetFileName(imagesPath);
        foreach (var (images, labels) in new[] { ("images-idx3-ubyte", "labels-idx1-ubyte"), ("images.idx3-ubyte", "labels.idx1-ubyte") })
            if (name.Contains(images, StringComparison.Ordinal))
                return Path.Combine(Path.GetDirectoryName(imagesPath) ?? "", name.Replace(images, labels, StringComparison.Ordinal));
        return null;
    }

    /// <summary>Parses CSV rows of 64 pixels 0..16 and a label 0..9; rows are numbered from 1 as lines of the file.</summary>
    public static DigitsData ParseCsv(byte[] bytes, string name)
    {
        var pixels = new List<float>();
        var labels = new List<int>();
        using var reader = new StringReader(System.Text.Encoding.UTF8.GetString(bytes));
        int row = 0;
        for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            row++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string[] cells = line.Split(',');
            if (cells.Length != CsvColumns)
                throw new BadInputException($"'{name}' row {row}: expected {CsvColumns} columns (64 pixels 0..16 then the label 0..9), found {cells.Length}");
            for (int c = 0; c < CsvColumns - 1; c++)
            {
                double v = ParseCell(cells[c], name, row, c + 1);
                if (!(v >= 0 && v <= CsvMaxPixel))
                    throw new BadInputException($"'{name}' row {row} column {c + 1}: pixel {cells[c].Trim()} is outside 0..16");
                pixels.Add((float)(v / CsvMaxPixel));
            }
            double label = ParseCell(cells[^1], name, row, CsvColumns);
            if (!(label >= 0 && label < DigitsData.Classes && label == Math.Floor(label)))
                throw new BadInputException($"'{name}' row {row} column {CsvColumns}: label {cells[^1].Trim()} is not a class 0..9");
            labels.Add((int)label);
        }
        if (labels.Count < 2)
            throw new BadInputException($"'{name}': {labels.Count} image rows; a train/test split needs at least 2");
        return new DigitsData([.. pixels], [.. labels], Side, Side, name);
    }

    static double ParseCell(string cell, string name, int row, int column)
    {
        string text = cell.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new BadInputException($"'{name}' row {row} column {column}: '{Truncate(text)}' is not a number");
        return v;
    }

    static string Truncate(string s) => s.Length <= 20 ? s : s[..20] + "…";

    static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path)) throw new BadInputException($"data file '{path}' is a directory");
        if (!File.Exists(path)) throw new BadInputException($"data file '{path}' does not exist");
        try
        {
            using var stream = File.OpenRead(path);
            bool gzip = stream.ReadByte() == 0x1f && stream.ReadByte() == 0x8b;
            stream.Position = 0;
            return ReadAll(stream, gzip, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new BadInputException($"cannot read '{path}': {e.Message}", e);
        }
    }

    static byte[] ReadAll(Stream stream, bool gzip, string name)
    {
        using var source = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
        using var memory = new MemoryStream();
        var buffer = new byte[1 << 16];
        for (int n; (n = source.Read(buffer)) > 0;)
        {
            if (memory.Length + n > MaxBytes) throw new BadInputException($"'{name}' holds more than {MaxBytes >> 20} MiB of data");
            memory.Write(buffer, 0, n);
        }
        return memory.ToArray();
    }
}
