using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Http;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// The bundle of a tree's small files (<see cref="DataPlaneRoutes.Bundle"/>, framed by <see cref="BundleFormat"/>): one
/// stream instead of a request per file, which is what a tree of a hundred thousand small files needs. Each file is
/// opened below the ticket's checked root in one call that follows no link (one swapped in since the listing is refused), must still have the size
/// the listing gave, and is hashed as it is read.
/// </summary>
public sealed partial class DataPlaneHandlers
{
    /// <summary>Unflushed bytes after which the stream is flushed to the receiver.</summary>
    private const int BundleFlush = 256 * 1024;

    private async Task<IResult> BundleAsync(HttpContext c, Shared.Contracts.TransferTicket t, CancellationToken ct)
    {
        string root = _check.ReadablePath(t, c.Request.Query["path"]);
        if (!Directory.Exists(root)) throw new FileNotFoundException($"'{root}' is not a directory on unit '{options.Value.Name}'");
        int skip = int.TryParse(c.Request.Query["skip"], out int s) && s > 0 ? s : 0;
        c.Response.ContentType = "application/octet-stream";
        await c.Response.StartAsync(ct).ConfigureAwait(false);
        var writer = c.Response.BodyWriter;
        int index = 0, unflushed = 0;
        // Each file is opened below the pinned root in one call that refuses any link on the way (a link swapped in since
        // the listing, or a directory renamed out of the tree, is refused, never followed).
        using var pinned = Security.PinnedPath.Target(root);
        // The listing this transfer was sent a moment ago, when it is still kept (the tree is walked once); each file's mtime
        // is read again from its open handle, so one changed since the listing is named to the receiver, which refuses it.
        foreach (var e in _listings.Find(t, root) ?? SourceFiles.Walk(root, ct))
        {
            if (e.Type != DataEntry.FileType || e.Size > DataPlaneRoutes.BundleFileLimit || index++ < skip) continue;
            using var handle = pinned.OpenFileBelow(e.Path);
            if (RandomAccess.GetLength(handle) != e.Size) throw new IOException($"'{e.Path}' changed size while the tree was sent");
            long mtime = File.GetLastWriteTimeUtc(handle).Ticks;
            int header = BundleFormat.HeaderSize(e.Path);
            var memory = writer.GetMemory(header + (int)e.Size + BundleFormat.HashBytes);
            BundleFormat.WriteHeader(memory.Span, e.Path, e.Size, mtime, e.Mode);
            var content = memory.Span.Slice(header, (int)e.Size);
            int read = 0;
            while (read < content.Length)
            {
                int n = RandomAccess.Read(handle, content[read..], read);
                if (n == 0) throw new IOException($"'{e.Path}' ended at {read:N0} of {e.Size:N0} bytes while the tree was sent");
                read += n;
            }
            SHA256.HashData(content, memory.Span.Slice(header + content.Length, BundleFormat.HashBytes));
            int length = header + content.Length + BundleFormat.HashBytes;
            writer.Advance(length);
            unflushed += length;
            if (unflushed >= BundleFlush)
            {
                unflushed = 0;
                var flushed = await writer.FlushAsync(ct).ConfigureAwait(false);
                if (flushed.IsCanceled || flushed.IsCompleted) throw new OperationCanceledException("the receiver went away", ct);
            }
        }
        var end = writer.GetMemory(4);
        end.Span[..4].Clear();
        writer.Advance(4);
        await writer.FlushAsync(ct).ConfigureAwait(false);
        _listings.Forget(t, root);
        return Results.Empty;
    }
}
