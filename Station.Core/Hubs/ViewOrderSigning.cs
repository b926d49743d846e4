using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// The orders of the views asked of a mid station for a unit below it (<see cref="ViewOrders"/>, README "Layered
/// stations"): task id 0, a ticket signed with this station's key naming the user, the unit, the view and its parameters,
/// valid for the station's ticket lifetime and once (its nonce). The mid station's uplink checks it against the key it
/// pinned before its ACL decides for that user; a forged, altered, expired or replayed one is refused there.
/// </summary>
public static class ViewOrderSigning
{
    /// <summary>Who a metrics watch is asked for: it is shared by every viewer here, each checked here; below, the group @upstream decides.</summary>
    public const string WatchUser = "station";

    public static TaskOrder Order(UnitTickets tickets, string view, string unitId, string user, string parametersJson)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        var signed = tickets.Issue(0, view, unitId, user, [ResourcePath.Unit(unitId)], parametersJson);
        return new TaskOrder(0, view, parametersJson, user, DateTimeOffset.UtcNow, signed);
    }
}
