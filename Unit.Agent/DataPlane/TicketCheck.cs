using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// What a data-plane request may touch, from its ticket signed by the station; every refusal names the reason.
/// <paramref name="open"/> checks the signature against the pinned station key and returns the ticket, or null;
/// <paramref name="openDeletion"/> does the same for the station's leave to delete a move's source.
/// </summary>
public sealed class TicketCheck(string unitName, Func<string?, TransferTicket?> open, Func<string?, SourceDeletion?> openDeletion, UsedTickets used,
    PathGuard guard, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Opens the ticket of a request. Without a session it must be unexpired and unused: it is claimed and
    /// <paramref name="newSession"/> is the secret for the rest of the transfer. With one, the session must be the ticket's.
    /// </summary>
    public TransferTicket Verify(string? token, string? session, out string? newSession)
    {
        var ticket = open(token)
            ?? throw new TicketRefusedException("the transfer ticket is missing or not signed by the station this unit enrolled with");
        newSession = null;
        if (!string.IsNullOrEmpty(session))
        {
            used.Continue(ticket, session);
            return ticket;
        }
        if (ticket.IsExpired(_time.GetUtcNow()))
            throw new TicketRefusedException(ClockTolerance.ExpiredMessage("the transfer ticket", ticket.ExpiresAt, _time.GetUtcNow()) + "; or retry the task for a fresh one");
        newSession = used.Claim(ticket);
        return ticket;
    }

    /// <summary>Resolves <paramref name="path"/> for reading: the ticket's source itself or something under it.</summary>
    public string ReadablePath(TransferTicket ticket, string? path)
    {
        if (ticket.SourceUnit != unitName)
            throw new TicketRefusedException($"the transfer ticket is for reading on unit '{ticket.SourceUnit}', not '{unitName}'");
        string granted = Resolve(ticket.SourcePath);
        string wanted = Resolve(path);
        if (wanted != granted && !wanted.StartsWith(granted + "/", StringComparison.Ordinal))
            throw new TicketRefusedException($"the transfer ticket grants '{ticket.SourcePath}', not '{path}'");
        return wanted;
    }

    /// <summary>Resolves the path a request may write or delete: exactly the one the ticket names.</summary>
    public string WritablePath(TransferTicket ticket, string? path)
    {
        if (ticket.DestinationUnit != unitName)
            throw new TicketRefusedException($"the transfer ticket is for writing on unit '{ticket.DestinationUnit}', not '{unitName}'");
        string granted = Resolve(ticket.DestinationPath);
        string wanted = Resolve(path);
        if (wanted != granted)
            throw new TicketRefusedException($"the transfer ticket grants writing '{ticket.DestinationPath}', not '{path}'");
        return wanted;
    }

    /// <summary>
    /// The source of a move, when the request carries the station's signed deletion for this very ticket, task and
    /// path; the caller still checks the file is what the destination verified (<see cref="SourceDeletion"/>).
    /// </summary>
    public (string Path, SourceDeletion Deletion) DeletableSource(TransferTicket ticket, string? path, string? deletionToken)
    {
        if (!ticket.AllowDelete)
            throw new TicketRefusedException("the transfer ticket does not allow deleting the source (mode is not 'move')");
        string wanted = ReadablePath(ticket, path);
        if (wanted != Resolve(ticket.SourcePath))
            throw new TicketRefusedException($"the transfer ticket allows deleting '{ticket.SourcePath}' only");
        var deletion = openDeletion(deletionToken)
            ?? throw new TicketRefusedException("the deletion is not authorised: the source of a move is deleted only with the station's signed leave, " +
                "given once the destination reported the SHA-256 it verified");
        if (deletion.TicketId != ticket.Id || deletion.TaskId != ticket.TaskId || deletion.SourceUnit != unitName || deletion.SourcePath != ticket.SourcePath)
            throw new TicketRefusedException($"the station's leave deletes {deletion.SourceUnit}:{deletion.SourcePath} for task {deletion.TaskId}, not this transfer's source");
        if (ClockTolerance.Expired(deletion.ExpiresAt, _time.GetUtcNow()))
            throw new TicketRefusedException(ClockTolerance.ExpiredMessage("the station's leave to delete", deletion.ExpiresAt, _time.GetUtcNow()));
        return (wanted, deletion);
    }

    private string Resolve(string? path)
    {
        try { return guard.Resolve(path); }
        catch (TaskFailureException ex) { throw new TicketRefusedException(ex.Message); }
    }
}

/// <summary>A data-plane request the ticket does not allow: answered 403 with the message.</summary>
public sealed class TicketRefusedException(string message) : Exception(message);
