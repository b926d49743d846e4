using System.Collections.Concurrent;
using System.Globalization;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Http;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Uploads (PUT /data/v1/file) and what an interrupted resumable one left (GET /data/v1/partial). The bytes go to the
/// hidden temporary name of <see cref="PartialFile"/> beside the final one and reach the final name only whole. With
/// <c>resumable=true</c> a broken upload keeps that partial (flushed, its length in the sidecar) instead of removing it;
/// a later PUT with <c>offset=N</c> to the same path, for a file of the same total size, appends after the first N bytes
/// once they are there, and with <c>sha256=</c> the whole file must hash to it before it is moved into place.
/// </summary>
public sealed partial class DataPlaneHandlers
{
    /// <summary>The paths an upload is being received to; a second upload to one of them is refused meanwhile.</summary>
    private readonly ConcurrentDictionary<string, bool> _receiving = new(StringComparer.Ordinal);

    /// <summary>The marker of a partial kept by an upload (a move's partial names its source unit instead).</summary>
    private const string UploadSource = "upload";

    private Task<IResult> PartialAsync(HttpContext c, TransferTicket t, CancellationToken ct)
    {
        string path = _check.WritablePath(t, c.Request.Query["path"]);
        bool receiving = _receiving.ContainsKey(path);
        return Task.FromResult(Results.Json(PartialFile.Peek(path) is { } k && k.Identity.SourceUnit == UploadSource && k.Identity.SourcePath == path
            ? new DataPartial(path, k.Offset, k.Identity.Size, receiving)
            : new DataPartial(path, 0, 0, receiving)));
    }

    private async Task<IResult> ReceiveAsync(HttpContext c, TransferTicket ticket, CancellationToken ct)
    {
        string path = _check.WritablePath(ticket, c.Request.Query["path"]);
        bool overwrite = string.Equals(c.Request.Query["overwrite"], "true", StringComparison.OrdinalIgnoreCase);
        bool resumable = string.Equals(c.Request.Query["resumable"], "true", StringComparison.OrdinalIgnoreCase);
        string? expectedSha = c.Request.Query["sha256"] is { Count: > 0 } s && s.ToString() is { Length: > 0 } hex ? hex : null;
        if (expectedSha is not null && (expectedSha.Length != 64 || !expectedSha.All(char.IsAsciiHexDigit)))
            return Results.Problem("'sha256' must be 64 hexadecimal digits", statusCode: StatusCodes.Status400BadRequest);
        long offset = 0;
        if (c.Request.Query["offset"] is { Count: > 0 } o && (!long.TryParse(o.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
            return Results.Problem("'offset' must be a whole number of bytes, 0 or more", statusCode: StatusCodes.Status400BadRequest);
        long? length = c.Request.ContentLength;
        if (offset > 0 && length is null)
            return Results.Problem("a resumed upload (offset > 0) needs a Content-Length: the rest of the file", statusCode: StatusCodes.Status411LengthRequired);
        long? total = length is { } n ? offset + n : null;
        if (ticket.Size >= 0 && total is { } whole && whole > ticket.Size)
            throw new TicketRefusedException($"the upload is {whole:N0} bytes; the ticket allows {ticket.Size:N0}");
        if (Directory.Exists(path)) throw new TicketRefusedException($"'{path}' is a directory; an upload writes a file");
        if (File.Exists(path) && !overwrite) return Results.Problem($"'{path}' already exists; upload with overwrite=true to replace it", statusCode: 409);
        if (!_receiving.TryAdd(path, true))
            return Results.Problem($"an upload to '{path}' is still being received; retry once it has ended", statusCode: 409);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var identity = new PartialIdentity(UploadSource, path, total ?? -1, 0);
            if (offset > 0 && (PartialFile.Peek(path) is not { } kept || kept.Identity != identity || kept.Offset < offset))
            {
                // Nothing is touched: the partial keeps what it holds.
                var held = PartialFile.Peek(path);
                string holds = held is { } h && h.Identity.SourceUnit == UploadSource && h.Identity.SourcePath == path
                    ? $"holds {h.Offset:N0} bytes of an interrupted upload of {h.Identity.Size:N0} bytes" : "holds no interrupted upload";
                return Results.Problem($"cannot resume the upload to '{path}' at {offset:N0} bytes of {total:N0}: the unit {holds} there; " +
                    "ask again how much arrived, or start from the beginning", statusCode: 409);
            }
            using var part = PartialFile.Open(path, identity, restart: offset == 0, resumeAt: offset, ct: ct);
            if (part.Offset != offset)
                return Results.Problem($"cannot resume the upload to '{path}' at {offset:N0} bytes: only {part.Offset:N0} could be read back", statusCode: 409);
            return await ReceiveIntoAsync(c, ticket, part, path, length, expectedSha, overwrite, resumable, ct).ConfigureAwait(false);
        }
        finally
        {
            _receiving.TryRemove(path, out _);
        }
    }

    private static async Task<IResult> ReceiveIntoAsync(HttpContext c, TransferTicket ticket, PartialFile part, string path, long? length, string? expectedSha,
        bool overwrite, bool resumable, CancellationToken ct)
    {
        long start = part.Offset;
        try
        {
            // Whole aligned chunks, so a large upload is written direct like a unit-to-unit move.
            var buffer = AlignedBuffer.Rent(BufferSize);
            try
            {
                int read;
                while ((read = await FillAsync(c.Request.Body, buffer.Memory, ct).ConfigureAwait(false)) > 0)
                {
                    if (ticket.Size >= 0 && part.Offset + read > ticket.Size)
                        throw new TicketRefusedException($"the upload is larger than the {ticket.Size:N0} bytes the ticket allows");
                    await part.WriteAsync(buffer.Memory[..read], ct).ConfigureAwait(false);
                }
            }
            finally
            {
                buffer.Return();
            }
            if (length is { } expected && part.Offset - start != expected)
                throw new IOException($"the upload ended after {part.Offset - start:N0} of {expected:N0} bytes");
        }
        catch (Exception ex) when (resumable && ex is IOException or OperationCanceledException or BadHttpRequestException && part.Offset > 0)
        {
            // The sender went away: keep what arrived for a resume (PUT ?offset=) under the hidden name only.
            part.Suspend();
            if (ct.IsCancellationRequested) throw;
            return Results.Problem($"the upload to '{path}' broke after {part.Offset:N0} bytes ({ex.Message}); they are kept: resume at offset {part.Offset}",
                statusCode: StatusCodes.Status409Conflict);
        }
        catch
        {
            part.Discard();
            throw;
        }
        try
        {
            string sha = part.Commit(expectedSha, null, null, overwrite);
            return Results.Json(new DataHash(path, part.Offset, sha));
        }
        catch (TaskFailureException ex)
        {
            // Commit removed the partial (a hash that does not match, or the final name appeared meanwhile).
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<int> FillAsync(Stream body, Memory<byte> buffer, CancellationToken ct)
    {
        int filled = 0, read;
        while (filled < buffer.Length && (read = await body.ReadAsync(buffer[filled..], ct).ConfigureAwait(false)) > 0) filled += read;
        return filled;
    }
}
