using System.Collections.Concurrent;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>Every open agent connection by unit, so that revoking a unit closes its connection at once.</summary>
public sealed class AgentConnections : IUnitConnections
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _byConnection = new(StringComparer.Ordinal);

    public void Add(string unit, HubCallerContext context)
    {
        context.Items[nameof(AgentConnections)] = unit;
        _byConnection[context.ConnectionId] = context;
    }

    public void Remove(HubCallerContext context) => _byConnection.TryRemove(context.ConnectionId, out _);

    public int Abort(string unitId)
    {
        int n = 0;
        foreach (var context in _byConnection.Values)
        {
            if (!Equals(context.Items.TryGetValue(nameof(AgentConnections), out var unit) ? unit : null, unitId)) continue;
            context.Abort();
            n++;
        }
        return n;
    }
}
