using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;
using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>Reaches agents through the hub; process and thread lists are SignalR client results.</summary>
public sealed class HubMetricsLink(IHubContext<AgentHub, IAgentClient> hub, UnitRegistry units) : IAgentMetricsLink
{
    public async Task<bool> WatchAsync(string unitId, bool on)
    {
        var connection = units.ConnectionOf(unitId);
        if (connection is null) return false;
        await hub.Clients.Client(connection).WatchMetrics(on).ConfigureAwait(false);
        return true;
    }

    public Task<ProcessList?> ProcessesAsync(string unitId, TimeSpan timeout) =>
        AskAsync(unitId, c => c.GetProcesses(), timeout);

    public Task<ThreadList?> ThreadsAsync(string unitId, int pid, TimeSpan timeout) =>
        AskAsync(unitId, c => c.GetThreads(pid), timeout);

    private async Task<T?> AskAsync<T>(string unitId, Func<IAgentClient, Task<T>> ask, TimeSpan timeout) where T : class
    {
        var connection = units.ConnectionOf(unitId);
        if (connection is null) return null;
        return await ask(hub.Clients.Client(connection)).WaitAsync(timeout).ConfigureAwait(false);
    }
}
