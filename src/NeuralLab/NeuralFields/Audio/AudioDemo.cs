namespace NeuralLab.NeuralFields.Audio;

/// <summary>
/// The default clip, generated (not recorded), so it needs no licence and works on a fresh machine:
/// a short melody of plucked notes (fundamental + two harmonics, exponential decay) over a quiet
/// linear chirp from 200 Hz to 4 kHz, at 16 kHz, quantised to 16-bit PCM so it is exactly what its WAV
/// holds. Deterministic: no random numbers. Provenance: Audio/NOTICE.md.
/// </summary>
public static class AudioDemo
{
    internal const int SampleRate = 16000;
    /// <summary>Length of the demo clip when none is given, in seconds.</summary>
    public const double DefaultSeconds = 3.0;
    /// <summary>How metrics and messages name the demo clip.</summary>
    public const string Name = "demo clip (generated: plucked melody over a 200 Hz–4 kHz chirp, 16 kHz)";

    // A (440), C#, E, A, E, C#, B, A: an arpeggio that exercises 440 Hz–2.6 kHz through the harmonics.
    static readonly double[] Melody = [440.00, 554.37, 659.25, 880.00, 659.25, 554.37, 493.88, 440.00];

    /// <summary>The demo clip: mono, 16 kHz, <paramref name="seconds"/> long, within the budget of <paramref name="maxSamples"/>
    /// samples that <see cref="AudioClip.Read"/> applies to a file.</summary>
    /// <exception cref="ArgumentOutOfRangeException">seconds is not in (0, 60], or maxSamples is not positive or below the
    /// clip's samples; each names its parameter.</exception>
    public static AudioClip Create(double seconds = DefaultSeconds, long maxSamples = AudioClip.DefaultMaxSamples)
    {
        if (!(seconds > 0) || seconds > 60) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "must be in (0, 60]");
        if (maxSamples <= 0) throw new ArgumentOutOfRangeException(nameof(maxSamples), maxSamples, "must be positive");
        int frames = (int)Math.Round(seconds * SampleRate);
        if (frames > maxSamples)
            throw new ArgumentOutOfRangeException(nameof(maxSamples), maxSamples, $"the demo clip has {frames:N0} samples, over this budget");
        var samples = new float[frames];
        double noteLength = DefaultSeconds / Melody.Length; // notes keep their length when the clip is shorter
        const double f0 = 200, f1 = 4000;
        for (int i = 0; i < frames; i++)
        {
            double t = (double)i / SampleRate;
            int note = (int)(t / noteLength) % Melody.Length;
            double since = t - Math.Floor(t / noteLength) * noteLength;
            double f = Melody[note];
            // A 5 ms attack avoids a click; the decay makes each note a pluck.
            double envelope = Math.Min(1, since / 0.005) * Math.Exp(-since / 0.12);
            double pluck = envelope * (0.6 * Math.Sin(2 * Math.PI * f * since) + 0.25 * Math.Sin(2 * Math.PI * 2 * f * since) + 0.1 * Math.Sin(2 * Math.PI * 3 * f * since));
            // Linear chirp over the default length: phase 2π(f0·t + (f1−f0)·t²/(2T)).
            double chirp = 0.05 * Math.Sin(2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * DefaultSeconds)));
            double value = pluck + chirp;
            samples[i] = (float)(Math.Clamp(Math.Round(value * 32768), short.MinValue, short.MaxValue) / 32768.0);
        }
        return new AudioClip(SampleRate, 1, samples, "16-bit PCM (generated)");
    }
}
