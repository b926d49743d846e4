using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;
using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Reaches agents through the hub; process and thread lists are SignalR client results. Those of a unit below a mid station
/// are asked of that station (<see cref="IAgentClient.GetProcessesOf"/>) with a ticket signed here for the user, which that
/// station checks before it asks its unit for the user.
/// </summary>
public sealed class HubMetricsLink(IHubContext<AgentHub, IAgentClient> hub, UnitRegistry units, UnitTickets tickets) : IAgentMetricsLink
{
    public async Task<bool> WatchAsync(string unitId, bool on)
    {
        if (RelayedViews.RelayConnectionOf(units, unitId) is { } relay)
        {
            await hub.Clients.Client(relay).WatchMetricsOf(ViewOrderSigning.Order(tickets, ViewOrders.Metrics, unitId, ViewOrderSigning.WatchUser, ViewOrders.ParametersJson(on: on))).ConfigureAwait(false);
            return true;
        }
        var connection = units.ConnectionOf(unitId);
        if (connection is null) return false;
        await hub.Clients.Client(connection).WatchMetrics(on).ConfigureAwait(false);
        return true;
    }

    public async Task<ProcessList?> ProcessesAsync(string unitId, string user, TimeSpan timeout)
    {
        if (RelayedViews.RelayConnectionOf(units, unitId) is { } relay)
            return RelayedViews.Value<ProcessList>(await hub.Clients.Client(relay).GetProcessesOf(ViewOrderSigning.Order(tickets, ViewOrders.Processes, unitId, user, ViewOrders.ParametersJson())).WaitAsync(timeout).ConfigureAwait(false), unitId, "process list");
        return await AskAsync(unitId, c => c.GetProcesses(), timeout).ConfigureAwait(false);
    }

    public async Task<ThreadList?> ThreadsAsync(string unitId, int pid, string user, TimeSpan timeout)
    {
        if (RelayedViews.RelayConnectionOf(units, unitId) is { } relay)
            return RelayedViews.Value<ThreadList>(await hub.Clients.Client(relay).GetThreadsOf(ViewOrderSigning.Order(tickets, ViewOrders.Threads, unitId, user, ViewOrders.ParametersJson(pid: pid))).WaitAsync(timeout).ConfigureAwait(false), unitId, "thread list");
        return await AskAsync(unitId, c => c.GetThreads(pid), timeout).ConfigureAwait(false);
    }

    private async Task<T?> AskAsync<T>(string unitId, Func<IAgentClient, Task<T>> ask, TimeSpan timeout) where T : class
    {
        var connection = units.ConnectionOf(unitId);
        if (connection is null) return null;
        return await ask(hub.Clients.Client(connection)).WaitAsync(timeout).ConfigureAwait(false);
    }
}
