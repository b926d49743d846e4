using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Writes a file a user uploaded to the station (<c>fs.write {uploadId}</c>): pulls it from the station's
/// upload source with the order's ticket, through the same <see cref="FileTransfer"/> as a data.move (partial
/// file beside the target, resume and retry), checks size and SHA-256 against the order, renames into place,
/// then tells the station the upload is used.
/// </summary>
public sealed class StationUploads(IOptions<AgentOptions> options, IStationTransport station, Enrolment.AgentCredentials credentials)
{
    /// <param name="grant">What the station added to the order at dispatch: the ticket, size and SHA-256 of the upload.</param>
    public async Task<(long Bytes, string Sha256)> WriteAsync(FsWriteUpload grant, string uploadId, string requestedPath, string path, bool overwrite,
        TaskContext context, CancellationToken ct)
    {
        if (grant.Size < 0) throw TaskFailureException.Invalid("the order's upload has no valid size");
        CheckTicket(grant.Ticket, uploadId, requestedPath);
        string baseUrl = station.StationUrl.ToString().TrimEnd('/') + DataPlaneRoutes.UploadsPrefix;
        var source = new SourceClient(station.Http, baseUrl, grant.Ticket, relayed: false);
        var entry = new DataEntry("", DataEntry.FileType, grant.Size, 0, 0, null);
        var meter = new TransferMeter(context, grant.Size, null) { CurrentFile = Path.GetFileName(path) };
        context.Log($"pulling upload {uploadId} ({grant.Size:N0} bytes) from the station");

        // The order's hash is the one the station computed while the upload arrived: that is what must land.
        var (part, _) = await new FileTransfer(source, context, meter, DataPlaneRoutes.UploadsSource)
            .ReceiveAsync(uploadId, entry, path, verify: false, ct).ConfigureAwait(false);
        string sha;
        using (part)
        {
            try
            {
                ct.ThrowIfCancellationRequested();
                UnixFileMode? mode = !OperatingSystem.IsWindows() && File.Exists(path) ? File.GetUnixFileMode(path) : null;
                sha = part.Commit(grant.Sha256, mode, null, overwrite);
            }
            catch (OperationCanceledException)
            {
                part.Discard();
                throw;
            }
        }
        context.Log($"verified sha256 {sha}; renamed into {path}");

        try { await source.DeleteAsync(uploadId, ct).ConfigureAwait(false); }
        catch (Exception ex) when (ex is HttpRequestException or TaskFailureException)
        {
            context.Log($"the station kept upload {uploadId} ({ex.Message}); it expires on its own");
        }
        return (grant.Size, sha);
    }

    private void CheckTicket(string token, string uploadId, string requestedPath)
    {
        var o = options.Value;
        var ticket = credentials.OpenTransferTicket(token)
            ?? throw TaskFailureException.Refused("refused: the upload ticket is not signed by the station this unit enrolled with");
        if (ticket.IsExpired(DateTimeOffset.UtcNow)) throw TaskFailureException.Refused("refused: " + ClockTolerance.ExpiredMessage("the upload ticket", ticket.ExpiresAt, DateTimeOffset.UtcNow));
        if (ticket.SourceUnit != DataPlaneRoutes.UploadsSource || ticket.SourcePath != uploadId)
            throw TaskFailureException.Refused($"refused: the ticket grants {ticket.SourceUnit}:{ticket.SourcePath}, not upload '{uploadId}'");
        if (ticket.DestinationUnit != o.Name || ticket.DestinationPath != requestedPath)
            throw TaskFailureException.Refused($"refused: the ticket writes {ticket.DestinationUnit}:{ticket.DestinationPath}, not {o.Name}:{requestedPath}");
    }
}
