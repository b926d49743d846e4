using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>Asks the mid station on a unit's route to serve a data-plane read of it (<see cref="IAgentClient.ServeData"/>), bounded in time.</summary>
public sealed class HubDataLink(IHubContext<AgentHub, IAgentClient> hub, UnitRegistry units) : IUnitDataLink
{
    /// <summary>The longest a mid station may take to take or refuse a read.</summary>
    public static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(15);

    public async Task<string?> ServeAsync(string unitId, DataServeRequest request, CancellationToken cancellationToken)
    {
        if (RelayedViews.RelayConnectionOf(units, unitId) is not { } relay)
            return $"unit '{unitId}' is reached through a station that is not connected now; retry once it is back";
        try
        {
            return await hub.Clients.Client(relay).ServeData(request).WaitAsync(AskLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return $"the station through which unit '{unitId}' is reached did not take the read within {AskLimit.TotalSeconds:0} s";
        }
    }
}
