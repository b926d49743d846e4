using System.Diagnostics;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>Large random files and their reference hashes from the real sha256sum.</summary>
public static class BigFiles
{
    public const long OneGiB = 1L << 30;
    private const int Chunk = 4 << 20;

    /// <summary>Writes <paramref name="bytes"/> random bytes in 4 MiB chunks with a fast (non-cryptographic) RNG.</summary>
    public static async Task CreateRandomAsync(string path, long bytes, CancellationToken ct = default)
    {
        var rng = new Random();
        var buffer = new byte[Chunk];
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        for (long written = 0; written < bytes;)
        {
            int n = (int)Math.Min(Chunk, bytes - written);
            rng.NextBytes(buffer.AsSpan(0, n));
            await stream.WriteAsync(buffer.AsMemory(0, n), ct);
            written += n;
        }
    }

    /// <summary>Runs /usr/bin/sha256sum on the file and returns the lower-case hex digest.</summary>
    public static async Task<string> Sha256SumAsync(string path, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("sha256sum") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start sha256sum");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
            var stderr = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            if (process.ExitCode != 0) throw new InvalidOperationException($"sha256sum {path} exited with {process.ExitCode}: {await stderr}");
            var digest = (await stdout).Split(' ', 2)[0].Trim();
            if (digest.Length != 64) throw new InvalidOperationException($"unexpected sha256sum output: {await stdout}");
            return digest;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
