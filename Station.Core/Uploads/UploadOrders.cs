using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;

namespace Ccdsvm.Station.Core.Uploads;

/// <summary>
/// <c>fs.write {uploadId}</c> between the upload store and the agent. At admission the upload must be the
/// caller's; at dispatch the order gets <c>upload: {ticket, size, sha256}</c>, a transfer ticket whose source is
/// the station's upload source (<see cref="DataPlaneRoutes.UploadsPrefix"/>), from which the agent pulls the
/// bytes the way a data.move pulls from the station's relay, and which lets it delete the upload once written.
/// </summary>
public sealed class UploadOrders(UploadStore store, TransferTickets tickets) : IOrderPreparer
{
    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller)
    {
        if (WriteOf(kind, parametersJson) is not { UploadId: { } id }) return null;
        var found = store.Find(id, caller.Name);
        return found.Ok ? null : found.Error;
    }

    public Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson)
    {
        if (WriteOf(kind, parametersJson) is not { UploadId: { } id } write) return parametersJson;
        if (store.Get(id) is not { } upload)
            return StationError.NotFound($"upload '{id}' expired or was used by another task before this one could start; upload the file again");
        var expiry = tickets.UploadExpiry;
        store.KeepUntil(id, expiry);
        var ticket = new TransferTicket(taskId, DataPlaneRoutes.UploadsSource, id, target, write.Path, upload.Size, AllowDelete: true, expiry);
        return FsWrite.Contract.WriteJson(write with { Upload = new FsWriteUpload(tickets.Issue(ticket), upload.Size, upload.Sha256) });
    }

    /// <summary>
    /// The file a data-plane request on the upload source may read (or delete): the ticket must be the station's,
    /// unexpired, for the upload source and for exactly <paramref name="id"/>.
    /// </summary>
    public Outcome<string> Authorise(string? token, string? id, bool delete)
    {
        var ticket = tickets.Read(token);
        if (ticket is null || ticket.SourceUnit != DataPlaneRoutes.UploadsSource)
            return StationError.Forbidden("the upload source refuses: the transfer ticket is missing, expired, forged or not for an upload");
        if (ticket.SourcePath != id)
            return StationError.Forbidden($"the transfer ticket grants upload '{ticket.SourcePath}', not '{id}'");
        if (delete && !ticket.AllowDelete)
            return StationError.Forbidden("the transfer ticket does not allow deleting the upload");
        if (store.Get(id) is null)
            return StationError.NotFound($"upload '{id}' does not exist any more (expired or already used)");
        return store.DataPath(id!);
    }

    /// <summary>Deletes the upload a written fs.write used; it is of no further use.</summary>
    public bool Consume(string id) => store.Delete(id, "written by its task");

    /// <summary>An fs.write's typed parameters (admitted, so valid); null for every other kind.</summary>
    private static FsWriteParameters? WriteOf(string kind, string parametersJson)
    {
        if (kind != TaskKinds.FsWrite) return null;
        using var doc = JsonDocument.Parse(parametersJson);
        return FsWrite.Contract.ReadValidated(doc.RootElement);
    }
}
