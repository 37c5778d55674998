using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Compiled by MSBuild against netstandard2.0: no spans, no nullable annotations, no File.Move overwrite.
// Marks a needed symbol version (GLIBCXX_3.4.32) weak in an ELF64 little-endian shared library,
// when the machine's libstdc++ does not define it. Why: see Directory.Build.targets.
public class WeakenGlibcxxRequirement : Task
{
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";
    // Publish output (and so the neurallab tool package) runs on other machines: patch it whatever this one has.
    // A weak requirement costs nothing where the version exists.
    public bool Always { get; set; }

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        string libstdcxx = Array.Find(LibStdCxxCandidates, File.Exists);
        if (libstdcxx == null && !Always)
        {
            Log.LogMessage(MessageImportance.Low, "NeuralLab: no system libstdc++ found; leaving libLibTorchSharp.so as is.");
            return true;
        }
        byte[] needle = Encoding.ASCII.GetBytes(Version + "\0");
        if (!Always && IndexOf(File.ReadAllBytes(libstdcxx), needle) >= 0)
        {
            Log.LogMessage(MessageImportance.Low, $"NeuralLab: {libstdcxx} defines {Version}; no patch needed.");
            return true;
        }
        foreach (var item in Libraries)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                int changed = Weaken(path, Version);
                Log.LogMessage(MessageImportance.Normal,
                    changed > 0 ? $"NeuralLab: marked {Version} weak in {path}." : $"NeuralLab: {path} already loads here.");
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is ArgumentOutOfRangeException)
            {
                Log.LogError($"NeuralLab: could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    // Returns the number of Vernaux entries changed (0 when already weak or not required).
    static int Weaken(string path, string version)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (data[4] != 2 || data[5] != 1) throw new InvalidDataException("not ELF64 little-endian");
        ulong shoff = BitConverter.ToUInt64(data, 0x28);
        ushort shentsize = BitConverter.ToUInt16(data, 0x3A);
        ushort shnum = BitConverter.ToUInt16(data, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(data, sh + 4) != ShtGnuVerneed) continue;
            ulong secOffset = BitConverter.ToUInt64(data, sh + 24);
            uint link = BitConverter.ToUInt32(data, sh + 40);
            int strSh = checked((int)shoff + (int)link * shentsize);
            int strOffset = checked((int)BitConverter.ToUInt64(data, strSh + 24));
            int off = checked((int)secOffset);
            while (true)
            {
                ushort vnCnt = BitConverter.ToUInt16(data, off + 2);
                uint vnAux = BitConverter.ToUInt32(data, off + 8);
                uint vnNext = BitConverter.ToUInt32(data, off + 12);
                int a = off + (int)vnAux;
                for (int j = 0; j < vnCnt; j++)
                {
                    ushort flags = BitConverter.ToUInt16(data, a + 4);
                    uint name = BitConverter.ToUInt32(data, a + 8);
                    uint vnaNext = BitConverter.ToUInt32(data, a + 12);
                    if (CString(data, strOffset + (int)name) == version && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(data, a + 4);
                        changed++;
                    }
                    if (vnaNext == 0) break;
                    a += (int)vnaNext;
                }
                if (vnNext == 0) break;
                off += (int)vnNext;
            }
        }
        if (changed > 0)
        {
            // Keep the timestamp: MSBuild's incremental copy compares size and time, so an unchanged
            // time stops the next build from copying the unpatched file over this one.
            DateTime stamp = File.GetLastWriteTimeUtc(path);
            string temp = path + ".neurallab-tmp";
            File.WriteAllBytes(temp, data);
            File.SetLastWriteTimeUtc(temp, stamp);
            File.Copy(temp, path, true);
            File.SetLastWriteTimeUtc(path, stamp);
            File.Delete(temp);
        }
        return changed;
    }

    static string CString(byte[] data, int start)
    {
        int end = start;
        while (data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, start, end - start);
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && haystack[i + k] == needle[k]) k++;
            if (k == needle.Length) return i;
        }
        return -1;
    }
}
