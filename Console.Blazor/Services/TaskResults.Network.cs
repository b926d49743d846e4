using System.Globalization;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>net.inventory said for people: how many interfaces are up, then one line per interface and the DNS servers.</summary>
public static partial class TaskResults
{
    private static ResultSummary? Network(NetInventoryResult? r)
    {
        if (r is null) return null;
        int up = r.Interfaces.Count(i => i.State is "up" or "unknown");
        var facts = new List<ResultFact>();
        foreach (var i in r.Interfaces)
        {
            var parts = new List<string> { i.State };
            if (i.Kind is { } kind) parts.Add(i.VlanId is { } vlan ? $"{kind} {vlan.ToString(CultureInfo.InvariantCulture)} on {i.Parent}" : kind);
            if (i.Master is { } master) parts.Add($"port of {master}");
            parts.AddRange(i.Addresses.Select(a => $"{a.Address}/{a.Prefix.ToString(CultureInfo.InvariantCulture)}"));
            parts.Add($"MTU {i.Mtu.ToString(CultureInfo.InvariantCulture)}");
            if (i.SpeedMbps is { } speed) parts.Add($"{speed.ToString(CultureInfo.InvariantCulture)} Mbit/s");
            facts.Add(new ResultFact(i.Name, string.Join(" · ", parts)));
        }
        if (r.Routes.FirstOrDefault(x => x.Destination == "default" && x.Gateway is not null) is { } route)
            facts.Add(new ResultFact("default route", $"via {route.Gateway} on {route.Device}"));
        facts.Add(new ResultFact("DNS servers", r.DnsServers.Count == 0 ? "none" : string.Join(", ", r.DnsServers)));
        facts.Add(new ResultFact("kept across reboots by", r.Backend == "runtime" ? "nothing (runtime only)" : r.Backend));
        return new ResultSummary($"{Count(r.Interfaces.Count, "interface")}, {up.ToString(CultureInfo.InvariantCulture)} up; {Count(r.Routes.Count, "route")}", facts);
    }

    /// <summary>net.configure that was kept: each change, how it was confirmed, and whether it outlives a reboot.</summary>
    private static ResultSummary? NetworkChange(NetConfigureResult? r)
    {
        if (r is null) return null;
        var facts = r.Diff.Select(d => new ResultFact("change", d)).ToList();
        facts.Add(new ResultFact("kept", r.Confirmation));
        facts.Add(new ResultFact("across reboots", r.Persistence));
        return new ResultSummary($"Network changed and kept: {Count(r.Diff.Count, "change")}", facts);
    }
}
