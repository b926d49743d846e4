using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Audit;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Security;

/// <summary>
/// Level 2 of the security model at the station's end: every dispatch carries a ticket signed with the
/// station's key (owner, groups, task, kind, target, resources, validity, nonce) that the unit checks again;
/// a unit's refusal comes back as a failed task and is audited here.
/// </summary>
public sealed class UnitTickets(StationKeys keys, AccessControl access, AuditLog audit, IOptions<StationOptions> options, TimeProvider? time = null)
{
    public const string RefusedAction = "task.refused-by-unit";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public SignedTicket Issue(long taskId, string kind, string target, string owner, IEnumerable<string> resources, string parametersJson) =>
        keys.Sign(Ticket(taskId, kind, target, owner, resources, parametersJson));

    /// <summary>The ticket of one dispatch, not yet signed: sign it alone (<see cref="Issue"/>) or with others (<see cref="SignBatch"/>).</summary>
    public TaskTicket Ticket(long taskId, string kind, string target, string owner, IEnumerable<string> resources, string parametersJson)
    {
        var now = _time.GetUtcNow();
        return new TaskTicket(owner, access.Resolve(owner).GroupNames.ToList(), taskId, kind, target,
            resources.Distinct(StringComparer.Ordinal).ToList(), now, now.AddSeconds(options.Value.TicketLifetimeSeconds),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), TaskTicket.HashParameters(parametersJson));
    }

    /// <summary>
    /// Signs the tickets of several dispatches with one signature (the tasks of one group commit): each unit
    /// still checks its own ticket, and the station signs once instead of once per task.
    /// </summary>
    public SignedTicket[] SignBatch(IReadOnlyList<TaskTicket> tickets)
    {
        if (tickets.Count <= TicketSigning.MaxBatch) return keys.SignBatch(tickets);
        var signed = new List<SignedTicket>(tickets.Count);
        for (int at = 0; at < tickets.Count; at += TicketSigning.MaxBatch)
            signed.AddRange(keys.SignBatch(tickets.Skip(at).Take(TicketSigning.MaxBatch).ToList()));
        return [.. signed];
    }

    /// <summary>Writes the unit's refusal of a task to the audit log: the owner was refused by <paramref name="unit"/>.</summary>
    public void RecordRefusal(string owner, string unit, long taskId, string kind, string error) =>
        audit.Write(owner, RefusedAction, unit, AuditOutcomes.Refused, $"task {taskId} ({kind}): {error}");
}
