using System.Diagnostics;
using System.Security.Cryptography;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

public static class TestFiles
{
    /// <summary>Writes <paramref name="bytes"/> of random data quickly (4 MiB chunks).</summary>
    public static void WriteRandom(string path, long bytes)
    {
        var buffer = new byte[4 << 20];
        using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        long left = bytes;
        while (left > 0)
        {
            RandomNumberGenerator.Fill(buffer);
            int n = (int)Math.Min(buffer.Length, left);
            f.Write(buffer, 0, n);
            left -= n;
        }
    }

    /// <summary>SHA-256 as the independent tool <c>sha256sum</c> computes it.</summary>
    public static async Task<string> Sha256SumAsync(string path)
    {
        var psi = new ProcessStartInfo("sha256sum") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        string output = await p.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return output.Split(' ', 2)[0].Trim();
    }
}
