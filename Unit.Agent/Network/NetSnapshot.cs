using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// The network before a change (<c>ip -j</c>: interfaces, addresses, routes; which links were set up; resolv.conf) and
/// the way back to it: what the change created is deleted, every interface it touched gets its master, MTU, global
/// addresses and up/down back, the routes are made what they were, and resolv.conf is written back. Restoring is
/// best effort: a step that fails is said, the others still run.
/// </summary>
public sealed class NetSnapshot
{
    private NetSnapshot(NetInventoryResult network, HashSet<string> adminUp, string? resolvConf)
    {
        Network = network;
        AdminUp = adminUp;
        ResolvConf = resolvConf;
    }

    public NetInventoryResult Network { get; }

    /// <summary>The links that were set up (the UP flag), whatever their carrier.</summary>
    public IReadOnlySet<string> AdminUp { get; }

    public string? ResolvConf { get; }

    /// <summary>A snapshot as <see cref="PendingRollbacks"/> recorded it.</summary>
    public static NetSnapshot Of(NetInventoryResult network, IEnumerable<string> adminUp, string? resolvConf) =>
        new(network, new HashSet<string>(adminUp, StringComparer.Ordinal), resolvConf);

    public static async Task<NetSnapshot> TakeAsync(NetHost host, CancellationToken ct)
    {
        var network = await host.Reader().ReadAsync(null, ct).ConfigureAwait(false);
        string links = await host.IpAsync(["-j", "link", "show"], ct).ConfigureAwait(false);
        return new NetSnapshot(network, AdminUpOf(links), host.ReadResolvConf());
    }

    public static HashSet<string> AdminUpOf(string linksJson)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(linksJson) ? "[]" : linksJson);
        var up = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in doc.RootElement.EnumerateArray())
            if (link.TryGetProperty("ifname", out var name) && name.ValueKind == JsonValueKind.String
                && link.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array
                && flags.EnumerateArray().Any(f => f.ValueKind == JsonValueKind.String && f.GetString() == "UP"))
                up.Add(name.GetString()!);
        return up;
    }

    /// <summary>Puts the network back as it was; returns what could not be restored (empty when all was).</summary>
    public async Task<IReadOnlyList<string>> RestoreAsync(NetHost host, IReadOnlyCollection<string> touched, Action<string> log)
    {
        // Never cancelled: a half-restored network is what this exists to prevent. Each command is bounded on its own.
        var ct = CancellationToken.None;
        var failures = new List<string>();
        async Task Try(params string[] args)
        {
            try { await host.IpAsync(args, ct).ConfigureAwait(false); }
            catch (TaskFailureException ex) { failures.Add(ex.Message); log("restore: " + ex.Message); }
        }

        var now = await host.Reader().ReadAsync(null, ct).ConfigureAwait(false);
        var before = Network.Interfaces.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var present = now.Interfaces.ToDictionary(i => i.Name, StringComparer.Ordinal);

        // What the change created goes first, so ports and links it took are free again.
        foreach (var name in touched.Where(n => !before.ContainsKey(n) && present.ContainsKey(n)).Reverse())
            await Try("link", "del", name).ConfigureAwait(false);

        foreach (var name in touched.Where(before.ContainsKey))
        {
            var was = before[name];
            var isNow = present.GetValueOrDefault(name);
            if (isNow is null) { failures.Add($"'{name}' is gone and cannot be made again here"); continue; }
            if (isNow.Master != was.Master)
            {
                if (was.Master is null) await Try("link", "set", name, "nomaster").ConfigureAwait(false);
                else await Try("link", "set", name, "master", was.Master).ConfigureAwait(false);
            }
            if (isNow.Mtu != was.Mtu) await Try("link", "set", name, "mtu", was.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            var globalBefore = was.Addresses.Where(a => a.Scope == "global").Select(a => $"{a.Address}/{a.Prefix}").ToList();
            var globalNow = isNow.Addresses.Where(a => a.Scope == "global").Select(a => $"{a.Address}/{a.Prefix}").ToList();
            if (!globalBefore.Order(StringComparer.Ordinal).SequenceEqual(globalNow.Order(StringComparer.Ordinal)))
            {
                await Try("addr", "flush", "dev", name, "scope", "global").ConfigureAwait(false);
                foreach (var a in globalBefore) await Try("addr", "add", a, "dev", name).ConfigureAwait(false);
            }
            await Try("link", "set", name, AdminUp.Contains(name) ? "up" : "down").ConfigureAwait(false);
        }

        await RestoreRoutesAsync(host, Try, ct).ConfigureAwait(false);
        try { host.RestoreResolvConf(ResolvConf); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { failures.Add($"{host.ResolvConf}: {ex.Message}"); }
        return failures;
    }

    /// <summary>Routes the change added are removed and the ones it removed or replaced come back (kernel routes follow the addresses).</summary>
    private async Task RestoreRoutesAsync(NetHost host, Func<string[], Task> run, CancellationToken ct)
    {
        var now = await host.Reader().ReadAsync(null, ct).ConfigureAwait(false);
        static string Key(NetRoute r) => $"{r.Family} {r.Destination} {r.Gateway} {r.Device}";
        var wanted = Network.Routes.Where(r => r.Protocol != "kernel").ToList();
        var wantedKeys = wanted.Select(Key).ToHashSet(StringComparer.Ordinal);
        var nowKeys = now.Routes.Select(Key).ToHashSet(StringComparer.Ordinal);
        foreach (var r in now.Routes.Where(r => r.Protocol != "kernel" && !wantedKeys.Contains(Key(r))))
        {
            var args = NetPlan.Route(r.Destination, r.Gateway, r.Device, r.Family);
            args[2] = "del";
            await run(args).ConfigureAwait(false);
        }
        foreach (var r in wanted.Where(r => !nowKeys.Contains(Key(r))))
            await run(NetPlan.Route(r.Destination, r.Gateway, r.Device, r.Family)).ConfigureAwait(false);
    }
}
