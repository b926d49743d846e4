using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// What a data-plane request may touch, from its ticket signed by the station; every refusal names the reason.
/// <paramref name="open"/> checks the signature against the pinned station key and returns the ticket, or null.
/// </summary>
public sealed class TicketCheck(string unitName, Func<string?, TransferTicket?> open, PathGuard guard, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public TransferTicket Verify(string? token)
    {
        var ticket = open(token)
            ?? throw new TicketRefused("the transfer ticket is missing or not signed by the station this unit enrolled with");
        if (ticket.IsExpired(_time.GetUtcNow()))
            throw new TicketRefused($"the transfer ticket expired at {ticket.ExpiresAt:HH:mm:ss} UTC; retry the task for a fresh one");
        return ticket;
    }

    /// <summary>Resolves <paramref name="path"/> for reading: the ticket's source itself or something under it.</summary>
    public string ReadablePath(TransferTicket ticket, string? path)
    {
        if (ticket.SourceUnit != unitName)
            throw new TicketRefused($"the transfer ticket is for reading on unit '{ticket.SourceUnit}', not '{unitName}'");
        string granted = Resolve(ticket.SourcePath);
        string wanted = Resolve(path);
        if (wanted != granted && !wanted.StartsWith(granted + "/", StringComparison.Ordinal))
            throw new TicketRefused($"the transfer ticket grants '{ticket.SourcePath}', not '{path}'");
        return wanted;
    }

    /// <summary>Resolves the path a request may write or delete: exactly the one the ticket names.</summary>
    public string WritablePath(TransferTicket ticket, string? path)
    {
        if (ticket.DestinationUnit != unitName)
            throw new TicketRefused($"the transfer ticket is for writing on unit '{ticket.DestinationUnit}', not '{unitName}'");
        string granted = Resolve(ticket.DestinationPath);
        string wanted = Resolve(path);
        if (wanted != granted)
            throw new TicketRefused($"the transfer ticket grants writing '{ticket.DestinationPath}', not '{path}'");
        return wanted;
    }

    public string DeletablePath(TransferTicket ticket, string? path)
    {
        if (!ticket.AllowDelete)
            throw new TicketRefused("the transfer ticket does not allow deleting the source (mode is not 'move')");
        string wanted = ReadablePath(ticket, path);
        if (wanted != Resolve(ticket.SourcePath))
            throw new TicketRefused($"the transfer ticket allows deleting '{ticket.SourcePath}' only");
        return wanted;
    }

    private string Resolve(string? path)
    {
        try { return guard.Resolve(path); }
        catch (TaskFailure ex) { throw new TicketRefused(ex.Message); }
    }
}

/// <summary>A data-plane request the ticket does not allow: answered 403 with the message.</summary>
public sealed class TicketRefused(string message) : Exception(message);
