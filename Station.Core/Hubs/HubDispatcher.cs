using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>Sends orders to agents through the hub; a unit below a mid station through that station's connection.</summary>
public sealed class HubDispatcher(IHubContext<AgentHub, IAgentClient> hub, UnitRegistry units) : IAgentDispatcher
{
    public async Task<bool> RunAsync(string unitId, TaskOrder order)
    {
        var connection = units.RouteConnectionOf(unitId);
        if (connection is null) return false;
        await hub.Clients.Client(connection).RunTask(order).ConfigureAwait(false);
        return true;
    }

    public Task CancelAsync(string unitId, long taskId)
    {
        var connection = units.RouteConnectionOf(unitId);
        return connection is null ? Task.CompletedTask : hub.Clients.Client(connection).CancelTask(taskId);
    }

    public async Task<bool> ConfirmAsync(string unitId, long taskId)
    {
        var connection = units.RouteConnectionOf(unitId);
        if (connection is null) return false;
        await hub.Clients.Client(connection).ConfirmTask(taskId).ConfigureAwait(false);
        return true;
    }
}
