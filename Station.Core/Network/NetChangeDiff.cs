using System.Globalization;

namespace Ccdsvm.Station.Core.Network;

/// <summary>Whether a diff line is a setting the change takes away, one it brings, or one it leaves as it is.</summary>
public enum NetDiffKind
{
    Removed,
    Added,
    Kept,
}

/// <summary>
/// One line of a network change's diff: <see cref="Interface"/> is the interface ("" for the unit's DNS servers),
/// <see cref="Field"/> what the line is about (address, mtu, state, gateway, route, dns, interface), <see cref="Value"/>
/// the setting itself ("10.0.0.5/24", "1500").
/// </summary>
public sealed record NetDiffLine(NetDiffKind Kind, string Interface, string Field, string Value)
{
    /// <summary>The line in words, marked so it reads without colour: "- removed: eth0 address 10.0.0.5/24".</summary>
    public string Text => $"{Mark} {Word}: {(Interface.Length == 0 ? "" : Interface + " ")}{Field} {Value}".TrimEnd();

    public string Mark => Kind switch { NetDiffKind.Removed => "-", NetDiffKind.Added => "+", _ => " " };

    public string Word => Kind switch { NetDiffKind.Removed => "removed", NetDiffKind.Added => "added", _ => "unchanged" };
}

/// <summary>
/// A net.configure change against the interface's running state (the unit's latest net.inventory): what it takes away
/// and what it brings, line by line, as the agent applies it (addresses replace the global ones, a route or gateway
/// replaces the route to the same destination, DNS servers replace the unit's). Pure: the console shows it while the
/// change is typed and beside a staged change.
/// </summary>
public static class NetChangeDiff
{
    /// <summary>
    /// The diff of <paramref name="desired"/> against <paramref name="reading"/> (null: not read yet, everything the
    /// change sets is added). Lines follow the change's interfaces in order; the DNS servers come last.
    /// </summary>
    public static IReadOnlyList<NetDiffLine> Compute(NetInventoryResult? reading, NetConfigureParameters desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var lines = new List<NetDiffLine>();
        foreach (var change in desired.Interfaces)
        {
            var now = reading?.Interfaces.FirstOrDefault(i => string.Equals(i.Name, change.Name, StringComparison.Ordinal));
            if (change.Delete == true) Deleted(change.Name, now, lines);
            else Changed(change, now, reading?.Routes ?? [], lines);
        }
        if (desired.Dns is { } dns) Replace(reading?.DnsServers ?? [], dns, "", "dns", lines);
        return lines;
    }

    private static void Deleted(string name, NetInterface? now, List<NetDiffLine> lines)
    {
        lines.Add(new NetDiffLine(NetDiffKind.Removed, name, "interface", now?.Kind is { } kind ? $"({kind})" : ""));
        foreach (var a in GlobalAddresses(now)) lines.Add(new NetDiffLine(NetDiffKind.Removed, name, "address", a));
    }

    private static void Changed(NetInterfaceChange c, NetInterface? now, IReadOnlyList<NetRoute> routes, List<NetDiffLine> lines)
    {
        string n = c.Name;
        if (c.Creates) lines.Add(new NetDiffLine(NetDiffKind.Added, n, "interface", Creation(c)));
        if (c.Addresses is { } addresses) Replace(GlobalAddresses(now), [.. addresses.Select(Canonical)], n, "address", lines);
        if (c.Mtu is { } mtu && now?.Mtu != mtu)
        {
            if (now is not null) lines.Add(new NetDiffLine(NetDiffKind.Removed, n, "mtu", now.Mtu.ToString(CultureInfo.InvariantCulture)));
            lines.Add(new NetDiffLine(NetDiffKind.Added, n, "mtu", mtu.ToString(CultureInfo.InvariantCulture)));
        }
        if (c.State is { } state && (now is null || !SameState(now.State, state)))
        {
            if (now is not null) lines.Add(new NetDiffLine(NetDiffKind.Removed, n, "state", now.State));
            lines.Add(new NetDiffLine(NetDiffKind.Added, n, "state", state));
        }
        if (c.Gateway is { } gateway) Route("default", gateway, n, "gateway", routes, lines);
        foreach (var r in c.Routes ?? []) Route(r.Destination, r.Gateway, n, "route", routes, lines);
    }

    /// <summary>"ip route replace": the running route to the same destination in the same family goes, the new one comes; the same one stays.</summary>
    private static void Route(string destination, string? gateway, string device, string field, IReadOnlyList<NetRoute> routes, List<NetDiffLine> lines)
    {
        string family = (gateway ?? destination).Contains(':', StringComparison.Ordinal) ? "inet6" : "inet";
        string wanted = RouteText(destination, gateway, device, field);
        var old = routes.FirstOrDefault(r => r.Family == family && string.Equals(r.Destination, destination, StringComparison.Ordinal));
        string? before = old is null ? null : RouteText(old.Destination, old.Gateway, old.Device, field);
        if (before == wanted)
        {
            lines.Add(new NetDiffLine(NetDiffKind.Kept, device, field, wanted));
            return;
        }
        if (before is not null) lines.Add(new NetDiffLine(NetDiffKind.Removed, old!.Device ?? device, field, before));
        lines.Add(new NetDiffLine(NetDiffKind.Added, device, field, wanted));
    }

    private static string RouteText(string destination, string? gateway, string? device, string field) =>
        field == "gateway" ? gateway ?? $"none (on {device})" : destination + (gateway is null ? "" : " via " + gateway);

    /// <summary>The running list replaced by the desired one: what only the old has goes, what only the new has comes, the rest stays.</summary>
    private static void Replace(IReadOnlyList<string> before, IReadOnlyList<string> after, string name, string field, List<NetDiffLine> lines)
    {
        foreach (var a in before)
            lines.Add(new NetDiffLine(after.Contains(a, StringComparer.OrdinalIgnoreCase) ? NetDiffKind.Kept : NetDiffKind.Removed, name, field, a));
        foreach (var a in after.Distinct(StringComparer.OrdinalIgnoreCase))
            if (!before.Contains(a, StringComparer.OrdinalIgnoreCase)) lines.Add(new NetDiffLine(NetDiffKind.Added, name, field, a));
    }

    /// <summary>The addresses "ip addr flush scope global" takes away, as address/prefix.</summary>
    private static List<string> GlobalAddresses(NetInterface? now) =>
        now?.Addresses.Where(a => a.Scope == "global").Select(a => $"{Canonical(a.Address)}/{a.Prefix.ToString(CultureInfo.InvariantCulture)}").ToList() ?? [];

    /// <summary>An address (or address/prefix) in one spelling, so 2001:DB8::1 and 2001:db8:0::1 compare equal; text that is none stays as typed.</summary>
    private static string Canonical(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? text : text[..slash];
        return NetAddresses.Parse(address) is { } ip ? ip + (slash < 0 ? "" : text[slash..]) : text;
    }

    private static bool SameState(string running, string desired) =>
        string.Equals(running, desired, StringComparison.Ordinal) || (desired == "up" && running == "unknown");

    private static string Creation(NetInterfaceChange c) =>
        c.Vlan is { } v ? $"(VLAN {v.Id.ToString(CultureInfo.InvariantCulture)} on {v.Parent})"
        : c.Bond is { } b ? $"(bond {b.Mode} of {string.Join(", ", b.Links)})"
        : c.Bridge is { } br ? $"(bridge{(br.Ports is { Count: > 0 } ports ? " of " + string.Join(", ", ports) : "")})"
        : "";
}
