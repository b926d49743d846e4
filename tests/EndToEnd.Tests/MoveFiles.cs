using System.Security.Cryptography;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Quick creation and hashing of big test files.</summary>
internal static class MoveFiles
{
    public static void CreateRandom(string path, long bytes)
    {
        var buffer = new byte[4 * 1024 * 1024];
        using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        for (long done = 0; done < bytes; done += buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            f.Write(buffer, 0, (int)Math.Min(buffer.Length, bytes - done));
        }
    }

    public static string Sha256(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    public static object Move(string srcPath, string dstPath, string mode = "copy", bool? overwrite = null, double? bandwidthMiBps = null) => new
    {
        source = new { unit = "a", path = srcPath },
        destination = new { unit = "b", path = dstPath },
        mode,
        overwrite,
        bandwidthMiBps,
    };
}
