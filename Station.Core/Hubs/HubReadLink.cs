using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Hands view reads to connected agents: a SignalR client result, bounded by the caller's timeout. A unit below a mid
/// station is read through that station's connection (its route): the ticket names the unit, the mid station reads it
/// through its own read path for the ticket's user (README, "Layered stations").
/// </summary>
public sealed class HubReadLink(IHubContext<AgentHub, IAgentClient> hub, UnitRegistry units) : IAgentReadLink
{
    public async Task<ViewReadAnswer?> ReadAsync(string unitId, TaskOrder order, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (units.RouteConnectionOf(unitId) is not { } connection) return null;
        return await hub.Clients.Client(connection).Read(order).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }
}
