using System.Globalization;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// A confirmed net.configure change written into NetworkManager's connection profiles (<c>nmcli connection
/// modify</c>/<c>add</c>), so it outlives a reboot. An interface with a profile gets only what the change names
/// (addresses, gateway, routes, MTU, DNS, up/down as autoconnect, the bond or bridge it joins); one without gets a new
/// profile <c>ccdsvm-&lt;name&gt;</c> made from its state after the change; a deleted VLAN, bond or bridge loses its
/// profiles, last, once everything else was written. If a step fails, the profiles already changed get their old
/// values back and the ones added are deleted (a profile already deleted stays deleted). Not exercised by the tests
/// here (no NetworkManager on the test machines).
/// </summary>
public sealed class NmConnections(Func<IReadOnlyList<string>, CancellationToken, Task<ProcessOutput>>? nmcli = null)
{
    public const string Prefix = "ccdsvm-";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly Func<IReadOnlyList<string>, CancellationToken, Task<ProcessOutput>> _nmcli =
        nmcli ?? ((args, ct) => ProcessRunner.RunAsync("nmcli", args, ct, Bound));

    private sealed record Profile(string Uuid, string Id, string Type, string? Device, string? InterfaceName);

    /// <summary>Writes the change; returns what was written where and the commands run, or throws having undone what it wrote.</summary>
    public async Task<(IReadOnlyList<NetSaved> Saved, IReadOnlyList<string> Commands)> WriteAsync(NetConfigureParameters p, NetSnapshot after, IReadOnlyList<string> touched, CancellationToken ct)
    {
        var saved = new List<NetSaved>();
        var commands = new List<string>();
        var undo = new List<string[]>();
        var profiles = await ProfilesAsync(ct).ConfigureAwait(false);
        var byName = after.Network.Interfaces.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var changes = p.Interfaces.ToDictionary(c => c.Name, StringComparer.Ordinal);
        try
        {
            foreach (var name in touched.Where(n => byName.ContainsKey(n) && changes.GetValueOrDefault(n)?.Delete != true))
            {
                var profile = profiles.FirstOrDefault(x => x.Device == name) ?? profiles.FirstOrDefault(x => x.InterfaceName == name);
                var settings = profile is null ? Whole(byName[name], after, p) : Named(changes.GetValueOrDefault(name), p, byName[name], profile.Type);
                settings.AddRange(PortOf(name, p));
                if (settings.Count == 0) continue;
                var flat = settings.SelectMany(s => new[] { s.Property, s.Value }).ToArray();
                if (profile is null)
                {
                    string id = Prefix + name;
                    string[] add = ["connection", "add", "type", TypeOf(byName[name]), "con-name", id, "ifname", name, .. flat];
                    await RunAsync(add, commands, ct).ConfigureAwait(false);
                    undo.Add(["connection", "delete", id]);
                    saved.Add(new NetSaved(name, $"NetworkManager connection '{id}' (added)", [.. settings.Select(s => $"{s.Property} {s.Value}")]));
                }
                else
                {
                    var old = await ValuesAsync(profile.Uuid, settings.Select(s => s.Property.TrimStart('+')).Distinct(StringComparer.Ordinal), ct).ConfigureAwait(false);
                    await RunAsync(["connection", "modify", profile.Uuid, .. flat], commands, ct).ConfigureAwait(false);
                    undo.Add(["connection", "modify", profile.Uuid, .. old.SelectMany(o => new[] { o.Key, o.Value })]);
                    saved.Add(new NetSaved(name, $"NetworkManager connection '{profile.Id}' ({profile.Uuid})", [.. settings.Select(s => $"{s.Property} {s.Value}")]));
                }
            }
            // Deletions last: a deleted profile cannot be put back, so everything that can be undone goes first.
            foreach (var c in p.Interfaces.Where(c => c.Delete == true))
                foreach (var profile in profiles.Where(x => x.InterfaceName == c.Name || x.Id == Prefix + c.Name))
                {
                    await RunAsync(["connection", "delete", profile.Uuid], commands, ct).ConfigureAwait(false);
                    saved.Add(new NetSaved(c.Name, $"NetworkManager connection '{profile.Id}' ({profile.Uuid})", [], Removed: true));
                }
        }
        catch (TaskFailureException ex)
        {
            var left = new List<string>();
            foreach (var step in Enumerable.Reverse(undo))
            {
                try { await RunAsync(step, [], CancellationToken.None).ConfigureAwait(false); }
                catch (TaskFailureException again) { left.Add(again.Message); }
            }
            throw new TaskFailureException($"{ex.Message}; " + (left.Count == 0
                ? "the NetworkManager connections changed before it were put back as they were"
                : "putting the NetworkManager connections back failed too: " + string.Join("; ", left)), ex);
        }
        return (saved, commands);
    }

    /// <summary>What a change names for an interface that has a profile: only those properties.</summary>
    private static List<(string Property, string Value)> Named(NetInterfaceChange? c, NetConfigureParameters p, NetInterface now, string type)
    {
        var settings = new List<(string, string)>();
        if (c is null) return settings;
        if (c.Mtu is { } mtu && type != "vlan") settings.Add(("802-3-ethernet.mtu", mtu.ToString(CultureInfo.InvariantCulture)));
        if (c.Addresses is { } addresses) settings.AddRange(Addresses(addresses));
        if (c.Gateway is { } gw) settings.Add((gw.Contains(':', StringComparison.Ordinal) ? "ipv6.gateway" : "ipv4.gateway", gw));
        foreach (var r in c.Routes ?? [])
        {
            bool v6 = (r.Gateway ?? r.Destination).Contains(':', StringComparison.Ordinal);
            string destination = r.Destination == "default" ? (v6 ? "::/0" : "0.0.0.0/0") : r.Destination;
            settings.Add((v6 ? "+ipv6.routes" : "+ipv4.routes", r.Gateway is null ? destination : $"{destination} {r.Gateway}"));
        }
        if (p.Dns is { } dns && now.Addresses.Any(a => a.Scope == "global")) settings.AddRange(Dns(dns));
        if (c.State is { } state) settings.Add(("connection.autoconnect", state == "up" ? "yes" : "no"));
        return settings;
    }

    /// <summary>A new profile: the interface as it is after the change.</summary>
    private static List<(string Property, string Value)> Whole(NetInterface i, NetSnapshot after, NetConfigureParameters p)
    {
        var global = i.Addresses.Where(a => a.Scope == "global").Select(a => $"{a.Address}/{a.Prefix.ToString(CultureInfo.InvariantCulture)}").ToList();
        var settings = new List<(string, string)>(Addresses(global));
        if (i.Kind != "vlan") settings.Add(("802-3-ethernet.mtu", i.Mtu.ToString(CultureInfo.InvariantCulture)));
        foreach (var r in after.Network.Routes.Where(r => r.Device == i.Name && r.Gateway is not null && r.Destination == "default"))
            settings.Add((r.Family == "inet6" ? "ipv6.gateway" : "ipv4.gateway", r.Gateway!));
        if (global.Count > 0 && p.Dns is { } dns) settings.AddRange(Dns(dns));
        if (i is { Kind: "vlan", Parent: { } parent, VlanId: { } id }) settings.AddRange([("vlan.parent", parent), ("vlan.id", id.ToString(CultureInfo.InvariantCulture))]);
        if (i is { Kind: "bond", BondMode: { } mode }) settings.Add(("bond.options", "mode=" + mode));
        if (!after.AdminUp.Contains(i.Name)) settings.Add(("connection.autoconnect", "no"));
        return settings;
    }

    /// <summary>A bond link or bridge port the change names joins its master's profile.</summary>
    private static IEnumerable<(string Property, string Value)> PortOf(string name, NetConfigureParameters p)
    {
        foreach (var c in p.Interfaces)
        {
            if (c.Bond?.Links.Contains(name, StringComparer.Ordinal) == true) return [("connection.master", c.Name), ("connection.slave-type", "bond")];
            if (c.Bridge?.Ports?.Contains(name, StringComparer.Ordinal) == true) return [("connection.master", c.Name), ("connection.slave-type", "bridge")];
        }
        return [];
    }

    /// <summary>The addresses of both families; a family with none is disabled (IPv6 keeps its link-local address).</summary>
    private static List<(string, string)> Addresses(IReadOnlyList<string> addresses)
    {
        var v4 = addresses.Where(a => !a.Contains(':', StringComparison.Ordinal)).ToList();
        var v6 = addresses.Where(a => a.Contains(':', StringComparison.Ordinal)).ToList();
        var settings = new List<(string, string)>();
        settings.AddRange(v4.Count > 0 ? [("ipv4.method", "manual"), ("ipv4.addresses", string.Join(", ", v4))] : [("ipv4.addresses", ""), ("ipv4.method", "disabled")]);
        settings.AddRange(v6.Count > 0 ? [("ipv6.method", "manual"), ("ipv6.addresses", string.Join(", ", v6))] : [("ipv6.addresses", ""), ("ipv6.method", "link-local")]);
        return settings;
    }

    private static IEnumerable<(string, string)> Dns(IReadOnlyList<string> dns)
    {
        var v4 = dns.Where(d => !d.Contains(':', StringComparison.Ordinal)).ToList();
        var v6 = dns.Where(d => d.Contains(':', StringComparison.Ordinal)).ToList();
        return [("ipv4.dns", string.Join(",", v4)), ("ipv6.dns", string.Join(",", v6))];
    }

    private static string TypeOf(NetInterface i) => i.Kind switch
    {
        "vlan" => "vlan",
        "bond" => "bond",
        "bridge" => "bridge",
        null => "ethernet",
        _ => "generic",
    };

    private async Task<List<Profile>> ProfilesAsync(CancellationToken ct)
    {
        var profiles = new List<Profile>();
        string list = await RunAsync(["--escape", "no", "-t", "-f", "UUID,TYPE,DEVICE,NAME", "connection", "show"], null, ct).ConfigureAwait(false);
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // NAME last: it may hold ':' itself; UUID, TYPE and DEVICE never do.
            var parts = line.Split(':', 4);
            if (parts.Length < 4) continue;
            string ifname = (await RunAsync(["--escape", "no", "-g", "connection.interface-name", "connection", "show", parts[0]], null, ct).ConfigureAwait(false)).Trim();
            profiles.Add(new Profile(parts[0], parts[3], Short(parts[1]), parts[2] is "" or "--" ? null : parts[2], ifname.Length == 0 ? null : ifname));
        }
        return profiles;
    }

    private static string Short(string type) => type switch { "802-3-ethernet" => "ethernet", _ => type };

    /// <summary>The current values of <paramref name="properties"/> in a profile, to put back if a later step fails.</summary>
    private async Task<List<KeyValuePair<string, string>>> ValuesAsync(string uuid, IEnumerable<string> properties, CancellationToken ct)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var property in properties)
        {
            string value = (await RunAsync(["--escape", "no", "-g", property, "connection", "show", uuid], null, ct).ConfigureAwait(false)).Trim();
            values.Add(new(property, value == "--" ? "" : value));
        }
        return values;
    }

    private async Task<string> RunAsync(string[] args, List<string>? commands, CancellationToken ct)
    {
        var output = await _nmcli(args, ct).ConfigureAwait(false);
        string line = "nmcli " + string.Join(' ', args.Select(a => a.Length == 0 || a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
        if (output.ExitCode != 0)
        {
            string said = string.IsNullOrWhiteSpace(output.StdErr) ? output.StdOut.Trim() : output.StdErr.Trim();
            throw new TaskFailureException($"'{line}' failed: {(said.Length > 500 ? said[..500] + "…" : said)}");
        }
        commands?.Add(line);
        return output.StdOut;
    }
}
