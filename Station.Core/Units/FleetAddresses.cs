using System.Net;

namespace Ccdsvm.Station.Core.Units;

/// <summary>An address a unit carries on one of its interfaces, as the station last heard of it.</summary>
public sealed record FleetAddress(string Unit, string UnitName, string Interface, string Address);

/// <summary>A desired address (as typed, with its prefix) that another unit already carries.</summary>
public sealed record NetAddressDuplicate(string Desired, FleetAddress Holder)
{
    /// <summary>In words, naming the unit and the interface: "10.0.0.7 is already on unit 'db-2' (b), interface eth0".</summary>
    public string Text => $"{Desired.Split('/')[0].Trim()} is already on unit '{Holder.UnitName}'"
        + $"{(Holder.UnitName == Holder.Unit ? "" : $" ({Holder.Unit})")}, interface {Holder.Interface}";

    /// <summary>For someone who may not see the unit that carries it: the address only, never that unit's name.</summary>
    public string TextWithoutUnit => $"{Desired.Split('/')[0].Trim()} is already on another unit, one you may not see";
}

/// <summary>
/// The addresses the fleet's units carry, read at one moment (<see cref="NetAddressBook.Read"/>), indexed by address:
/// a form checks every keystroke against it without reading the store again. The same address is the same whatever
/// its prefix; loopback and link-local addresses, which every unit may carry, are left out.
/// </summary>
public sealed class FleetAddresses
{
    private readonly Dictionary<IPAddress, List<FleetAddress>> _byAddress = [];

    public FleetAddresses(IEnumerable<FleetAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var a in addresses)
            if (Key(a.Address) is { } ip)
            {
                if (!_byAddress.TryGetValue(ip, out var holders)) _byAddress[ip] = holders = [];
                if (!holders.Contains(a)) holders.Add(a);
            }
    }

    public static FleetAddresses Empty { get; } = new([]);

    /// <summary>How many distinct addresses are known.</summary>
    public int Count => _byAddress.Count;

    /// <summary>
    /// Each of <paramref name="desired"/> (CIDR or bare addresses; what does not parse is skipped, the form says why) that a
    /// unit other than <paramref name="unit"/> carries, once per holder, in the order typed.
    /// </summary>
    public IReadOnlyList<NetAddressDuplicate> Duplicates(string unit, IEnumerable<string> desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var found = new List<NetAddressDuplicate>();
        var seen = new HashSet<IPAddress>();
        foreach (var d in desired)
            if (Key(d) is { } ip && seen.Add(ip) && _byAddress.TryGetValue(ip, out var holders))
                found.AddRange(holders.Where(h => !string.Equals(h.Unit, unit, StringComparison.Ordinal)).Select(h => new NetAddressDuplicate(d, h)));
        return found;
    }

    /// <summary>The address of "10.0.0.5/24" or "10.0.0.5" (IPv4-mapped as IPv4); null for text that is none, loopback or link-local.</summary>
    private static IPAddress? Key(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        var ip = NetAddresses.Parse(slash < 0 ? text.Trim() : text[..slash].Trim());
        if (ip is null) return null;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return null;
        var bytes = ip.GetAddressBytes();
        return bytes.Length == 4 && bytes[0] == 169 && bytes[1] == 254 ? null : ip;
    }
}
