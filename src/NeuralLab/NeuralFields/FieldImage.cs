using NeuralLab.Common;
using SkiaSharp;
using static TorchSharp.torch;

namespace NeuralLab.NeuralFields;

/// <summary>
/// An image as a neural field's target: <see cref="Height"/> × <see cref="Width"/> pixels,
/// <see cref="Channels"/> (1 or 3) values each, row-major and channel-last, mapped to [-1, 1].
/// </summary>
public sealed class FieldImage
{
    /// <summary>Default pixel budget: 16 megapixels.</summary>
    public const long DefaultMaxPixels = 16L * 1024 * 1024;

    /// <summary>Rows.</summary>
    public int Height { get; }
    /// <summary>Columns.</summary>
    public int Width { get; }
    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Pixel values in [-1, 1], index (row · Width + column) · Channels + channel.</summary>
    public float[] Pixels { get; }

    /// <summary>An image over <paramref name="pixels"/> (kept, not copied).</summary>
    /// <exception cref="ArgumentException">The image is empty, channels is not 1 or 3, or the pixel count does not
    /// match the shape.</exception>
    public FieldImage(int height, int width, int channels, float[] pixels)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException("empty image");
        if (channels is not (1 or 3)) throw new ArgumentException("channels must be 1 or 3");
        if (pixels.Length != (long)height * width * channels) throw new ArgumentException("pixel count does not match the shape");
        (Height, Width, Channels, Pixels) = (height, width, channels, pixels);
    }

    /// <summary>Height · Width.</summary>
    public int PixelCount => Height * Width;

    /// <summary>The cameraman (CC0, scikit-image), embedded in the library: see Data/NOTICE.md.</summary>
    public static Stream OpenDefault() =>
        typeof(FieldImage).Assembly.GetManifestResourceStream("NeuralLab.Data.camera.png")
        ?? throw new InvalidOperationException("embedded cameraman missing from the assembly");

    /// <summary>How metrics and messages name the embedded cameraman.</summary>
    public const string DefaultName = "cameraman (embedded)";

    /// <summary>
    /// Reads a PNG, JPEG or WebP file. <paramref name="channels"/> null keeps the image's own (1 for
    /// grayscale files, else 3); <paramref name="size"/> shrinks the image so that its longer side has at most that many
    /// pixels, and enlarges it to exactly that many only when <paramref name="upsample"/> is set (an 8×8 icon is fitted
    /// at 8×8, not silently as a 256×256 one). The pixel budget applies to the file's header and to the size asked for.
    /// Every way the file can be unusable ends in a <see cref="BadInputException"/>; options out of range in an
    /// <see cref="ArgumentOutOfRangeException"/> naming the parameter.
    /// </summary>
    public static FieldImage Load(string? path, int? channels = null, int? size = null, long maxPixels = DefaultMaxPixels, bool upsample = false)
    {
        CheckReading(channels, size, maxPixels);
        if (path == null)
        {
            using var stream = OpenDefault();
            return Decode(stream, DefaultName, channels, size, maxPixels, upsample);
        }
        if (Directory.Exists(path)) throw new BadInputException($"image '{path}' is a directory, not a file");
        if (!File.Exists(path)) throw new BadInputException($"image '{path}' does not exist");
        try
        {
            using var stream = File.OpenRead(path);
            return Decode(stream, path, channels, size, maxPixels, upsample);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"cannot read image '{path}': {e.Message}", e);
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/>, naming the parameter, unless <see cref="Load"/> can read an image with these options.</summary>
    internal static void CheckReading(int? channels, int? size, long maxPixels)
    {
        if (channels is not (null or 1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be 1 or 3");
        if (size is <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "must be positive");
        if (maxPixels <= 0) throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "must be positive");
    }

    static FieldImage Decode(Stream stream, string name, int? channels, int? size, long maxPixels, bool upsample)
    {
        // SKBitmap.Decode silently returns a full-size bitmap with blank rows for a truncated file;
        // SKCodec reports IncompleteInput, so decode through it and accept only Success.
        using var data = ReadData(stream, name);
        using var codec = OpenCodec(data, name, maxPixels);
        var header = codec.Info;
        if (!Resizes(header.Height, header.Width, size, maxPixels, upsample)) size = null;
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw Corrupt(name, result.ToString());
        bool isGray = codec.Info.ColorType == SKColorType.Gray8 || IsGray(bitmap.GetPixelSpan());
        int outChannels = channels ?? (isGray ? 1 : 3);
        var image = FromRgba(bitmap.GetPixelSpan(), header.Height, header.Width, outChannels);
        return size is int n ? image.ResizeLongerSide(n) : image;
    }

    /// <summary>
    /// Whether <paramref name="size"/> resizes an image of <paramref name="height"/>×<paramref name="width"/>: it shrinks, and
    /// enlarges only with <paramref name="upsample"/> (an 8×8 icon is fitted at 8×8). The size asked for must fit the pixel
    /// budget either way.
    /// </summary>
    internal static bool Resizes(int height, int width, int? size, long maxPixels, bool upsample)
    {
        if (size is not int asked) return false;
        var (askedHeight, askedWidth) = ScaledShape(height, width, asked);
        long askedPixels = (long)askedHeight * askedWidth;
        if (askedPixels > maxPixels)
            throw new BadInputException($"--size {asked} asks for {askedWidth}×{askedHeight} = {askedPixels:N0} pixels, over the budget of {maxPixels:N0} (--max-pixels)");
        return asked < Math.Max(height, width) || upsample;
    }

    /// <summary>The file's bytes; an empty file is a <see cref="BadInputException"/>.</summary>
    internal static SKData ReadData(Stream stream, string name)
    {
        var data = SKData.Create(stream);
        if (data == null || data.Size == 0)
        {
            data?.Dispose();
            throw new BadInputException($"image '{name}' is empty");
        }
        return data;
    }

    /// <summary>
    /// A codec for <paramref name="data"/>, after the checks every reader makes before decoding anything: a format we read,
    /// pixels in the header, and the pixel budget — checked from the header, before any allocation: a 68-byte PNG can
    /// claim 60000×60000.
    /// </summary>
    internal static SKCodec OpenCodec(SKData data, string name, long maxPixels)
    {
        var codec = SKCodec.Create(data) ?? throw new BadInputException($"'{name}' is not an image SkiaSharp can read (PNG, JPEG, WebP)");
        try
        {
            CheckHeader(codec, name, maxPixels);
            return codec;
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }

    static void CheckHeader(SKCodec codec, string name, long maxPixels)
    {
        if (codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp))
            throw new BadInputException($"'{name}' is a {codec.EncodedFormat} image; NeuralLab reads PNG, JPEG and WebP");
        var header = codec.Info;
        if (header.Width <= 0 || header.Height <= 0) throw new BadInputException($"image '{name}' has no pixels ({header.Width}×{header.Height})");
        long pixels = (long)header.Width * header.Height;
        if (pixels > maxPixels)
            throw new BadInputException($"image '{name}' is {header.Width}×{header.Height} = {pixels:N0} pixels, over the budget of {maxPixels:N0} (--max-pixels)");
    }

    /// <summary>
    /// The height and width of the image file <paramref name="path"/> from its header alone (the codec reads only the
    /// bytes it needs from the file), after the same checks as <see cref="Load"/>; a file that is not a readable image is a
    /// <see cref="BadInputException"/>.
    /// </summary>
    public static (int Height, int Width) ReadShape(string path, long maxPixels = DefaultMaxPixels)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var codec = SKCodec.Create(stream) ?? throw new BadInputException($"'{path}' is not an image SkiaSharp can read (PNG, JPEG, WebP)");
            CheckHeader(codec, path, maxPixels);
            return (codec.Info.Height, codec.Info.Width);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"cannot read image '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// The error of a file whose header is fine but whose pixels cannot be decoded. It carries an
    /// <see cref="InvalidDataException"/> inside, so that a caller going through many files can tell this file's fault
    /// (<see cref="IsCorrupt"/>) from a fault of the run.
    /// </summary>
    internal static BadInputException Corrupt(string name, string detail)
    {
        string message = $"image '{name}' is corrupt or truncated ({detail})";
        return new BadInputException(message, new InvalidDataException(message));
    }

    /// <summary>Whether <paramref name="e"/> says that the pixels of one image file cannot be decoded (<see cref="Corrupt"/>).</summary>
    public static bool IsCorrupt(Exception e) => e is BadInputException { InnerException: InvalidDataException };

    /// <summary>Whether every RGBA pixel of <paramref name="rgba"/> has R = G = B (a grayscale image stored as colour).</summary>
    internal static bool IsGray(ReadOnlySpan<byte> rgba)
    {
        for (int i = 0; i < rgba.Length; i += 4)
            if (rgba[i] != rgba[i + 1] || rgba[i] != rgba[i + 2]) return false;
        return true;
    }

    internal static FieldImage FromRgba(ReadOnlySpan<byte> rgba, int height, int width, int channels)
    {
        var pixels = new float[height * width * channels];
        for (int p = 0; p < height * width; p++)
        {
            byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            if (channels == 1)
            {
                // ITU-R BT.601 luma, as PIL's convert('L').
                pixels[p] = ToSigned((0.299f * r + 0.587f * g + 0.114f * b) / 255f);
            }
            else
            {
                pixels[3 * p] = ToSigned(r / 255f);
                pixels[3 * p + 1] = ToSigned(g / 255f);
                pixels[3 * p + 2] = ToSigned(b / 255f);
            }
        }
        return new FieldImage(height, width, channels, pixels);
    }

    static float ToSigned(float unit) => unit * 2f - 1f;

    /// <summary>
    /// Resamples so that the longer side is <paramref name="longerSide"/> pixels, keeping the aspect ratio.
    /// Shrinking is a box filter: each output pixel is the area-weighted mean of the input pixels it
    /// covers (for an integer factor, the exact k×k block mean of the benchmarks' convention).
    /// </summary>
    public FieldImage ResizeLongerSide(int longerSide)
    {
        if (longerSide <= 0) throw new ArgumentOutOfRangeException(nameof(longerSide), longerSide, "must be positive");
        int longer = Math.Max(Height, Width);
        if (longerSide == longer) return this;
        var (newHeight, newWidth) = ScaledShape(Height, Width, longerSide);
        var rows = ResampleAxis(Pixels, Height, Width * Channels, newHeight);          // (newHeight, Width·C)
        var transposed = Transpose(rows, newHeight, Width, Channels);                  // (Width, newHeight·C)
        var cols = ResampleAxis(transposed, Width, newHeight * Channels, newWidth);    // (newWidth, newHeight·C)
        return new FieldImage(newHeight, newWidth, Channels, Transpose(cols, newWidth, newHeight, Channels));
    }

    /// <summary>The shape of a <paramref name="height"/>×<paramref name="width"/> image resized so that its longer side is <paramref name="longerSide"/>.</summary>
    public static (int Height, int Width) ScaledShape(int height, int width, int longerSide)
    {
        double scale = (double)longerSide / Math.Max(height, width);
        return ((int)Math.Clamp(Math.Round(height * scale), 1, int.MaxValue), (int)Math.Clamp(Math.Round(width * scale), 1, int.MaxValue));
    }

    // Area-weighted resampling along the first axis of a (n, stride) array to (m, stride).
    static float[] ResampleAxis(float[] src, int n, int stride, int m)
    {
        var dst = new float[m * stride];
        double ratio = (double)n / m;
        for (int i = 0; i < m; i++)
        {
            double start = i * ratio, end = (i + 1) * ratio;
            if (ratio < 1)
            {
                // Enlarging: the output pixel lies inside one input pixel (nearest in area terms).
                start = Math.Min(Math.Floor((i + 0.5) * ratio), n - 1);
                end = start + 1;
            }
            double total = 0;
            for (int k = (int)Math.Floor(start); k < Math.Min(n, (int)Math.Ceiling(end)); k++)
            {
                double w = Math.Min(end, k + 1) - Math.Max(start, k);
                if (w <= 0) continue;
                total += w;
                for (int j = 0; j < stride; j++) dst[i * stride + j] += (float)(w * src[k * stride + j]);
            }
            for (int j = 0; j < stride; j++) dst[i * stride + j] = (float)(dst[i * stride + j] / total);
        }
        return dst;
    }

    // (a, b, c) → (b, a, c)
    static float[] Transpose(float[] src, int a, int b, int c)
    {
        var dst = new float[src.Length];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                Array.Copy(src, (i * b + j) * c, dst, (j * a + i) * c, c);
        return dst;
    }

    /// <summary>A crop (for tests and quick runs).</summary>
    public FieldImage Crop(int top, int left, int height, int width)
    {
        if (top < 0 || left < 0 || top + height > Height || left + width > Width) throw new ArgumentOutOfRangeException(nameof(height));
        var pixels = new float[height * width * Channels];
        for (int r = 0; r < height; r++)
            Array.Copy(Pixels, ((top + r) * Width + left) * Channels, pixels, r * width * Channels, width * Channels);
        return new FieldImage(height, width, Channels, pixels);
    }

    /// <summary>The targets as a tensor (Height·Width, Channels).</summary>
    public Tensor ToTensor() => tensor(Pixels, [PixelCount, Channels], dtype: float32);
}
