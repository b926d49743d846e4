using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>Asks a connected agent for its storage: a SignalR client result, bounded by the caller's timeout.</summary>
public sealed class HubStorageLink(IHubContext<AgentHub, IAgentClient> hub, UnitRegistry units) : IAgentStorageLink
{
    public async Task<StorageInventoryResult?> ReadAsync(string unitId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (units.ConnectionOf(unitId) is not { } connection) return null;
        return await hub.Clients.Client(connection).GetStorage().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }
}
