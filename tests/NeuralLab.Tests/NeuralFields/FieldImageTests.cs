using NeuralLab.Common;
using NeuralLab.NeuralFields;
using SkiaSharp;
using static TorchSharp.torch;

namespace NeuralLab.Tests.NeuralFields;

public class FieldImageTests
{
    internal static string WriteImage(string path, int width, int height, SKEncodedImageFormat format, bool gray = false)
    {
        using var bitmap = new SKBitmap(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, gray
                    ? new SKColor((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(x * 255 / Math.Max(1, width - 1)), (byte)(x * 255 / Math.Max(1, width - 1)))
                    : new SKColor((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), 128));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 95);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public void DefaultIsTheGrayscaleCameraman()
    {
        var image = FieldImage.Load(null);
        Assert.Equal((512, 512, 1), (image.Height, image.Width, image.Channels));
        Assert.InRange(image.Pixels.Min(), -1f, -0.9f);
        Assert.InRange(image.Pixels.Max(), 0.9f, 1f);
    }

    [Fact]
    public void ShrinkingByTwoIsTheExactBlockMean()
    {
        var full = FieldImage.Load(null);
        var half = FieldImage.Load(null, size: 256);
        Assert.Equal((256, 256), (half.Height, half.Width));
        foreach (var (r, c) in new[] { (0, 0), (100, 37), (255, 255) })
        {
            float expected = (full.Pixels[2 * r * 512 + 2 * c] + full.Pixels[2 * r * 512 + 2 * c + 1]
                              + full.Pixels[(2 * r + 1) * 512 + 2 * c] + full.Pixels[(2 * r + 1) * 512 + 2 * c + 1]) / 4;
            Assert.Equal(expected, half.Pixels[r * 256 + c], 5);
        }
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void ReadsPngJpegWebpKeepingAspectRatioAndChannels(SKEncodedImageFormat format)
    {
        using var dir = new TempDir();
        var path = WriteImage(dir.File("img." + format.ToString().ToLowerInvariant()), 40, 20, format);
        var rgb = FieldImage.Load(path);
        Assert.Equal((20, 40, 3), (rgb.Height, rgb.Width, rgb.Channels));
        var small = FieldImage.Load(path, channels: 1, size: 10);
        Assert.Equal((5, 10, 1), (small.Height, small.Width, small.Channels));
        var gray = FieldImage.Load(WriteImage(dir.File("gray.png"), 8, 8, SKEncodedImageFormat.Png, gray: true));
        Assert.Equal(1, gray.Channels);
    }

    [Fact]
    public void CoordinatesSpanTheLongerSideWithSquarePixels()
    {
        var grid = CoordinateGrid.Create(3, 5, ScalarType.Float64); // (15, 2)
        var xs = grid[.., 0].data<double>().ToArray();
        var ys = grid[.., 1].data<double>().ToArray();
        Assert.Equal(-1.0, xs.Min(), 12);
        Assert.Equal(1.0, xs.Max(), 12);
        Assert.Equal(-0.5, ys.Min(), 12); // spacing 0.5 along both axes, centred
        Assert.Equal(0.5, ys.Max(), 12);
        Assert.Equal(0.5, xs[1] - xs[0], 12);
        Assert.Equal(0.5, ys[5] - ys[0], 12);
    }

    [Fact]
    public void TruncatedPngIsRejectedNotSilentlyBlank()
    {
        using var dir = new TempDir();
        using var camera = FieldImage.OpenDefault();
        var bytes = new byte[3000];
        camera.ReadExactly(bytes);
        File.WriteAllBytes(dir.File("cut.png"), bytes);
        var e = Assert.Throws<BadInputException>(() => FieldImage.Load(dir.File("cut.png")));
        Assert.Contains("corrupt or truncated", e.Message);
    }

    [Fact]
    public void PixelBudgetIsCheckedFromTheHeader()
    {
        var e = Assert.Throws<BadInputException>(() => FieldImage.Load(null, maxPixels: 1000));
        Assert.Contains("--max-pixels", e.Message);
    }

    [Fact]
    public void SizeShrinksButEnlargesOnlyWhenAsked()
    {
        using var dir = new TempDir();
        using (var bitmap = new SKBitmap(new SKImageInfo(8, 6, SKColorType.Rgba8888, SKAlphaType.Opaque)))
        {
            bitmap.Erase(SKColors.Gray);
            using var image = SKImage.FromBitmap(bitmap);
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(dir.File("small.png"), data.ToArray());
        }
        var kept = FieldImage.Load(dir.File("small.png"), size: 256);                  // the default --size: never enlarges
        Assert.Equal((6, 8), (kept.Height, kept.Width));
        var enlarged = FieldImage.Load(dir.File("small.png"), size: 32, upsample: true);
        Assert.Equal((24, 32), (enlarged.Height, enlarged.Width));
        var shrunk = FieldImage.Load(null, size: 64);                                  // the 512² cameraman
        Assert.Equal((64, 64), (shrunk.Height, shrunk.Width));
        // The pixel budget applies to the size asked for, before anything is resized.
        var e = Assert.Throws<BadInputException>(() => FieldImage.Load(dir.File("small.png"), size: 100_000, upsample: true));
        Assert.Contains("--size 100000", e.Message);
        Assert.Throws<BadInputException>(() => FieldImage.Load(null, size: 100_000));
    }
}
