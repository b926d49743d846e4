using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Security;

/// <summary>
/// The unit's check of every order before anything runs: the station's ticket (<see cref="TicketVerifier"/>:
/// signature by the pinned key, this unit, this task and kind, validity, no replay, Agent:DenyKinds, the
/// order's parameters) and the unit's own policy on the ticket's resources: files and directories inside
/// Agent:Roots (or the volume and mount roots), devices in the Agent:Devices allow-list; and the order's own
/// paths must be the canonical ones its ticket names (<see cref="TicketPaths"/>), and the network interfaces it changes
/// must be named by its ticket (<see cref="TicketInterfaces"/>).
/// </summary>
public sealed partial class OrderGuard(AgentCredentials credentials, IOptions<AgentOptions> options, PathGuard paths, DevicePolicy devices, ILogger<OrderGuard> logger, OrderJournal? journal = null, TimeProvider? time = null, IOrderRelay? relay = null)
{
    private readonly object _gate = new();
    private TicketVerifier? _verifier;

    /// <summary>Returns null when the order may run, otherwise the refusal, worded "refused by the unit: …".</summary>
    public string? Refusal(TaskOrder order) => Refusal(order, out _);

    /// <summary>
    /// As <see cref="Refusal(TaskOrder)"/>, giving the opened ticket of an order that may run. A mid station's uplink
    /// (<see cref="IOrderRelay"/>) checks the ticket only: the resources are the units' below, which the mid station's
    /// ACL and then each unit check again.
    /// </summary>
    public string? Refusal(TaskOrder order, out TaskTicket? opened)
    {
        opened = null;
        var verifier = Verifier();
        if (verifier is null) return UnitRefusal.Because("it is not enrolled yet, so it has no station key to check the ticket against");
        // Without parameters the ticket's hash of them could not be checked (found by the agent-side fuzz, issue 16.3).
        if (order.ParametersJson is null) return Refused(order, UnitRefusal.Because("the order carries no parameters, so they cannot be checked against its ticket"));
        string? refusal;
        try
        {
            refusal = verifier.Refusal(order.Ticket, order.TaskId, order.Kind, order.ParametersJson, out var ticket);
            if (refusal is null && relay is null)
                refusal = PolicyRefusal(ticket!) ?? TicketPaths.Refusal(ticket!, order.ParametersJson, options.Value.Name, paths)
                    ?? TicketInterfaces.Refusal(ticket!, order.ParametersJson, options.Value.Name);
            if (refusal is null) opened = ticket;
        }
        catch (Exception ex) when (ex is TaskFailureException or ArgumentException or IOException)
        {
            // A path the checks cannot resolve (a link loop, a NUL, a name too long): refused in the resolver's words, never
            // thrown at the connection, where the order would go unanswered (found by the agent-side fuzz, issue 16.3).
            refusal = UnitRefusal.Because(ex.Message);
        }
        return refusal is null ? null : Refused(order, refusal);
    }

    private string Refused(TaskOrder order, string refusal)
    {
        LogRefused(order.TaskId, order.Kind, refusal);
        return refusal;
    }

    private TicketVerifier? Verifier()
    {
        lock (_gate)
        {
            if (_verifier is not null) return _verifier;
            var key = credentials.NewStationKey();
            if (key is null) return null;
            var o = options.Value;
            return _verifier = new TicketVerifier(key, o.Name, o.DenyKinds.ToHashSet(StringComparer.Ordinal), time, journal, relay is null ? null : relay.Reaches);
        }
    }

    private string? PolicyRefusal(TaskTicket ticket)
    {
        // maintenance.hold only holds locks at the station; it touches nothing here.
        if (ticket.Kind == TaskKinds.MaintenanceHold) return null;
        var o = options.Value;
        foreach (var resource in ticket.Resources)
        {
            if (ResourcePath.Parse(resource) is not { } r || r.Unit != o.Name) continue;
            if (r.IsFile)
            {
                if (!PathAllowed(r.Rest, o))
                    return UnitRefusal.Because($"its local policy does not allow '{r.Rest}': it is outside this unit's roots (Agent:Roots: {string.Join(", ", paths.Roots)}) and its mount root (Agent:MountRoot: {o.MountRoot})");
            }
            else if (r.IsDisk && r.Rest.Length > 0)
            {
                // A disk (disks/sdb) or a partition under its disk (disks/sdb/sdb1), allowed with its disk.
                if (devices.ResourceRefusal(r.Rest) is { } why)
                    return UnitRefusal.Because(why);
            }
        }
        return null;
    }

    private bool PathAllowed(string path, AgentOptions o)
    {
        try
        {
            paths.Resolve(path);
            return true;
        }
        catch (TaskFailureException)
        {
            try
            {
                string mountRoot = PathGuard.RealPath(Path.GetFullPath(o.MountRoot)).TrimEnd('/');
                string real = PathGuard.RealPath(Path.GetFullPath(path));
                return real.StartsWith(mountRoot + "/", StringComparison.Ordinal);
            }
            catch (TaskFailureException)
            {
                return false;
            }
        }
    }

    [LoggerMessage(320, LogLevel.Warning, "Refused the order for task {TaskId} ({Kind}): {Reason}")]
    private partial void LogRefused(long taskId, string kind, string reason);
}
