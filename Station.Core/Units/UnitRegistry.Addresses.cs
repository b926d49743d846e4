using System.Collections.Concurrent;
using System.Net;

namespace Ccdsvm.Station.Core.Units;

/// <summary>Where each unit's hub connection comes from, as the station sees it (net.configure's cut-off check).</summary>
public sealed partial class UnitRegistry
{
    private readonly ConcurrentDictionary<string, IPAddress> _connectedFrom = new(StringComparer.Ordinal);

    /// <summary>Remembers the remote address of the unit's hub connection (null forgets it).</summary>
    public void RecordConnectedFrom(string unitId, IPAddress? from)
    {
        if (from is null) _connectedFrom.TryRemove(unitId, out _);
        else _connectedFrom[unitId] = from.IsIPv4MappedToIPv6 ? from.MapToIPv4() : from;
    }

    /// <summary>The address the unit's latest hub connection came from; null when unknown.</summary>
    public IPAddress? ConnectedFrom(string unitId) => _connectedFrom.TryGetValue(unitId, out var ip) ? ip : null;
}
