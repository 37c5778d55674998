using System.Runtime.InteropServices;
using NeuralLab.Common;
using SkiaSharp;

namespace NeuralLab.NeuralFields;

/// <summary>
/// An image read in bands of rows, top to bottom, for a consumer (a tiles fit) that needs one band at a time: where the
/// format allows, only the rows asked for are decoded into memory, so a shard holds one band of the image rather than all
/// of it; otherwise the whole image is decoded once (<see cref="FieldImage.Load"/>) and bands are cut from it. Either way a
/// band's pixels are those of <see cref="FieldImage.Load"/>, bit for bit, and the pixel budget is checked from the header
/// before anything is decoded.
///
/// What Skia's codecs allow, as SkiaSharp 3.119 ships them (probed here): JPEG has a scanline decoder
/// (<c>StartScanlineDecode</c>/<c>GetScanlines</c>/<c>SkipScanlines</c>), read once top to bottom; PNG has none
/// (<c>Unimplemented</c>) but decodes a band of full-width rows incrementally (<c>StartIncrementalDecode</c> with
/// <c>SKCodecOptions.Subset</c> = the band, into a buffer of the band's rows only) — each band inflates the file again from
/// its first row, discarding the rows above, so a shard pays about (bands / 2) whole decodes in time but holds one band;
/// WebP has neither and is decoded whole. An image resized with --size is decoded whole too (a banded box filter is not
/// implemented), unless --size does not change it.
/// </summary>
public sealed class FieldImageRows : IDisposable
{
    enum Reading { Whole, Scanlines, PngBands }

    readonly Reading _reading;
    readonly FieldImage? _whole;
    readonly SKData? _data;
    readonly SKCodec? _codec;
    readonly SKImageInfo _info;
    byte[] _rows = [];  // RGBA rows _top … _next − 1
    int _top, _next;    // the first row held and the row after the last one decoded (for a scanline decoder, the next it will decode)
    (int Top, int Count, FieldImage Band)? _last;

    /// <summary>The file name, for messages and metrics.</summary>
    public string Name { get; }
    /// <summary>Rows of the image (after resizing, if any).</summary>
    public int Height { get; }
    /// <summary>Columns of the image (after resizing, if any).</summary>
    public int Width { get; }
    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public int Channels { get; private set; }

    /// <summary>"rows" when bands are decoded as they are asked for, "whole" when the image was decoded at once.</summary>
    public string Decoding => _reading == Reading.Whole ? "whole" : "rows";

    FieldImageRows(string name, FieldImage whole)
    {
        (Name, _reading, _whole, Height, Width, Channels) = (name, Reading.Whole, whole, whole.Height, whole.Width, whole.Channels);
    }

    FieldImageRows(string name, Reading reading, SKData data, SKCodec codec, SKImageInfo info)
    {
        (Name, _reading, _data, _codec, _info, Height, Width, Channels) = (name, reading, data, codec, info, info.Height, info.Width, 3);
    }

    /// <summary>An image already in memory (the embedded cameraman, a resized image): bands are crops of it.</summary>
    public static FieldImageRows InMemory(FieldImage image, string name) => new(name, image);

    /// <summary>
    /// Opens <paramref name="path"/> (null: the embedded cameraman) as <see cref="FieldImage.Load"/> reads it, with the same
    /// arguments and the same <see cref="BadInputException"/>s; by rows when the format and the arguments allow.
    /// </summary>
    public static FieldImageRows Open(string? path, int? channels = null, int? size = null, long maxPixels = FieldImage.DefaultMaxPixels, bool upsample = false)
    {
        if (path is null || size is <= 0 || channels is not (null or 1 or 3) || maxPixels <= 0 || !File.Exists(path))
            return new(path ?? FieldImage.DefaultName, FieldImage.Load(path, channels, size, maxPixels, upsample)); // its checks and messages
        SKData? data = null;
        SKCodec? codec = null;
        try
        {
            using (var stream = File.OpenRead(path)) data = FieldImage.ReadData(stream, path);
            codec = FieldImage.OpenCodec(data, path, maxPixels);
            var header = codec.Info;
            var info = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            Reading reading = FieldImage.Resizes(header.Height, header.Width, size, maxPixels, upsample) ? Reading.Whole
                : codec.StartScanlineDecode(info) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown ? Reading.Scanlines
                : codec.EncodedFormat == SKEncodedImageFormat.Png ? Reading.PngBands
                : Reading.Whole;
            if (reading == Reading.Whole)
            {
                codec.Dispose();
                data.Dispose();
                return new(path, FieldImage.Load(path, channels, size, maxPixels, upsample));
            }
            var rows = new FieldImageRows(path, reading, data, codec, info);
            // As FieldImage.Load: gray when the file says so or when R = G = B in every pixel (a pass over the rows, stopped at the first colour pixel).
            rows.Channels = channels ?? (header.ColorType == SKColorType.Gray8 || rows.IsGray() ? 1 : 3);
            return rows;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            codec?.Dispose();
            data?.Dispose();
            throw new BadInputException($"cannot read image '{path}': {e.Message}", e);
        }
        catch
        {
            codec?.Dispose();
            data?.Dispose();
            throw;
        }
    }

    /// <summary>Whether every pixel has R = G = B, read in bands (for PNG, at most about 8: each inflates the file from its start).</summary>
    bool IsGray()
    {
        int rows = Math.Max(256, (Height + 7) / 8);
        for (int top = 0; top < Height; top += rows)
        {
            int count = Math.Min(rows, Height - top);
            var band = new byte[(long)count * _info.RowBytes];
            Decode(band, 0, top, count);
            if (!FieldImage.IsGray(band)) return false;
        }
        return true;
    }

    static BadInputException Truncated(string name) => FieldImage.Corrupt(name, "a row could not be decoded");

    /// <summary>Decodes rows <paramref name="from"/> … <paramref name="from"/> + <paramref name="count"/> − 1 into <paramref name="rows"/> from its row <paramref name="at"/>.</summary>
    void Decode(byte[] rows, int at, int from, int count)
    {
        int rowBytes = _info.RowBytes;
        var handle = GCHandle.Alloc(rows, GCHandleType.Pinned);
        try
        {
            var destination = handle.AddrOfPinnedObject() + at * rowBytes;
            if (_reading == Reading.PngBands)
            {
                // A full-width subset: SkPngCodec decodes only these rows into the destination (the rows above are inflated and dropped).
                var options = new SKCodecOptions(new SKRectI(0, from, Width, from + count));
                if (_codec!.StartIncrementalDecode(_info, destination, rowBytes, options) != SKCodecResult.Success
                    || _codec.IncrementalDecode(out _) != SKCodecResult.Success) throw Truncated(Name);
            }
            else
            {
                if (from < _next)
                {
                    // An earlier row: the scanline decoder only goes forward, so it starts again from the first row.
                    if (_codec!.StartScanlineDecode(_info) != SKCodecResult.Success) throw Truncated(Name);
                    _next = 0;
                }
                if (from > _next && !_codec!.SkipScanlines(from - _next)) throw Truncated(Name);
                if (_codec!.GetScanlines(destination, count, rowBytes) != count) throw Truncated(Name);
            }
            _next = from + count;
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>
    /// Rows <paramref name="top"/> … <paramref name="top"/> + <paramref name="count"/> − 1, all columns, as a <see cref="FieldImage"/>.
    /// Read by rows, the bands must come in order: each band's top at least the previous one's (bands may overlap, as tiles
    /// do); an earlier band restarts the decode from the first row.
    /// </summary>
    public FieldImage Band(int top, int count)
    {
        if (top < 0 || count <= 0 || top + count > Height) throw new ArgumentOutOfRangeException(nameof(count), $"rows {top}+{count} of {Height}");
        if (_last is { } last && last.Top == top && last.Count == count) return last.Band;
        FieldImage band;
        if (_whole is not null) band = _whole.Crop(top, 0, count, Width);
        else
        {
            int rowBytes = _info.RowBytes;
            var rows = new byte[(long)count * rowBytes];
            if (top >= _top && top + count <= _top + _rows.Length / rowBytes)
                Array.Copy(_rows, (long)(top - _top) * rowBytes, rows, 0, rows.LongLength); // held already: a band inside the last one
            else
            {
                // Keep the rows still held (the overlap with the previous band), decode the rest.
                int held = _top + _rows.Length / rowBytes;
                int keep = top >= _top && top < held ? held - top : 0;
                if (keep > 0) Array.Copy(_rows, (long)(top - _top) * rowBytes, rows, 0, (long)keep * rowBytes);
                Decode(rows, keep, top + keep, count - keep);
                (_rows, _top) = (rows, top);
            }
            band = FieldImage.FromRgba(rows, count, Width, Channels);
        }
        _last = (top, count, band);
        return band;
    }

    /// <summary>Frees the decoder and the file's bytes.</summary>
    public void Dispose()
    {
        _codec?.Dispose();
        _data?.Dispose();
    }
}
