using NeuralLab.Common;
using NeuralLab.NeuralFields;
using NeuralLab.NeuralFields.Tiles;
using SkiaSharp;

namespace NeuralLab.Tests.NeuralFields;

/// <summary>
/// Reading an image by rows (<see cref="FieldImageRows"/>) gives the pixels of the whole decode (<see cref="FieldImage.Load"/>),
/// bit for bit, band after band in the order a tiles fit asks for them.
/// </summary>
[Collection(Independent.Name)]
public class FieldImageRowsTests
{
    /// <summary>Noise on a gradient, so a JPEG has real DCT blocks to decode and an error in a row or column shows.</summary>
    static string WriteNoisy(string path, int width, int height, SKEncodedImageFormat format, bool gray = false)
    {
        var random = new Random(5);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte r = (byte)Math.Clamp(x * 200 / width + random.Next(-40, 40), 0, 255);
                byte g = gray ? r : (byte)Math.Clamp(y * 200 / height + random.Next(-40, 40), 0, 255);
                byte b = gray ? r : (byte)random.Next(256);
                bitmap.SetPixel(x, y, new SKColor(r, g, b));
            }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, false, "rows")]
    [InlineData(SKEncodedImageFormat.Png, true, "rows")]
    [InlineData(SKEncodedImageFormat.Jpeg, false, "rows")]
    [InlineData(SKEncodedImageFormat.Jpeg, true, "rows")]
    [InlineData(SKEncodedImageFormat.Webp, false, "whole")]
    public void Tiles_read_by_rows_are_the_tiles_cut_from_a_whole_decode_bit_for_bit(SKEncodedImageFormat format, bool gray, string decoding)
    {
        using var dir = new TempDir();
        string path = WriteNoisy(dir.File("noisy." + format.ToString().ToLowerInvariant()), 83, 70, format, gray);
        var whole = FieldImage.Load(path);
        using var rows = FieldImageRows.Open(path);
        Assert.Equal(decoding, rows.Decoding);
        Assert.Equal((whole.Height, whole.Width, whole.Channels), (rows.Height, rows.Width, rows.Channels));
        // The tiles of a fit, in its order (row-major: bands overlapping by 8 rows), then a band that skips rows, then an
        // earlier band (the decode restarts) and the last rows again.
        var layout = new TileLayout(70, 83, 32, 8);
        var reads = layout.Tiles.Select(t => (t.Top, t.Height, t.Left, t.Width)).ToList();
        reads.AddRange([(0, 5, 0, 83), (40, 10, 3, 50), (10, 20, 0, 83), (65, 5, 0, 83)]);
        foreach (var (top, height, left, width) in reads)
        {
            var expected = whole.Crop(top, left, height, width);
            var actual = rows.Band(top, height).Crop(0, left, height, width);
            Assert.True(expected.Pixels.SequenceEqual(actual.Pixels), $"{format}: rows {top}+{height}, columns {left}+{width} differ from the whole decode");
        }
    }

    [Fact]
    public void A_forced_channel_count_and_the_embedded_image_read_as_Load_reads_them()
    {
        using var dir = new TempDir();
        string path = WriteNoisy(dir.File("noisy.png"), 40, 30, SKEncodedImageFormat.Png);
        using var gray = FieldImageRows.Open(path, channels: 1);
        Assert.True(FieldImage.Load(path, channels: 1).Pixels.SequenceEqual(gray.Band(0, 30).Pixels));
        using var camera = FieldImageRows.Open(null, size: 64);
        Assert.Equal("whole", camera.Decoding);
        Assert.True(FieldImage.Load(null, size: 64).Crop(10, 0, 20, 64).Pixels.SequenceEqual(camera.Band(10, 20).Pixels));
    }

    [Fact]
    public void The_budget_is_checked_from_the_header_and_a_truncated_file_fails_at_its_rows()
    {
        using var dir = new TempDir();
        string path = WriteNoisy(dir.File("noisy.png"), 200, 200, SKEncodedImageFormat.Png);
        var over = Assert.Throws<BadInputException>(() => FieldImageRows.Open(path, maxPixels: 1000));
        Assert.Contains("--max-pixels", over.Message);
        Assert.False(FieldImage.IsCorrupt(over)); // the run's limit, not the file's fault

        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(dir.File("cut.png"), bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsAny<BadInputException>(() =>
        {
            using var rows = FieldImageRows.Open(dir.File("cut.png"), channels: 3);
            Assert.Equal("rows", rows.Decoding);
            rows.Band(0, 200);
        });
        Assert.Contains("corrupt or truncated", e.Message);
        Assert.True(FieldImage.IsCorrupt(e));
    }
}
