using NeuralLab.Common;
using NAudio.Wave;

namespace NeuralLab.NeuralFields.Audio;

/// <summary>
/// A clip of audio: <see cref="Frames"/> frames of <see cref="Channels"/> (1 or 2) samples, interleaved,
/// as floats in [-1, 1] (integer PCM divided by 2^(bits−1), so 16-bit values are exact).
/// </summary>
public sealed class AudioClip
{
    /// <summary>Default budget: 10 million samples (all channels), about 3.8 minutes of 44.1 kHz stereo.</summary>
    public const long DefaultMaxSamples = 10_000_000;

    /// <summary>Samples per second per channel (Hz).</summary>
    public int SampleRate { get; }
    /// <summary>1 (mono) or 2 (stereo).</summary>
    public int Channels { get; }
    /// <summary>Interleaved samples: index frame · Channels + channel.</summary>
    public float[] Samples { get; }
    /// <summary>The file's encoding, e.g. "16-bit PCM".</summary>
    public string Encoding { get; }

    /// <summary>A clip of interleaved <paramref name="samples"/> in [−1, 1].</summary>
    /// <exception cref="ArgumentException">The rate is not positive, channels is not 1 or 2, or the samples are not a
    /// whole, positive number of frames.</exception>
    public AudioClip(int sampleRate, int channels, float[] samples, string encoding = "32-bit float")
    {
        if (sampleRate <= 0) throw new ArgumentException("sample rate must be positive");
        if (channels is not (1 or 2)) throw new ArgumentException("channels must be 1 or 2");
        if (samples.Length == 0 || samples.Length % channels != 0) throw new ArgumentException("a clip has a whole, positive number of frames");
        (SampleRate, Channels, Samples, Encoding) = (sampleRate, channels, samples, encoding);
    }

    /// <summary>Samples per channel.</summary>
    public int Frames => Samples.Length / Channels;
    /// <summary>Duration in seconds.</summary>
    public double Seconds => (double)Frames / SampleRate;

    /// <summary>Largest |sample|; the field is fitted to the clip divided by it, as SIREN's audio loader does.</summary>
    public double Peak => Samples.Max(s => Math.Abs((double)s));

    /// <summary>The clip as a field's target: (frames, channels) on the 1-D grid t ∈ [-1, 1], scaled by 1/<paramref name="peak"/>.</summary>
    public FieldSignal ToSignal(double peak) => new([Frames], Channels, Samples.Select(s => (float)(s / peak)).ToArray());

    /// <summary>
    /// Reads a WAV file (PCM 8/16/24/32-bit or 32-bit float, plain or WAVE_FORMAT_EXTENSIBLE, mono or stereo)
    /// with NAudio. The sample budget is checked from the header, before the data are read; every way the
    /// file can be unusable ends in a <see cref="BadInputException"/>.
    /// </summary>
    public static AudioClip Read(string path, long maxSamples = DefaultMaxSamples)
    {
        if (maxSamples <= 0) throw new ArgumentOutOfRangeException(nameof(maxSamples), maxSamples, "must be positive");
        if (Directory.Exists(path)) throw new BadInputException($"audio '{path}' is a directory, not a file");
        if (!File.Exists(path)) throw new BadInputException($"audio '{path}' does not exist");
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length == 0) throw new BadInputException($"audio '{path}' is empty");
            long declared = DeclaredDataBytes(stream);
            stream.Position = 0;
            using var reader = new WaveFileReader(stream);
            var format = reader.WaveFormat;
            var (kind, bits) = Classify(format);
            if (kind == null)
                throw new BadInputException($"audio '{path}' is {format.Encoding} with {format.BitsPerSample} bits per sample; NeuralLab reads PCM (8, 16, 24, 32-bit) and 32-bit float WAV");
            if (format.Channels is not (1 or 2))
                throw new BadInputException($"audio '{path}' has {format.Channels} channels; NeuralLab fits mono or stereo");
            if (format.SampleRate <= 0) throw new BadInputException($"audio '{path}' has sample rate {format.SampleRate}");
            int bytesPerSample = bits / 8;
            long frameBytes = (long)bytesPerSample * format.Channels;
            long frames = reader.Length / frameBytes;
            if (frames == 0) throw new BadInputException($"audio '{path}' has no samples");
            // Checked from the header's data-chunk size, before anything is allocated for the samples.
            long samples = frames * format.Channels;
            if (samples > maxSamples)
                throw new BadInputException($"audio '{path}' has {samples:N0} samples ({frames:N0} frames × {format.Channels}), over the budget of {maxSamples:N0} (--max-samples)");
            // NAudio shortens a data chunk that runs past the end of the file without a word (as SKBitmap.Decode
            // fills a truncated PNG with blank rows), so the header's own size is compared with what it read.
            if (declared > reader.Length)
                throw new BadInputException($"audio '{path}' is truncated: its header promises {declared:N0} bytes of samples, the file holds {reader.Length:N0}");
            var data = new byte[frames * frameBytes];
            int read = 0;
            while (read < data.Length)
            {
                int n = reader.Read(data, read, data.Length - read);
                if (n <= 0) break;
                read += n;
            }
            if (read < data.Length)
                throw new BadInputException($"audio '{path}' is truncated: {read:N0} of {data.Length:N0} bytes of samples");
            return new AudioClip(format.SampleRate, format.Channels, Decode(data, kind, bits), $"{bits}-bit {kind}");
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            throw new BadInputException($"'{path}' is not a WAV file NeuralLab can read ({e.Message.TrimEnd('.')})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"cannot read audio '{path}': {e.Message}", e);
        }
    }

    /// <summary>The size the RIFF header declares for the "data" chunk (−1 if there is none, which NAudio then reports).</summary>
    static long DeclaredDataBytes(Stream stream)
    {
        var header = new byte[8];
        if (stream.Read(header, 0, 4) < 4 || System.Text.Encoding.ASCII.GetString(header, 0, 4) is not ("RIFF" or "RF64")) return -1;
        stream.Position = 12;
        while (stream.Position + 8 <= stream.Length)
        {
            stream.ReadExactly(header, 0, 8);
            string id = System.Text.Encoding.ASCII.GetString(header, 0, 4);
            long size = BitConverter.ToUInt32(header, 4);
            if (id == "data") return size == uint.MaxValue ? -1 : size; // RF64 keeps the real size in ds64: left to NAudio
            stream.Position += size + (size & 1);                          // chunks are padded to even sizes
        }
        return -1;
    }

    static (string? Kind, int Bits) Classify(WaveFormat format)
    {
        int bits = format.BitsPerSample;
        string? kind = format.Encoding switch
        {
            WaveFormatEncoding.Pcm => "PCM",
            WaveFormatEncoding.IeeeFloat => "float",
            WaveFormatEncoding.Extensible when format is WaveFormatExtensible ext =>
                ext.SubFormat == AudioMediaSubtypes.MEDIASUBTYPE_PCM ? "PCM"
                : ext.SubFormat == AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT ? "float" : null,
            _ => null,
        };
        bool supported = kind switch
        {
            "PCM" => bits is 8 or 16 or 24 or 32,
            "float" => bits == 32,
            _ => false,
        };
        // A block must be exactly the samples of one frame, or the layout is not what we decode.
        if (supported && format.BlockAlign != bits / 8 * format.Channels) supported = false;
        return supported ? (kind, bits) : (null, bits);
    }

    static float[] Decode(byte[] data, string kind, int bits)
    {
        int size = bits / 8;
        var samples = new float[data.Length / size];
        for (int i = 0; i < samples.Length; i++)
        {
            int o = i * size;
            samples[i] = (kind, bits) switch
            {
                ("float", 32) => BitConverter.ToSingle(data, o),
                (_, 8) => (data[o] - 128) / 128f, // 8-bit WAV is unsigned
                (_, 16) => BitConverter.ToInt16(data, o) / 32768f,
                (_, 24) => ((data[o] | data[o + 1] << 8 | (sbyte)data[o + 2] << 16)) / 8388608f,
                _ => (float)(BitConverter.ToInt32(data, o) / 2147483648.0),
            };
        }
        return samples;
    }

    /// <summary>Writes 16-bit PCM: each sample rounded from s · 32768 and clipped to [−32768, 32767].</summary>
    public void WritePcm16(string path) => WritePcm16(path, SampleRate, Channels, Samples);

    internal static void WritePcm16(string path, int sampleRate, int channels, IReadOnlyList<float> samples)
    {
        var pcm = new short[samples.Count];
        for (int i = 0; i < pcm.Length; i++)
            pcm[i] = (short)Math.Clamp(Math.Round(samples[i] * 32768.0), short.MinValue, short.MaxValue);
        using var writer = new WaveFileWriter(path, new WaveFormat(sampleRate, 16, channels));
        writer.WriteSamples(pcm, 0, pcm.Length);
    }
}
