using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Gives the destination of a data.move "move" the station's signed leave to delete the source, once it reports
/// what it verified: only for a ticket this station signed for that task with deletion allowed, only to the unit
/// the task runs on, only while the task runs, and bound to the reported type, size, mtime and SHA-256, which the
/// source unit checks again before it deletes.
/// </summary>
public sealed class SourceDeletions(TaskEngine engine, TransferTickets tickets, TimeProvider time)
{
    public Outcome<string> Authorise(string unitId, SourceDeletionRequest request)
    {
        var ticket = tickets.ReadSigned(request.Ticket);
        if (ticket is null || ticket.Id is null)
            return StationError.Forbidden("the transfer ticket is not one this station signed");
        if (ticket.TaskId != request.TaskId || ticket.DestinationUnit != unitId)
            return StationError.Forbidden($"the transfer ticket is for task {ticket.TaskId} on unit '{ticket.DestinationUnit}', not task {request.TaskId} on '{unitId}'");
        if (!ticket.AllowDelete)
            return StationError.Forbidden("the transfer is a copy; its source is never deleted");
        if (engine.ActiveOn(unitId, request.TaskId) is not { } task || task.Kind != TaskKinds.DataMove || task.State != TaskState.Running.ToApi())
            return StationError.Conflict($"task {request.TaskId} is not a running data.move on unit '{unitId}'");
        if (!IsMove(task.Parameters))
            return StationError.Forbidden($"task {request.TaskId} copies; its source is never deleted");
        if (request.Type is not (DataEntry.FileType or DataEntry.DirectoryType) || request.Sha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigitLower))
            return StationError.BadRequest("the report names no file or directory with a lower-case hex SHA-256");
        return tickets.SignDeletion(new SourceDeletion(ticket.Id, ticket.TaskId, ticket.SourceUnit, ticket.SourcePath, request.Type, request.Size,
            request.MtimeTicks, sha, time.GetUtcNow().AddMinutes(tickets.Options.TicketMinutes)));
    }

    private static bool IsMove(string parameters)
    {
        using var doc = JsonDocument.Parse(parameters);
        return DataMove.Contract.ReadValidated(doc.RootElement).IsMove;
    }
}
