using System.Buffers.Binary;
using System.IO.Compression;
using NeuralLab.Common;
using NeuralLab.Residual;

namespace NeuralLab.Tests.Residual;

[Collection(Independent.Name)]
public class DigitsReaderTests
{
    [Fact]
    public void TheEmbeddedDigitsAreTheUciSetScaledToTheUnitInterval()
    {
        var d = DigitsReader.LoadEmbedded();
        Assert.Equal(1797, d.Count); // the size documented by scikit-learn and Residual/Data/NOTICE.md
        Assert.Equal(1797 * 64, d.Pixels.Length);
        Assert.Equal(0f, d.Pixels.Min());
        Assert.Equal(1f, d.Pixels.Max()); // 16 inked cells of 16 → 1
        Assert.Equal(Enumerable.Range(0, 10), d.Labels.Distinct().Order());
        // Counts 0..16 divided by 16 are multiples of 1/16.
        Assert.All(d.Pixels.Take(640), p => Assert.Equal(0, p * 16 % 1, 6));
    }

    [Fact]
    public void TheSplitIsAHalfAtRandomDeterminedByTheSeed()
    {
        var d = DigitsReader.LoadEmbedded();
        var (train, test) = d.SplitInHalf(7);
        var (again, _) = d.SplitInHalf(7);
        var (other, _) = d.SplitInHalf(8);
        Assert.Equal(898, train.Count);
        Assert.Equal(899, test.Count);
        Assert.Equal(train.Labels, again.Labels);
        Assert.NotEqual(train.Pixels, other.Pixels);
        Assert.Equal(d.Labels.Order(), train.Labels.Concat(test.Labels).Order());
    }

    static string Row(int label, int pixel = 3) => string.Join(",", Enumerable.Repeat(pixel, 64)) + "," + label;

    [Fact]
    public void AUserCsvIsReadPlainOrGzipped()
    {
        using var dir = new TempDir();
        string text = Row(4, 16) + "\n" + Row(7, 0) + "\n\n";
        File.WriteAllText(dir.File("d.csv"), text);
        using (var gz = new GZipStream(File.Create(dir.File("d.csv.gz")), CompressionLevel.Optimal))
            gz.Write(System.Text.Encoding.UTF8.GetBytes(text));
        foreach (string name in new[] { "d.csv", "d.csv.gz" })
        {
            var d = DigitsReader.Read(dir.File(name));
            Assert.Equal(new[] { 4, 7 }, d.Labels);
            Assert.All(d.Pixels.Take(64), p => Assert.Equal(1f, p));
            Assert.All(d.Pixels.Skip(64), p => Assert.Equal(0f, p));
        }
    }

    [Theory]
    [InlineData("wrong column count", "row 2", "expected 65 columns")]
    [InlineData("label out of range", "row 2 column 65", "not a class")]
    [InlineData("negative label", "row 2 column 65", "not a class")]
    [InlineData("fractional label", "row 2 column 65", "not a class")]
    [InlineData("non-numeric cell", "row 2 column 5", "not a number")]
    [InlineData("pixel out of range", "row 2 column 1", "outside 0..16")]
    public void BadCsvRowsAreNamedByFileRowAndColumn(string problem, string where, string what)
    {
        static IEnumerable<string> Repeat(string cell, int count) => Enumerable.Repeat(cell, count);
        static string Line(IEnumerable<string> pixels, string label) => string.Join(",", pixels.Append(label));
        string bad = problem switch
        {
            "wrong column count" => string.Join(",", Repeat("0", 64)),
            "label out of range" => Line(Repeat("3", 64), "10"),
            "negative label" => Line(Repeat("3", 64), "-1"),
            "fractional label" => Line(Repeat("3", 64), "2.5"),
            "non-numeric cell" => Line(Repeat("0", 4).Append("x7").Concat(Repeat("0", 59)), "1"),
            _ => Line(Repeat("17", 1).Concat(Repeat("0", 63)), "1"),
        };
        using var dir = new TempDir();
        string path = dir.File("bad.csv");
        File.WriteAllText(path, Row(1) + "\n" + bad + "\n");
        var e = Assert.Throws<BadInputException>(() => DigitsReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void AnEmptyOrMissingFileIsBadInput()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("empty.csv"), "");
        Assert.Contains("at least 2", Assert.Throws<BadInputException>(() => DigitsReader.Read(dir.File("empty.csv"))).Message);
        Assert.Contains("does not exist", Assert.Throws<BadInputException>(() => DigitsReader.Read(dir.File("nope.csv"))).Message);
    }

    static byte[] IdxImages(int count, int rows, int columns, Func<int, int, int, byte> pixel, int? claimedCount = null)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), claimedCount ?? count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int n = 0; n < count; n++)
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < columns; x++)
                    bytes[16 + (n * rows + y) * columns + x] = pixel(n, y, x);
        return bytes;
    }

    static byte[] IdxLabels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    [Fact]
    public void MnistIdxFilesAreReducedTo8x8AndFindTheirLabelsByName()
    {
        using var dir = new TempDir();
        // 16×16 → 8×8 is an exact 2×2 block mean: the oracle is computed directly.
        byte Pixel(int n, int y, int x) => (byte)((n * 31 + y * 16 + x * 7) % 256);
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte"), IdxImages(3, 16, 16, Pixel));
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte"), IdxLabels(5, 0, 9));
        var d = DigitsReader.Read(dir.File("train-images-idx3-ubyte"));
        Assert.Equal(new[] { 5, 0, 9 }, d.Labels);
        Assert.Equal(8, d.Height);
        for (int n = 0; n < 3; n++)
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                {
                    double mean = (Pixel(n, 2 * y, 2 * x) + Pixel(n, 2 * y, 2 * x + 1) + Pixel(n, 2 * y + 1, 2 * x) + Pixel(n, 2 * y + 1, 2 * x + 1)) / 4.0 / 255;
                    Assert.Equal(mean, d.Pixels[n * 64 + y * 8 + x], 5);
                }
    }

    [Fact]
    public void GzippedIdxWithExplicitLabelsIsRead()
    {
        using var dir = new TempDir();
        foreach (var (name, bytes) in new[] { ("images.gz", IdxImages(2, 28, 28, (n, y, x) => 255)), ("labels.gz", IdxLabels(1, 2)) })
            using (var gz = new GZipStream(File.Create(dir.File(name)), CompressionLevel.Fastest))
                gz.Write(bytes);
        var d = DigitsReader.Read(dir.File("images.gz"), dir.File("labels.gz"));
        Assert.Equal(new[] { 1, 2 }, d.Labels);
        Assert.All(d.Pixels, p => Assert.Equal(1f, p, 6));
    }

    [Fact]
    public void TheBoxFilterWeighsFractionalPixelsByTheirCoveredArea()
    {
        // Oracle: replicate each of the 28×28 pixels into an 8×8 block (224×224, a multiple of both 28 and 8), then
        // take plain 28×28 block means: exactly the area-weighted 28 → 8 reduction.
        var random = new Random(9);
        var image = Enumerable.Range(0, 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
        var reduced = BoxFilter.Resize(image, 28, 28, 8, 8);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                double sum = 0;
                for (int v = 28 * y; v < 28 * (y + 1); v++)
                    for (int u = 28 * x; u < 28 * (x + 1); u++)
                        sum += image[(v / 8) * 28 + u / 8];
                Assert.Equal(sum / (28 * 28), reduced[y * 8 + x], 5);
            }
    }

    [Theory]
    [InlineData("header that lies", "claims 5 images")]
    [InlineData("labels count", "holds 2 labels")]
    [InlineData("label out of range", "row 2: label 11")]
    [InlineData("labels as images", "IDX labels file")]
    [InlineData("missing labels", "does not exist")]
    public void BadIdxFilesAreNamed(string problem, string message)
    {
        using var dir = new TempDir();
        string images = dir.File("t10k-images-idx3-ubyte"), labels = dir.File("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(images, IdxImages(3, 28, 28, (n, y, x) => 0, claimedCount: problem == "header that lies" ? 5 : null));
        File.WriteAllBytes(labels, problem switch
        {
            "labels count" => IdxLabels(1, 2),
            "label out of range" => IdxLabels(1, 11, 3),
            _ => IdxLabels(1, 2, 3),
        });
        if (problem == "missing labels") File.Delete(labels);
        string data = problem == "labels as images" ? labels : images;
        var e = Assert.Throws<BadInputException>(() => DigitsReader.Read(data));
        Assert.Contains(message, e.Message);
        Assert.Contains(Path.GetFileName(problem is "labels count" or "label out of range" ? labels : data), e.Message);
    }
}
