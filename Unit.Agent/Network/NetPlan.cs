namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// A net.configure change checked against the network as it is (every interface it names exists, or is one it creates)
/// and turned into <c>ip</c> commands, in order, with the diff people read. Nothing here changes the machine.
/// </summary>
public sealed record NetPlan(IReadOnlyList<string[]> Commands, IReadOnlyList<string> Diff, IReadOnlyList<string> Created)
{
    /// <summary>The kinds net.configure may delete: those it creates.</summary>
    private static readonly string[] Deletable = ["vlan", "bond", "bridge"];

    /// <summary>The plan, or a <see cref="TaskFailureException"/> naming what does not fit (before anything changes).</summary>
    public static NetPlan Build(NetConfigureParameters p, NetInventoryResult now)
    {
        var byName = now.Interfaces.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var exists = new HashSet<string>(byName.Keys, StringComparer.Ordinal);
        string Known() => string.Join(", ", exists.Order(StringComparer.Ordinal));
        void Need(string name, string what)
        {
            if (!exists.Contains(name))
                throw TaskFailureException.NotFound($"{what} does not exist on this unit (it has: {Known()}); nothing was changed");
        }

        var commands = new List<string[]>();
        var diff = new List<string>();
        var created = new List<string>();
        foreach (var c in p.Interfaces.Where(c => c.Creates))
        {
            if (exists.Contains(c.Name))
                throw TaskFailureException.Conflict($"interface '{c.Name}' exists already; choose another name or change it without vlan, bond or bridge; nothing was changed");
            if (c.Vlan is { } vlan)
            {
                Need(vlan.Parent, $"the parent '{vlan.Parent}' of VLAN {c.Name}");
                commands.Add(["link", "add", "link", vlan.Parent, "name", c.Name, "type", "vlan", "id", vlan.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                diff.Add($"+ {c.Name}: new VLAN {vlan.Id} on {vlan.Parent}");
            }
            else if (c.Bond is { } bond)
            {
                foreach (var link in bond.Links) Need(link, $"link '{link}' of bond {c.Name}");
                commands.Add(["link", "add", c.Name, "type", "bond", "mode", bond.Mode]);
                foreach (var link in bond.Links)
                {
                    commands.Add(["link", "set", link, "down"]);
                    commands.Add(["link", "set", link, "master", c.Name]);
                    commands.Add(["link", "set", link, "up"]);
                }
                diff.Add($"+ {c.Name}: new bond ({bond.Mode}) of {string.Join(", ", bond.Links)}");
            }
            else if (c.Bridge is { } bridge)
            {
                foreach (var port in bridge.Ports ?? []) Need(port, $"port '{port}' of bridge {c.Name}");
                commands.Add(["link", "add", c.Name, "type", "bridge"]);
                foreach (var port in bridge.Ports ?? []) commands.Add(["link", "set", port, "master", c.Name]);
                diff.Add($"+ {c.Name}: new bridge{(bridge.Ports is { Count: > 0 } ports ? " with ports " + string.Join(", ", ports) : "")}");
            }
            exists.Add(c.Name);
            created.Add(c.Name);
        }

        foreach (var c in p.Interfaces.Where(c => c.Delete != true))
        {
            Need(c.Name, $"interface '{c.Name}'");
            byName.TryGetValue(c.Name, out var before);
            Settings(c, before, commands, diff);
        }

        foreach (var c in p.Interfaces.Where(c => c.Delete == true))
        {
            Need(c.Name, $"interface '{c.Name}'");
            var kind = byName[c.Name].Kind;
            if (kind is null || !Deletable.Contains(kind))
                throw TaskFailureException.Invalid($"'{c.Name}' is {(kind is null ? "a physical or loopback link" : $"a {kind} link")}; net.configure deletes only the VLANs, bonds and bridges it can create; nothing was changed");
            commands.Add(["link", "del", c.Name]);
            diff.Add($"- {c.Name}: deleted ({kind})");
        }

        if (p.Dns is { } dns)
            diff.Add($"dns: {Join(now.DnsServers)} → {Join(dns)}");
        return new NetPlan(commands, diff, created);
    }

    private static void Settings(NetInterfaceChange c, NetInterface? before, List<string[]> commands, List<string> diff)
    {
        string n = c.Name;
        if (c.Mtu is { } mtu)
        {
            commands.Add(["link", "set", n, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (before?.Mtu != mtu) diff.Add($"{n}: mtu {(before is null ? "default" : before.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture))} → {mtu}");
        }
        if (c.Addresses is { } addresses)
        {
            commands.Add(["addr", "flush", "dev", n, "scope", "global"]);
            foreach (var a in addresses) commands.Add(["addr", "add", a, "dev", n]);
            var old = before?.Addresses.Where(a => a.Scope == "global").Select(a => $"{a.Address}/{a.Prefix}").ToList() ?? [];
            if (!old.SequenceEqual(addresses)) diff.Add($"{n}: addresses {Join(old)} → {Join(addresses)}");
        }
        // A link made here comes up unless asked otherwise.
        string? state = c.State ?? (before is null ? "up" : null);
        if (state is not null)
        {
            commands.Add(["link", "set", n, state]);
            if (before?.State != state) diff.Add($"{n}: {(before is null ? "" : before.State + " → ")}{state}");
        }
        foreach (var r in c.Routes ?? [])
        {
            commands.Add(Route(r.Destination, r.Gateway, n));
            diff.Add($"{n}: route {r.Destination}{(r.Gateway is null ? "" : " via " + r.Gateway)}");
        }
        if (c.Gateway is { } gateway)
        {
            commands.Add(Route("default", gateway, n));
            diff.Add($"{n}: default gateway {gateway}");
        }
    }

    /// <summary>A route replaced (added or changed), in the family of its gateway or destination.</summary>
    public static string[] Route(string destination, string? gateway, string? device, string? family = null)
    {
        bool v6 = family == "inet6" || (gateway ?? destination).Contains(':', StringComparison.Ordinal);
        var args = new List<string> { v6 ? "-6" : "-4", "route", "replace", destination };
        if (gateway is not null) args.AddRange(["via", gateway]);
        if (device is not null) args.AddRange(["dev", device]);
        return [.. args];
    }

    private static string Join(IEnumerable<string> items) => items.Any() ? string.Join(", ", items) : "(none)";
}
