using System.Globalization;
using System.Text.Json;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>
/// Reads the unit's network from the kernel through iproute2's JSON output (<c>ip -j -d addr</c>, <c>ip -j route</c>
/// for both families), the link speeds from /sys/class/net and the DNS servers from /etc/resolv.conf; which backend
/// persists configuration is <see cref="NetBackendDetector"/>'s to say, "runtime" here. <paramref name="netns"/> reads a named network namespace instead (<c>ip -n</c>): what the
/// tests use, so they never read or touch the host's real interfaces.
/// </summary>
public sealed class NetReader(string? netns = null, string resolvConf = "/etc/resolv.conf")
{
    private static readonly string[] ChildKinds = ["vlan", "macvlan", "ipvlan"];

    public async Task<NetInventoryResult> ReadAsync(Action<string>? log, CancellationToken ct)
    {
        string links = await IpAsync(["-j", "-d", "addr", "show"], ct).ConfigureAwait(false);
        string routes4 = await IpAsync(["-j", "-4", "route", "show"], ct).ConfigureAwait(false);
        string routes6 = await IpAsync(["-j", "-6", "route", "show"], ct).ConfigureAwait(false);
        var interfaces = ParseInterfaces(links, netns is null ? SpeedOf : _ => null);
        var routes = ParseRoutes(routes4, "inet").Concat(ParseRoutes(routes6, "inet6")).ToList();
        log?.Invoke($"{interfaces.Count} interfaces, {routes.Count} routes");
        return new NetInventoryResult(interfaces, routes, DnsServers(resolvConf), NetBackends.Runtime);
    }

    private Task<string> IpAsync(IReadOnlyList<string> args, CancellationToken ct) =>
        Tool.RunAsync(null, "ip", netns is null ? args : ["-n", netns, .. args], ct);

    /// <summary>Interfaces from <c>ip -j -d addr show</c>.</summary>
    public static List<NetInterface> ParseInterfaces(string json, Func<string, long?> speedOf)
    {
        ArgumentNullException.ThrowIfNull(speedOf);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        var result = new List<NetInterface>();
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            string name = Str(link, "ifname") ?? "";
            if (name.Length == 0) continue;
            string? kind = null, bondMode = null;
            int? vlanId = null;
            if (link.TryGetProperty("linkinfo", out var info) && info.ValueKind == JsonValueKind.Object)
            {
                kind = Str(info, "info_kind");
                if (info.TryGetProperty("info_data", out var data) && data.ValueKind == JsonValueKind.Object)
                {
                    if (kind == "vlan" && data.TryGetProperty("id", out var id) && id.TryGetInt32(out int v)) vlanId = v;
                    if (kind == "bond") bondMode = Str(data, "mode");
                }
            }
            var addresses = new List<NetAddress>();
            if (link.TryGetProperty("addr_info", out var infos) && infos.ValueKind == JsonValueKind.Array)
                foreach (var a in infos.EnumerateArray())
                    if (Str(a, "local") is { } local && a.TryGetProperty("prefixlen", out var p) && p.TryGetInt32(out int prefix))
                        addresses.Add(new NetAddress(Str(a, "family") ?? "", local, prefix, Str(a, "scope") ?? "",
                            a.TryGetProperty("dynamic", out var leased) && leased.ValueKind == JsonValueKind.True ? true : null));
            result.Add(new NetInterface(
                name,
                (Str(link, "operstate") ?? "UNKNOWN").ToLowerInvariant(),
                Str(link, "address"),
                link.TryGetProperty("mtu", out var mtu) && mtu.TryGetInt32(out int m) ? m : 0,
                kind,
                Str(link, "master"),
                kind is not null && ChildKinds.Contains(kind) ? Str(link, "link") : null,
                vlanId,
                bondMode,
                speedOf(name),
                addresses));
        }
        return result;
    }

    /// <summary>Routes from <c>ip -j route show</c> of one family.</summary>
    public static List<NetRoute> ParseRoutes(string json, string family)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        return [.. doc.RootElement.EnumerateArray().Select(r => new NetRoute(
            family,
            Str(r, "dst") ?? "",
            Str(r, "gateway"),
            Str(r, "dev"),
            Str(r, "protocol"),
            r.TryGetProperty("metric", out var metric) && metric.TryGetInt32(out int n) ? n : null))];
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The link speed in Mbit/s; null where the link has none (virtual links, a link that is down).</summary>
    private static long? SpeedOf(string name)
    {
        try
        {
            string text = File.ReadAllText(Path.Combine("/sys/class/net", name, "speed")).Trim();
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long speed) && speed > 0 ? speed : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }

    /// <summary>The nameserver lines of resolv.conf.</summary>
    public static List<string> DnsServers(string resolvConf)
    {
        try
        {
            return [.. File.ReadLines(resolvConf)
                .Select(l => l.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length >= 2 && p[0] == "nameserver")
                .Select(p => p[1])];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return []; }
    }
}
