using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Asks a connected agent for its storage: a SignalR client result, bounded by the caller's timeout. A unit below a mid
/// station is asked of that station (<see cref="IAgentClient.GetStorageOf"/>) with a ticket signed here for the user, which
/// that station checks and reads it for the user.
/// </summary>
public sealed class HubStorageLink(IHubContext<AgentHub, IAgentClient> hub, UnitRegistry units, UnitTickets tickets) : IAgentStorageLink
{
    public async Task<StorageInventoryResult?> ReadAsync(string unitId, string user, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (RelayedViews.RelayConnectionOf(units, unitId) is { } relay)
        {
            var answer = await hub.Clients.Client(relay).GetStorageOf(ViewOrderSigning.Order(tickets, ViewOrders.Storage, unitId, user, ViewOrders.ParametersJson())).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return RelayedViews.Value<StorageInventoryResult>(answer, unitId, "storage");
        }
        if (units.ConnectionOf(unitId) is not { } connection) return null;
        return await hub.Clients.Client(connection).GetStorage().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }
}
