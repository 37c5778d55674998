using System.Text;
using System.Text.Json;
using NeuralLab.Common;
using NeuralLab.NeuralFields.Audio;

namespace NeuralLab.Tests.NeuralFields;

public class AudioTests
{
    /// <summary>A canonical 44-byte-header WAV: format tag, channels, rate, bits, and the data as given.</summary>
    internal static byte[] Wav(short formatTag, short channels, int rate, short bits, byte[] data, int? declaredDataBytes = null)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        int blockAlign = channels * bits / 8;
        w.Write(Encoding.ASCII.GetBytes("RIFF"));
        w.Write(36 + (declaredDataBytes ?? data.Length));
        w.Write(Encoding.ASCII.GetBytes("WAVEfmt "));
        w.Write(16);
        w.Write(formatTag);
        w.Write(channels);
        w.Write(rate);
        w.Write(rate * blockAlign);
        w.Write((short)blockAlign);
        w.Write(bits);
        w.Write(Encoding.ASCII.GetBytes("data"));
        w.Write(declaredDataBytes ?? data.Length);
        w.Write(data);
        w.Flush();
        return stream.ToArray();
    }

    static short[] RandomPcm(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new short[count];
        for (int i = 0; i < count; i++) samples[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        samples[0] = short.MinValue; // the extremes must survive too
        samples[1] = short.MaxValue;
        return samples;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Pcm16RoundTripIsBitExact(int channels)
    {
        using var dir = new TempDir();
        var pcm = RandomPcm(2000 * channels, seed: channels);
        string original = dir.File("original.wav");
        File.WriteAllBytes(original, Wav(1, (short)channels, 22050, 16, pcm.SelectMany(BitConverter.GetBytes).ToArray()));

        var clip = AudioClip.Read(original);
        Assert.Equal((22050, channels, 2000, "16-bit PCM"), (clip.SampleRate, clip.Channels, clip.Frames, clip.Encoding));
        Assert.Equal(pcm, clip.Samples.Select(s => (short)(s * 32768)).ToArray());
        string copy = dir.File("copy.wav"), copyOfCopy = dir.File("copy2.wav");
        clip.WritePcm16(copy);
        var reread = AudioClip.Read(copy);
        Assert.Equal(clip.Samples, reread.Samples);
        reread.WritePcm16(copyOfCopy);
        var bytes = File.ReadAllBytes(copy);
        Assert.Equal(bytes, File.ReadAllBytes(copyOfCopy));
        // The data chunk is the original's, byte for byte (NAudio's header may differ from ours: fmt size 18).
        var originalBytes = File.ReadAllBytes(original);
        Assert.Equal(originalBytes[44..], bytes[^(originalBytes.Length - 44)..]);
    }

    [Fact]
    public void OtherEncodingsReadToTheSameScale()
    {
        using var dir = new TempDir();
        // 8-bit unsigned 0, 128, 255 → −1, 0, 127/128; 32-bit float as is.
        File.WriteAllBytes(dir.File("u8.wav"), Wav(1, 1, 8000, 8, [0, 128, 255]));
        Assert.Equal([-1f, 0f, 127f / 128f], AudioClip.Read(dir.File("u8.wav")).Samples);
        var floats = new[] { 0.5f, -0.25f };
        File.WriteAllBytes(dir.File("f32.wav"), Wav(3, 1, 8000, 32, floats.SelectMany(BitConverter.GetBytes).ToArray()));
        Assert.Equal(floats, AudioClip.Read(dir.File("f32.wav")).Samples);
        // 24-bit little-endian −2^23 and 2^22.
        File.WriteAllBytes(dir.File("s24.wav"), Wav(1, 1, 8000, 24, [0x00, 0x00, 0x80, 0x00, 0x00, 0x40]));
        Assert.Equal([-1f, 0.5f], AudioClip.Read(dir.File("s24.wav")).Samples);
    }

    [Fact]
    public void DemoClipIsDeterministicSixteenBitAndBounded()
    {
        var a = AudioDemo.Create();
        var b = AudioDemo.Create();
        Assert.Equal(a.Samples, b.Samples);
        Assert.Equal((16000, 1, 48000), (a.SampleRate, a.Channels, a.Frames));
        Assert.All(a.Samples, s => Assert.Equal(s, MathF.Round(s * 32768) / 32768));
        Assert.InRange(a.Peak, 0.5, 1.0);
    }

    public static TheoryData<string, string> BadClips() => new()
    {
        { "text.wav", "not a WAV file" },
        { "empty.wav", "is empty" },
        { "truncated.wav", "is truncated" },
        { "silence0.wav", "has no samples" },
        { "alaw.wav", "NeuralLab reads PCM" },
        { "six.wav", "6 channels" },
        { "long.wav", "--max-samples" },
        { "missing.wav", "does not exist" },
    };

    static void WriteBadClips(TempDir dir)
    {
        File.WriteAllText(dir.File("text.wav"), "this is not audio, just words in a file with a .wav name");
        File.WriteAllBytes(dir.File("empty.wav"), []);
        var full = Wav(1, 1, 16000, 16, Enumerable.Range(0, 160).Select(i => (byte)i).ToArray()); // 80 samples, under the budget of 100, not silent
        File.WriteAllBytes(dir.File("truncated.wav"), full[..(44 + 60)]);
        File.WriteAllBytes(dir.File("silence0.wav"), Wav(1, 1, 16000, 16, []));
        File.WriteAllBytes(dir.File("alaw.wav"), Wav(6, 1, 8000, 8, new byte[100]));
        File.WriteAllBytes(dir.File("six.wav"), Wav(1, 6, 16000, 16, new byte[120]));
        File.WriteAllBytes(dir.File("long.wav"), Wav(1, 1, 16000, 16, new byte[400]));
    }

    [Theory]
    [MemberData(nameof(BadClips))]
    public void EveryBadWavIsRefusedWithOneLineAndNothingLeftBehind(string file, string expected)
    {
        using var dir = new TempDir();
        WriteBadClips(dir);
        string outDir = dir.File("out");
        var result = CliRunner.Run("fit", dir.File(file), "--max-samples", "100", "--steps", "1", "--out", outDir);
        Assert.True(result.ExitCode == 2, result.ToString());
        string message = result.Stderr.Trim();
        Assert.DoesNotContain('\n', message);
        Assert.Contains(expected, message);
        Assert.False(Directory.Exists(outDir), "a refused run must leave no output directory");
        Assert.Throws<BadInputException>(() => AudioClip.Read(dir.File(file), 100));
    }

    [Fact]
    public void QuickDemoFitWritesEveryOutput()
    {
        using var dir = new TempDir();
        var result = CliRunner.Succeeds("fit", "--audio-demo", "--quick", "--hidden", "32", "--layers", "1", "--steps", "30", "--json", "--out", dir.Path);
        foreach (var name in AudioExperiment.OutputFiles) Assert.True(File.Exists(Path.Combine(dir.Path, name)), name);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(4000, root.GetProperty("samples").GetInt32());
        Assert.Equal(16000, root.GetProperty("sample_rate").GetInt32());
        Assert.Equal(250, root.GetProperty("first_omega0").GetDouble(), 6); // 3000 per 3 s, kept per second for the quarter-second clip
        var reconstruction = AudioClip.Read(Path.Combine(dir.Path, "reconstruction.wav"));
        var truth = AudioClip.Read(Path.Combine(dir.Path, "ground_truth.wav"));
        Assert.Equal(AudioDemo.Create(0.25).Samples, truth.Samples);
        Assert.Equal(truth.Frames, reconstruction.Frames);
        // metrics' SNR is that of the written reconstruction (up to its 16-bit rounding).
        double signal = truth.Samples.Sum(s => (double)s * s);
        double error = truth.Samples.Zip(reconstruction.Samples, (a, b) => (double)(a - b) * (a - b)).Sum();
        Assert.Equal(root.GetProperty("snr").GetDouble(), 10 * Math.Log10(signal / error), 1);
    }

    // The library's checks by name (FitConfig.Validate's Encoding, AudioDemo's maxSamples), named by their flags.
    [Theory]
    [InlineData("--encoding", "fourier", "--encoding fourier: encodes 2-D coordinates")]
    [InlineData("--max-samples", "0", "--max-samples 0: must be positive")]
    [InlineData("--max-samples", "3999", "--max-samples 3999: the demo clip has 4,000 samples")]
    public void TheDemoFitRefusesABadFlagByName(string flag, string value, string message)
    {
        CliRunner.Refuses(message, "fit", "--audio-demo", "--quick", flag, value, "--steps", "1");
    }

    [Fact]
    public void GradientSupervisionOfAudioIsRefused()
    {
        var result = CliRunner.Run("fit", "--audio-demo", "--quick", "--supervise", "gradient", "--steps", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("needs an image", result.Stderr);
    }
}
