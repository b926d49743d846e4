using Ccdsvm.Shared.Contracts;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Storage;

[Flags]
public enum DeviceChecks
{
    /// <summary>Allowed by Agent:Devices (itself or the disk it is a partition of, <see cref="DevicePolicy"/>) and not holding the root file system: always checked.</summary>
    Basic = 0,
    NotMounted = 1,
    NotArrayMember = 2,
    /// <summary>No file-system signature or partition table unless the task says force.</summary>
    NoData = 4,
    Destructive = NotMounted | NotArrayMember | NoData,
}

/// <summary>
/// The agent's own checks before storage work touches a device. The station validated the request too,
/// but the agent is the last line: it refuses with a message saying why, and changes nothing.
/// </summary>
public sealed class DeviceGuard(DevicePolicy policy, LoopMapper mapper)
{
    public async Task<string> CheckAsync(string device, DeviceChecks checks, bool force, CancellationToken ct)
    {
        string real = await policy.RequireAllowedAsync(device, ct).ConfigureAwait(false);
        var family = await FamilyAsync(real, ct).ConfigureAwait(false);
        var mounts = Mounts.Read();

        var root = mounts.LastOrDefault(m => m.MountPoint == "/");
        if (root is not null && family.Any(f => Same(f, root)))
            throw TaskFailureException.Refused($"'{device}' holds this unit's root file system; storage work will not touch it");

        if (checks.HasFlag(DeviceChecks.NotMounted))
        {
            foreach (var m in mounts)
            {
                var hit = family.FirstOrDefault(f => Same(f, m));
                if (hit is not null)
                    throw TaskFailureException.Conflict($"'{device}' is mounted{(hit.Node == real ? "" : $" (through {hit.Shown})")} at {m.MountPoint}; unmount it first (storage.unmount)");
            }
            var swap = Mounts.Swaps().FirstOrDefault(s => family.Any(f => f.Node == s));
            if (swap is not null)
                throw TaskFailureException.Conflict($"'{device}' is in use as swap ({swap}); swapoff it first");
        }

        if (checks.HasFlag(DeviceChecks.NotArrayMember))
            await RequireNotArrayMemberAsync(device, real, ct).ConfigureAwait(false);

        if (checks.HasFlag(DeviceChecks.NoData) && !force)
        {
            var signatures = await SignaturesAsync(real, ct).ConfigureAwait(false);
            var mapped = family.Where(f => f.Node != real).Select(f => f.Shown).ToList();
            if (signatures.Count > 0 || mapped.Count > 0)
            {
                string what = signatures.Count > 0 ? string.Join(", ", signatures.Distinct()) : "partitions " + string.Join(", ", mapped);
                throw TaskFailureException.Conflict($"'{device}' holds data ({what}): a file system or partition table is on it; pass force: true to overwrite it");
            }
        }
        return real;
    }

    /// <summary>The name results report for a checked device: its partition name when a loop device of this agent stands for it.</summary>
    public Task<string> NameAsync(string real, CancellationToken ct) => policy.NameAsync(real, ct);

    /// <summary>File-system, RAID and partition-table signatures, as wipefs finds them.</summary>
    public static async Task<IReadOnlyList<string>> SignaturesAsync(string device, CancellationToken ct)
    {
        var output = await Tool.ProbeAsync("wipefs", ["--json", device], ct).ConfigureAwait(false);
        if (output.ExitCode != 0)
            throw new TaskFailureException($"wipefs could not read '{device}': {output.StdErr.Trim()}");
        if (string.IsNullOrWhiteSpace(output.StdOut)) return [];
        using var doc = JsonDocument.Parse(output.StdOut);
        return doc.RootElement.TryGetProperty("signatures", out var s)
            ? s.EnumerateArray().Select(e => e.GetProperty("type").GetString() ?? "unknown").ToList()
            : [];
    }

    private static async Task RequireNotArrayMemberAsync(string device, string real, CancellationToken ct)
    {
        var holders = BlockDevice.Holders(real);
        if (holders.Count > 0)
            throw TaskFailureException.Conflict($"'{device}' is part of {string.Join(", ", holders)} (an md array or device-mapper target); take it out of the array first");
        var probe = await Tool.ProbeAsync("blkid", ["-p", "-o", "export", real], ct).ConfigureAwait(false);
        var type = probe.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("TYPE=", StringComparison.Ordinal))?[5..].Trim();
        if (type == "linux_raid_member")
            throw TaskFailureException.Conflict($"'{device}' is a member of an md array (linux_raid_member signature); remove it with mdadm or wipe its signature first");
        if (type == "btrfs")
        {
            var show = await Tool.ProbeAsync("btrfs", ["filesystem", "show", real], ct).ConfigureAwait(false);
            var total = Regex.Match(show.StdOut, @"Total devices (\d+)");
            if (total.Success && int.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 1)
                throw TaskFailureException.Conflict($"'{device}' is a member of a btrfs array of {total.Groups[1].Value} devices; remove it with 'btrfs device remove' or wipe the array first");
        }
    }

    /// <summary>A node of the device's family; <paramref name="Shown"/> is how messages name it (loop2p1 (loop5) for a mapped partition).</summary>
    private sealed record Member(string Node, string? MajorMinor, string Shown);

    /// <summary>The device plus every partition of it: kernel nodes and mapped partition loops.</summary>
    private async Task<IReadOnlyList<Member>> FamilyAsync(string real, CancellationToken ct)
    {
        var nodes = new List<(string Node, string Shown)> { (real, real) };
        nodes.AddRange(BlockDevice.KernelPartitions(real).Select(p => (p.Node, p.Node)));
        nodes.AddRange((await mapper.PartitionsOfAsync(real, ct).ConfigureAwait(false)).Select(p => (p.Node, $"{p.PartitionPath} ({p.Node})")));
        return nodes.DistinctBy(n => n.Node).Select(n => new Member(n.Node, BlockDevice.MajorMinor(n.Node), n.Shown)).ToList();
    }

    private static bool Same(Member node, MountEntry m) =>
        (node.MajorMinor is not null && node.MajorMinor == m.MajorMinor) ||
        (m.Source.StartsWith("/dev/", StringComparison.Ordinal) && BlockDevice.Canonical(m.Source) == node.Node);

    /// <summary>Shell-style glob: '*' and '?' stay within one path component (the rule units announce in <see cref="UnitPolicy"/>).</summary>
    public static bool Matches(string glob, string path) => UnitPolicy.GlobMatches(glob, path);
}
