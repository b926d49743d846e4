using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>The shape of one <see cref="NetInterfaceChange"/> as forms and validation see it.</summary>
public static class NetChangeSpecs
{
    public const int MinMtu = 68;
    public const int MaxMtu = 65535;

    public static readonly IReadOnlyList<string> BondModes = ["balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"];

    public static readonly IReadOnlyList<ParameterSpec> Change =
    [
        new("name", ParameterType.String, true, "interface name, e.g. eth0 (at most 15 letters, digits, '.', '_' or '-')", Max: NetNames.MaxLength),
        new("addresses", ParameterType.StringArray, false, "addresses with prefix (CIDR), replacing the interface's global addresses", 0, 32, Example: "10.0.0.2/24"),
        new("gateway", ParameterType.String, false, "default gateway through this interface", Example: "10.0.0.1"),
        new("routes", ParameterType.ObjectArray, false, "routes through this interface", 0, 64, Items:
        [
            new("destination", ParameterType.String, true, "a prefix such as 10.1.0.0/16, or default"),
            new("gateway", ParameterType.String, false, "the next hop"),
        ]),
        new("mtu", ParameterType.Number, false, $"MTU in bytes ({MinMtu} to {MaxMtu})", MinMtu, MaxMtu, "1500", Whole: true),
        new("state", ParameterType.String, false, "up or down", Allowed: ["up", "down"]),
        new("vlan", ParameterType.Object, false, "create a VLAN {parent, id}", Items:
        [
            new("parent", ParameterType.String, true, "the link the VLAN sits on"),
            new("id", ParameterType.Number, true, "VLAN id (1 to 4094)", 1, 4094, Whole: true),
        ]),
        new("bond", ParameterType.Object, false, "create a bond {mode, links}", Items:
        [
            new("mode", ParameterType.String, true, "bonding mode", Allowed: BondModes),
            new("links", ParameterType.StringArray, true, "the links it bonds", 1, 16),
        ]),
        new("bridge", ParameterType.Object, false, "create a bridge {ports}", Items:
        [
            new("ports", ParameterType.StringArray, false, "the links it bridges", 0, 64),
        ]),
        new("delete", ParameterType.Boolean, false, "delete this VLAN, bond or bridge"),
    ];
}

/// <summary>Interface names as Linux takes them: 1 to 15 characters, letters, digits, '.', '_' and '-', not starting with '.' or '-'.</summary>
public static partial class NetNames
{
    public const int MaxLength = 15;

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    public static bool IsValid(string? name) => name is not null && NameRegex().IsMatch(name);

    public static string Problem(string at, string name) =>
        $"{at} '{name}' is not an interface name: 1 to {MaxLength} letters, digits, '.', '_' or '-', not starting with '.' or '-' (e.g. eth0, br0, eth0.42)";
}

/// <summary>Addresses written the strict way: dotted IPv4 with four parts, or IPv6; with a prefix as CIDR.</summary>
public static partial class NetAddresses
{
    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Dotted();

    /// <summary>The address, strictly parsed (no "10" for 0.0.0.10, no zone); null when it is none.</summary>
    public static IPAddress? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Contains('%', StringComparison.Ordinal)) return null;
        if (!text.Contains(':', StringComparison.Ordinal) && !Dotted().IsMatch(text)) return null;
        return IPAddress.TryParse(text, out var ip) && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 ? ip : null;
    }

    /// <summary>Why <paramref name="cidr"/> is not an address with a prefix, or null when it is one.</summary>
    public static string? CidrProblem(string cidr)
    {
        int slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return $"'{cidr}' has no prefix length: write it as address/prefix, e.g. 10.0.0.2/24";
        var ip = Parse(cidr[..slash]);
        if (ip is null) return $"'{cidr[..slash]}' in '{cidr}' is not an IPv4 or IPv6 address";
        int max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        string family = max == 32 ? "IPv4" : "IPv6";
        return int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix) && prefix <= max
            ? null
            : $"'{cidr}' has prefix '{cidr[(slash + 1)..]}': an {family} prefix is 0 to {max} (e.g. {(max == 32 ? "10.0.0.2/24" : "2001:db8::2/64")})";
    }

    /// <summary>The address part of a CIDR that passed <see cref="CidrProblem"/>.</summary>
    public static string AddressOf(string cidr) => cidr[..cidr.IndexOf('/', StringComparison.Ordinal)];
}

/// <summary>The rules of net.configure that span fields: checked by the station at admission and by the agent again.</summary>
public static class NetChangeRules
{
    public static string? Check(NetConfigureParameters p)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < p.Interfaces.Count; i++)
        {
            var c = p.Interfaces[i];
            string at = $"interfaces[{i}]";
            if (!NetNames.IsValid(c.Name)) { problems.Add(NetNames.Problem($"{at}.name", c.Name)); continue; }
            if (!seen.Add(c.Name)) problems.Add($"interface '{c.Name}' is named twice; put all its changes in one entry");
            CheckOne(c, at, problems);
        }
        foreach (var dns in p.Dns ?? [])
            if (NetAddresses.Parse(dns) is null) problems.Add($"DNS server '{dns}' is not an IP address (e.g. 192.0.2.53)");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static void CheckOne(NetInterfaceChange c, string at, List<string> problems)
    {
        int creates = (c.Vlan is null ? 0 : 1) + (c.Bond is null ? 0 : 1) + (c.Bridge is null ? 0 : 1);
        if (creates > 1) problems.Add($"{c.Name}: create one kind of interface at a time (vlan, bond or bridge)");
        if (c.Delete == true && (creates > 0 || c.Addresses is not null || c.Gateway is not null || c.Routes is not null || c.Mtu is not null || c.State is not null))
            problems.Add($"{c.Name}: delete takes nothing else; remove the other fields or the delete");
        foreach (var a in c.Addresses ?? [])
            if (NetAddresses.CidrProblem(a) is { } problem) problems.Add($"{c.Name}: address {problem}");
        if (c.Gateway is { } gw && NetAddresses.Parse(gw) is null) problems.Add($"{c.Name}: gateway '{gw}' is not an IP address (e.g. 10.0.0.1)");
        foreach (var r in c.Routes ?? [])
        {
            if (r.Destination != "default" && NetAddresses.CidrProblem(r.Destination) is { } problem) problems.Add($"{c.Name}: route destination {problem}");
            if (r.Gateway is { } rg && NetAddresses.Parse(rg) is null) problems.Add($"{c.Name}: route gateway '{rg}' is not an IP address");
        }
        if (c.Vlan is { } vlan)
        {
            if (!NetNames.IsValid(vlan.Parent)) problems.Add(NetNames.Problem($"{at}.vlan.parent", vlan.Parent));
            else if (vlan.Parent == c.Name) problems.Add($"{c.Name}: a VLAN cannot sit on itself; name its parent link");
        }
        foreach (var (list, what) in new[] { (c.Bond?.Links, "bond link"), (c.Bridge?.Ports, "bridge port") })
            foreach (var member in list ?? [])
            {
                if (!NetNames.IsValid(member)) problems.Add(NetNames.Problem($"{c.Name}: {what}", member));
                else if (member == c.Name) problems.Add($"{c.Name}: cannot be a {what} of itself");
            }
    }
}
