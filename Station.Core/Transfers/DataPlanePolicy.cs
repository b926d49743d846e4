using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Which data-plane addresses the station (its relay) and other units (a direct pull) may call for a unit: the
/// address the unit's hub connection came from, or addresses an administrator allowed for it
/// (<c>Transfers:DataPlaneAddresses:{unit}</c>). Loopback and the station's own addresses only for the station's
/// co-hosted unit or when <c>Transfers:AllowLoopbackDataPlane</c> is set (several agents on the station's machine);
/// unspecified, multicast and broadcast addresses never. So a unit cannot make the station call its own services.
/// </summary>
public sealed class DataPlanePolicy(IOptions<TransferOptions> options)
{
    private readonly ConcurrentDictionary<string, IPAddress> _connectedFrom = new(StringComparer.Ordinal);
    private (DateTimeOffset At, HashSet<IPAddress> Addresses)? _own;

    /// <summary>Remembers where the unit's hub connection comes from.</summary>
    public void Connected(string unit, IPAddress? from)
    {
        if (from is null) _connectedFrom.TryRemove(unit, out _);
        else _connectedFrom[unit] = Normal(from);
    }

    /// <summary>Why <paramref name="url"/> may not be called for <paramref name="unit"/>, or null when it may.</summary>
    public string? Problem(string unit, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return $"unit '{unit}' announced the data-plane address '{url}', which is not a plain http(s) address; update its Agent:DataPublicUrl";
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal) ? [literal] : Dns.GetHostAddresses(uri.DnsSafeHost);
        }
        catch (SocketException ex)
        {
            return $"unit '{unit}' announced the data-plane address {url}, whose host the station cannot resolve ({ex.Message})";
        }
        foreach (var address in addresses)
            if (Refusal(unit, address) is { } why) return $"unit '{unit}' announced the data-plane address {url} ({address}), {why}";
        return addresses.Length == 0 ? $"unit '{unit}' announced the data-plane address {url}, whose host has no address" : null;
    }

    /// <summary>Whether the station may connect to <paramref name="address"/> for <paramref name="unit"/> (checked again at connect time).</summary>
    public bool Allows(string unit, IPAddress address) => Refusal(unit, address) is null;

    private string? Refusal(string unit, IPAddress address)
    {
        var o = options.Value;
        address = Normal(address);
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast) || address.IsIPv6Multicast
            || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224))
            return "which no unit may use";
        if (IPAddress.IsLoopback(address) || OwnAddresses().Contains(address))
            return o.AllowLoopbackDataPlane || unit == o.EmbeddedUnit ? null
                : "a loopback or station address, which only the station's own unit may use unless Transfers:AllowLoopbackDataPlane is true";
        if (_connectedFrom.TryGetValue(unit, out var from) && from.Equals(address)) return null;
        if (o.DataPlaneAddresses.TryGetValue(unit, out var allowed) && allowed.Any(a => Matches(a, address))) return null;
        return $"which is neither the address it connected from ({(_connectedFrom.TryGetValue(unit, out var f) ? f : "unknown")}) " +
            $"nor one an administrator allowed for it (Transfers:DataPlaneAddresses:{unit})";
    }

    /// <summary>An address or a prefix such as 10.1.0.0/16.</summary>
    private static bool Matches(string allowed, IPAddress address) =>
        IPNetwork.TryParse(allowed, out var network) ? network.Contains(address)
        : IPAddress.TryParse(allowed, out var single) && Normal(single).Equals(address);

    private static IPAddress Normal(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private HashSet<IPAddress> OwnAddresses()
    {
        var now = DateTimeOffset.UtcNow;
        if (_own is { } known && now - known.At < TimeSpan.FromMinutes(1)) return known.Addresses;
        var set = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => Normal(u.Address)))
            .ToHashSet();
        _own = (now, set);
        return set;
    }
}
