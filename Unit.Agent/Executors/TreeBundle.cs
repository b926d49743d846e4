using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.Win32.SafeHandles;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// The small files of a tree move (<see cref="DataPlaneRoutes.BundleFileLimit"/> bytes or less) in one stream from the
/// source (<see cref="DataPlaneRoutes.Bundle"/>): each file checked against the listing (path, size, mtime), verified
/// against the SHA-256 the source read, written with its mode and mtime under the hidden temporary tree. A broken
/// connection resumes from the first file not yet written; a file already complete (an earlier attempt) is not written
/// again. One <c>syncfs</c> at the end makes them durable.
/// </summary>
internal sealed class TreeBundle(SourceClient source, TaskContext context, TransferMeter meter, DataMoveParameters request)
{
    public const int MaxRetries = 5;

    private int _next;

    /// <summary>
    /// Receives <paramref name="small"/> (in listing order) into <paramref name="temp"/>, starting at <paramref name="first"/>;
    /// those <paramref name="complete"/> marks (an earlier attempt finished them) are read past, not written.
    /// </summary>
    public async Task ReceiveAsync(IReadOnlyList<DataEntry> small, bool[] complete, string temp, int first, CancellationToken ct)
    {
        _next = first;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await ReceiveFromAsync(small, complete, temp, ct).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !ct.IsCancellationRequested && attempt < MaxRetries)
            {
                var delay = TimeSpan.FromMilliseconds(500 << attempt);
                context.Log($"the stream of small files broke ({ex.Message}); retry {attempt + 1} of {MaxRetries} in {delay.TotalSeconds:N1} s from file {_next + 1:N0} of {small.Count:N0}");
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
        FileSystemSync.Sync(temp);
    }

    private async Task ReceiveFromAsync(IReadOnlyList<DataEntry> small, bool[] complete, string temp, CancellationToken ct)
    {
        using var response = await source.OpenBundleAsync(request.Source.Path, _next, ct).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using var stream = new BufferedStream(body, 1 << 20);
        byte[] scratch = BundleFormat.NewScratch(), content = new byte[DataPlaneRoutes.BundleFileLimit], sent = new byte[BundleFormat.HashBytes], got = new byte[BundleFormat.HashBytes];
        while (true)
        {
            var header = await BundleFormat.ReadHeaderAsync(stream, scratch, ct).ConfigureAwait(false);
            if (header is null)
            {
                if (_next != small.Count) throw Changed($"it sent {_next:N0} of the {small.Count:N0} small files listed");
                return;
            }
            if (_next >= small.Count) throw Changed($"it sent more than the {small.Count:N0} small files listed");
            var listed = small[_next];
            if (header.Path != listed.Path || header.Size != listed.Size || header.MtimeTicks != listed.MtimeTicks)
                throw Changed($"'{header.Path}' came where '{listed.Path}' was listed, or changed since");
            var bytes = content.AsMemory(0, (int)header.Size);
            await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            await stream.ReadExactlyAsync(sent, ct).ConfigureAwait(false);
            if (!complete[_next])
            {
                string target = Path.Combine(temp, listed.Path);
                if (request.Verifies)
                {
                    SHA256.HashData(bytes.Span, got);
                    if (!got.AsSpan().SequenceEqual(sent))
                        throw new TaskFailureException($"'{listed.Path}' arrived different from what the source read (SHA-256 mismatch); it was not kept");
                }
                Write(target, bytes.Span, listed);
                meter.CurrentFile = listed.Path;
                await meter.AddAsync(listed.Size, ct).ConfigureAwait(false);
            }
            _next++;
        }
    }

    private static TaskFailureException Changed(string what) =>
        TaskFailureException.Conflict($"the source tree changed while it was copied ({what}); the files done are kept and a retry of the task goes on from them");

    private static void Write(string target, ReadOnlySpan<byte> bytes, DataEntry e)
    {
        // Only this task writes in its hidden temporary tree; what an earlier attempt left at this name (a partial file, a
        // link the source once listed here) is replaced, never written through.
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException) when (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            File.Delete(target);
            handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        using var owned = handle;
        RandomAccess.Write(handle, bytes, 0);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(handle, (UnixFileMode)e.Mode);
        // The mtime last: a file with the listed size and mtime is a complete one (TreeMove.IsComplete).
        File.SetLastWriteTimeUtc(handle, new DateTime(e.MtimeTicks, DateTimeKind.Utc));
    }
}
