using Ccdsvm.Shared.Contracts;
using System.Net;
using System.Text.Json;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// net.configure's station check: a change that would remove the address the unit's hub connection comes from (delete
/// its interface, take it down, replace its addresses without it, make it a bond link or a bridge port) is refused unless
/// the user set <c>cutsOffUnit</c>. The station knows that address and, from the unit's inventory, which interface holds
/// it; behind NAT it finds no interface holding it and leaves the change to the agent's rollback timer.
/// </summary>
internal static class NetCutOff
{
    public static string? Refusal(string kind, string target, JsonElement parameters, UnitRegistry units)
    {
        if (kind != TaskKinds.NetConfigure) return null;
        var p = NetConfigure.Contract.ReadValidated(parameters);
        if (p.CutsOffUnit == true || units.ConnectedFrom(target) is not { } origin || IPAddress.IsLoopback(origin)) return null;
        var holder = units.InventoryOf(target)?.Interfaces.FirstOrDefault(i => i.Addresses.Any(a => Same(a, origin)));
        if (holder is null) return null;
        string? how = null;
        foreach (var c in p.Interfaces)
        {
            if (c.Name == holder.Name)
                how ??= c.Delete == true ? $"deletes {c.Name}, which holds it"
                    : c.State == "down" ? $"takes {c.Name}, which holds it, down"
                    : c.Addresses is { } list && !list.Any(a => Same(NetAddresses.AddressOf(a), origin)) ? $"replaces the addresses of {c.Name} without it"
                    : null;
            if (c.Bond?.Links.Contains(holder.Name, StringComparer.Ordinal) == true || c.Bridge?.Ports?.Contains(holder.Name, StringComparer.Ordinal) == true)
                how ??= $"makes {holder.Name}, which holds it, a port of {c.Name} (a port keeps no address)";
        }
        return how is null ? null
            : $"this change removes {origin}, the address unit '{target}' reaches the station from: it {how}. The unit would be cut off from the station. "
              + $"If you mean it, set cutsOffUnit: true (\"I know this cuts the unit off\"); the unit still restores its network by itself "
              + $"if the station cannot confirm within {NetConfigure.RollbackOf(p)} s";
    }

    private static bool Same(string address, IPAddress ip)
    {
        int slash = address.IndexOf('/', StringComparison.Ordinal);
        string text = slash < 0 ? address : address[..slash];
        return IPAddress.TryParse(text, out var parsed) && (parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed).Equals(ip);
    }
}
