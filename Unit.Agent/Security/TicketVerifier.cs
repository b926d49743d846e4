using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts.Tickets;

namespace Ccdsvm.Unit.Agent.Security;

/// <summary>Where a unit remembers the ticket nonces it has used; the agent's is durable (<see cref="Execution.OrderJournal"/>).</summary>
public interface ISeenNonces
{
    /// <summary>Marks the nonce used; false when it was used before.</summary>
    bool TryUse(string nonce, DateTimeOffset expiresAt);
}

/// <summary>
/// The unit's own check of every order (the second level of security): the ticket must carry the pinned
/// station's signature, name this unit and the order's task and kind, be within its validity, not have
/// been seen before, and ask for nothing the unit's local policy denies.
/// </summary>
/// <remarks>A mid station's uplink (<paramref name="relays"/>) also takes tickets for the units it relays to.</remarks>
public sealed class TicketVerifier(ECDsa pinnedStationKey, string unitName, IReadOnlyCollection<string> deniedKinds, TimeProvider? time = null, ISeenNonces? seen = null,
    Func<string, bool>? relays = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seenNonces = new(StringComparer.Ordinal);

    /// <summary>Returns null when the order may run, otherwise the reason it is refused.</summary>
    public string? Refusal(SignedTicket? ticketSent, long taskId, string kind) => Refusal(ticketSent, taskId, kind, null, out _);

    /// <summary>
    /// Like <see cref="Refusal(SignedTicket?, long, string)"/>, also checking the order's parameters against the
    /// hash the ticket carries; gives the opened ticket for the unit's own policy checks.
    /// </summary>
    public string? Refusal(SignedTicket? ticketSent, long taskId, string kind, string? parametersJson, out TaskTicket? opened)
    {
        opened = null;
        if (ticketSent is null) return "refused by the unit: the order carries no ticket";
        TaskTicket? ticket;
        // One verification at a time: the pinned key object is not documented as thread-safe.
        lock (pinnedStationKey) ticket = TicketSigning.Open(ticketSent, pinnedStationKey);
        if (ticket is null) return "refused by the unit: the ticket's signature is not the station's";
        var now = _time.GetUtcNow();
        if (ticket.Target != unitName && relays?.Invoke(ticket.Target) != true)
            return relays is null ? $"refused by the unit: the ticket is for unit '{ticket.Target}', this is '{unitName}'"
                : $"refused by station '{unitName}': it has no unit '{ticket.Target}' below it";
        if (ticket.TaskId != taskId || ticket.Kind != kind) return "refused by the unit: the ticket names another task or kind than the order";
        if (parametersJson is not null && ticket.ParametersSha256 != TaskTicket.HashParameters(parametersJson))
            return "refused by the unit: the order's parameters are not the ones the station signed";
        if (ClockTolerance.Expired(ticket.ExpiresAt, now)) return "refused by the unit: " + ClockTolerance.ExpiredMessage("the ticket", ticket.ExpiresAt, now);
        if (ClockTolerance.FromTheFuture(ticket.IssuedAt, now)) return "refused by the unit: " + ClockTolerance.FutureMessage(ticket.IssuedAt, now);
        if (deniedKinds.Contains(kind)) return $"refused by the unit: its local policy denies '{kind}' (Agent:DenyKinds)";
        if (!Use(ticket.Nonce, ticket.ExpiresAt, now)) return "refused by the unit: the ticket was already used (replay)";
        opened = ticket;
        return null;
    }

    private bool Use(string nonce, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (seen is not null) return seen.TryUse(nonce, expiresAt);
        Forget(now);
        return _seenNonces.TryAdd(nonce, expiresAt);
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (nonce, expires) in _seenNonces)
            if (ClockTolerance.Expired(expires, now)) _seenNonces.TryRemove(nonce, out _);
    }
}
