using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tls;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// The data-plane routes: stat, tree, hash, file (GET with Range, PUT, DELETE) and partial (DataPlaneHandlers.Upload.cs). Every request carries a
/// ticket; refusals are 403 and bad paths 404, each with a message a person can act on.
/// </summary>
public sealed partial class DataPlaneHandlers(IOptions<AgentOptions> options, PathGuard guard, SourceFiles files, AgentCredentials credentials, UsedTickets used,
    UnitCertificate certificate, ILogger<DataPlaneHandlers> logger)
{
    private const int BufferSize = 1 << 20;
    private const int SendChunk = 2 << 20;

    private delegate Task<IResult> Handler(HttpContext context, TransferTicket ticket, CancellationToken ct);
    private readonly TreeListings _listings = new();
    private readonly TicketCheck _check = new(options.Value.Name, credentials.OpenTransferTicket, credentials.OpenSourceDeletion, used, guard);

    public void Map(IEndpointRouteBuilder app)
    {
        Route(app, HttpMethods.Get, DataPlaneRoutes.Stat, StatAsync);
        Route(app, HttpMethods.Get, DataPlaneRoutes.Tree, TreeAsync);
        Route(app, HttpMethods.Get, DataPlaneRoutes.Bundle, BundleAsync);
        Route(app, HttpMethods.Get, DataPlaneRoutes.Hash, HashAsync);
        Route(app, HttpMethods.Get, DataPlaneRoutes.File, (c, t, ct) => SendAsync(c, _check.ReadablePath(t, c.Request.Query["path"]), ct));
        Route(app, HttpMethods.Put, DataPlaneRoutes.File, ReceiveAsync);
        Route(app, HttpMethods.Delete, DataPlaneRoutes.File, DeleteAsync);
        Route(app, HttpMethods.Get, DataPlaneRoutes.Partial, PartialAsync);
    }

    private void Route(IEndpointRouteBuilder app, string method, string pattern, Handler handler) =>
        app.MapMethods(pattern, [method], (RequestDelegate)(c => Guarded(c, handler)));

    private Task<IResult> StatAsync(HttpContext c, TransferTicket t, CancellationToken ct)
    {
        string path = _check.ReadablePath(t, c.Request.Query["path"]);
        var info = SourceFiles.Find(path) ?? throw new FileNotFoundException($"'{path}' does not exist on unit '{options.Value.Name}'");
        return Task.FromResult(Results.Json(SourceFiles.Describe(info, "")));
    }

    private Task<IResult> TreeAsync(HttpContext c, TransferTicket t, CancellationToken ct)
    {
        string path = _check.ReadablePath(t, c.Request.Query["path"]);
        if (!Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is not a directory on unit '{options.Value.Name}'");
        var entries = SourceFiles.Walk(path, ct).ToList();
        _listings.Remember(t, path, entries);
        return Task.FromResult(Results.Json(entries));
    }

    private async Task<IResult> HashAsync(HttpContext c, TransferTicket t, CancellationToken ct)
    {
        string path = _check.ReadablePath(t, c.Request.Query["path"]);
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' is not a file on unit '{options.Value.Name}'");
        return Results.Json(await files.HashAsync(path, ct).ConfigureAwait(false));
    }

    private async Task<IResult> DeleteAsync(HttpContext c, TransferTicket t, CancellationToken ct)
    {
        var (path, deletion) = _check.DeletableSource(t, c.Request.Query["path"], c.Request.Headers[DataPlaneRoutes.DeletionHeader]);
        var info = SourceFiles.Find(path) ?? throw new FileNotFoundException($"'{path}' does not exist on unit '{options.Value.Name}'");
        var now = SourceFiles.Describe(info, "");
        string sha = now.Type switch
        {
            DataEntry.FileType => (await files.HashAsync(path, ct).ConfigureAwait(false)).Sha256,
            DataEntry.DirectoryType => SourceDeletion.TreeDigest(SourceFiles.Walk(path, ct)),
            _ => "",
        };
        if (now.Type != deletion.Type || now.Size != deletion.Size || now.MtimeTicks != deletion.MtimeTicks || sha != deletion.Sha256)
            throw new TicketRefusedException($"'{path}' is no longer what the destination verified (type, size, mtime or SHA-256 changed); it is kept");
        if (now.Type == DataEntry.DirectoryType) Directory.Delete(path, recursive: true);
        else File.Delete(path);
        LogDeleted(path, t.TaskId);
        return Results.NoContent();
    }

    private async Task<IResult> SendAsync(HttpContext c, string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' is not a file on unit '{options.Value.Name}'");
        var info = new FileInfo(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        long length = stream.Length;
        var range = c.Request.GetTypedHeaders().Range;
        bool ranged = range is { Ranges.Count: > 0 };
        if (!ranged && length <= DataPlaneRoutes.InlineHashLimit)
        {
            // Small files: one request carries bytes and hash, which is what makes trees of many files quick.
            var bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            c.Response.Headers[DataPlaneRoutes.Sha256Header] = Convert.ToHexStringLower(SHA256.HashData(bytes));
            return Results.Bytes(bytes, "application/octet-stream");
        }

        long from = 0, to = length - 1;
        if (ranged)
        {
            if (range!.Ranges.Count != 1) return Results.Problem("one byte range per request", statusCode: StatusCodes.Status416RangeNotSatisfiable);
            var item = range.Ranges.First();
            if (item.From is { } f) (from, to) = (f, item.To is { } t ? Math.Min(t, length - 1) : length - 1);
            else if (item.To is { } suffix) from = Math.Max(0, length - suffix);
            if (from >= length || from > to)
            {
                c.Response.Headers.ContentRange = $"bytes */{length}";
                return Results.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
            }
            c.Response.StatusCode = StatusCodes.Status206PartialContent;
            c.Response.Headers.ContentRange = $"bytes {from}-{to}/{length}";
        }
        c.Response.ContentType = "application/octet-stream";
        c.Response.Headers.AcceptRanges = "bytes";
        c.Response.ContentLength = to - from + 1;
        // A whole-file send hashes what it reads, so the hash route answers from it instead of a second read.
        using var hash = from == 0 && to == length - 1 ? files.TrackSend(path, info) : null;
        await StreamAsync(stream, from, to - from + 1, c.Response, hash, ct).ConfigureAwait(false);
        hash?.Complete();
        return Results.Empty;
    }

    /// <summary>
    /// Reads the file straight into the response's pipe (2 MiB at a time; no copy of our own between disk and socket) and hashes
    /// each chunk there; Kestrel sends a chunk while the next is read and hashed.
    /// </summary>
    private static async Task StreamAsync(FileStream stream, long offset, long count, HttpResponse response, SourceFiles.StreamedHash? hash, CancellationToken ct)
    {
        await response.StartAsync(ct).ConfigureAwait(false);
        var writer = response.BodyWriter;
        long position = offset, end = offset + count;
        while (position < end)
        {
            var memory = writer.GetMemory((int)Math.Min(SendChunk, end - position));
            int want = (int)Math.Min(Math.Min(SendChunk, memory.Length), end - position);
            int n = RandomAccess.Read(stream.SafeFileHandle, memory.Span[..want], position);
            if (n == 0) break;
            hash?.Append(memory.Span[..n]);
            writer.Advance(n);
            position += n;
            var flushed = await writer.FlushAsync(ct).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted) throw new OperationCanceledException("the receiver went away", ct);
        }
        if (position != end) throw new IOException($"the file ended at {position:N0} of {end:N0} bytes while it was sent");
    }

    private async Task Guarded(HttpContext c, Handler handler)
    {
        var result = await Answer(c, handler).ConfigureAwait(false);
        await result.ExecuteAsync(c).ConfigureAwait(false);
    }

    private async Task<IResult> Answer(HttpContext c, Handler handler)
    {
        try
        {
            // Over TLS, only a unit enrolled with this station (its certificate) or the station's relay is served; checked
            // before the ticket, so a request from anyone else claims nothing.
            var peer = certificate.Enabled ? c.Connection.ClientCertificate : null;
            if (certificate.Enabled && !certificate.Accepts(peer, null, allowRelay: true, out var why) && !OtherStationsUnit(c, peer, ref why))
                throw new TicketRefusedException($"the data plane serves only units enrolled with this unit's station and the station's relay: {why}");
            var ticket = _check.Verify(c.Request.Headers[DataPlaneRoutes.TicketHeader], c.Request.Headers[DataPlaneRoutes.SessionHeader], out string? session);
            if (peer is not null && !UnitCertificates.IsRelay(peer) && UnitCertificates.UnitOf(peer) != ticket.DestinationUnit)
                throw new TicketRefusedException($"the transfer ticket is for unit '{ticket.DestinationUnit}', but unit '{UnitCertificates.UnitOf(peer)}' presented it");
            if (session is not null) c.Response.Headers[DataPlaneRoutes.SessionHeader] = session;
            return await handler(c, ticket, c.RequestAborted).ConfigureAwait(false);
        }
        catch (TicketRefusedException ex)
        {
            LogRefused(c.Request.Path, ex.Message);
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status403Forbidden, title: "refused by the unit");
        }
        catch (FileNotFoundException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "not found");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && !c.RequestAborted.IsCancellationRequested)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "the unit could not do it");
        }
    }

    /// <summary>
    /// A unit of another station pulling a copy directly (README, "Layered stations"): served only with a ticket this unit's
    /// station signed that names the CA of the peer's station (<see cref="TransferTicket.PeerCa"/>), and a certificate that CA
    /// issued to the ticket's destination unit. Checked before the ticket is claimed.
    /// </summary>
    private bool OtherStationsUnit(HttpContext c, System.Security.Cryptography.X509Certificates.X509Certificate2? peer, ref string why)
    {
        if (peer is null) return false;
        var offered = credentials.OpenTransferTicket(c.Request.Headers[DataPlaneRoutes.TicketHeader]);
        if (offered?.PeerCa is null) return false;
        using var ca = DirectSource.DecodeCa(offered.PeerCa);
        if (ca is null)
        {
            why = "the ticket names a CA of another station that is no certificate";
            return false;
        }
        if (UnitCertificates.Verify(peer, ca, offered.DestinationUnit, allowRelay: false, out string reason)) return true;
        why = $"the ticket is for unit '{offered.DestinationUnit}' of the station whose CA it names, but {reason}";
        return false;
    }

    [LoggerMessage(351, LogLevel.Warning, "Data plane refused {Route}: {Reason}")]
    private partial void LogRefused(string route, string reason);

    [LoggerMessage(352, LogLevel.Information, "Data plane deleted the source {Path} of task {TaskId} after it was verified")]
    private partial void LogDeleted(string path, long taskId);
}
