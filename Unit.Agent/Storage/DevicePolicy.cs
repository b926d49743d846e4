using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>
/// Which devices Agent:Devices lets storage work touch: a device the globs name, and every partition of a
/// device they name, whatever the partition's node is called: a kernel partition node (sdb1) or a loop
/// device this agent attached for the partition (<see cref="LoopMapper"/>), asked for by its partition
/// name (/dev/loop2p1) or by its node (/dev/loop5).
/// </summary>
public sealed class DevicePolicy(IOptions<AgentOptions> options, LoopMapper mapper)
{
    private List<string> Globs => options.Value.Devices;

    private string GlobList => Globs.Count == 0 ? "none" : string.Join(", ", Globs);

    /// <summary>
    /// The check on a ticket's resource below <c>disks/</c> ("sdb", "sdb/sdb1" or "loop5") before the order
    /// runs; null when allowed, else why not. The executor checks the real device again (<see cref="RequireAllowedAsync"/>).
    /// </summary>
    public string? ResourceRefusal(string segments)
    {
        var parts = segments.Split('/');
        string name = parts[^1];
        if (parts.Length > 2 || (parts.Length == 2 && DiskNames.Split(name)?.Disk != parts[0]))
            return $"the resource 'disks/{segments}' names no disk and no partition of a disk ('disks/sdb' or 'disks/sdb/sdb1')";
        // The loop device standing for a partition is locked at the station under its own name only, beside the
        // disk: asked for by that name, two tasks could work on one disk without meeting. Its partition name locks with the disk.
        if (parts.Length == 1 && mapper.Saved().FirstOrDefault(m => m.Node == "/dev/" + name) is { } backing)
            return $"'/dev/{name}' is the loop device this unit attached for partition {backing.PartitionPath}; name the partition as {backing.PartitionPath}, so the station locks it together with its disk";
        if (NameListed(name)) return null;
        string? disk = DiskOfName(name);
        if (disk is not null && NameListed(disk)) return null;
        return $"its local policy does not allow the device '/dev/{name}'{(disk is null ? "" : $" nor its disk '/dev/{disk}'")} (Agent:Devices: {GlobList})";
    }

    /// <summary>Returns the device's real node if it, or the disk it is a partition of, is allowed and it is a block device here.</summary>
    public async Task<string> RequireAllowedAsync(string device, CancellationToken ct)
    {
        if (Globs.Count == 0)
            throw TaskFailureException.Refused($"no devices are allowed on this unit: set Agent:Devices (globs such as /dev/sdb* or /dev/loop*) to let storage work use '{device}'");
        if (!device.StartsWith("/dev/", StringComparison.Ordinal) || device.Contains('\0'))
            throw TaskFailureException.Invalid($"'{device}' is not a device path: give one under /dev, e.g. /dev/sdb");
        string full = Path.GetFullPath(device);
        string? real = BlockDevice.Canonical(full);
        LoopPartition? mapped;
        if (real is null && DiskNames.Split(BlockDevice.Name(full)) is { } p)
        {
            // No node by that name: a partition this agent reaches through a loop device of its own.
            mapped = (await mapper.PartitionsOfAsync("/dev/" + p.Disk, ct).ConfigureAwait(false)).FirstOrDefault(m => m.Number == p.Number);
            real = mapped?.Node;
        }
        else
        {
            mapped = real is null ? null : await mapper.FindNodeAsync(real, ct).ConfigureAwait(false);
        }
        string? disk = mapped?.Parent ?? (real is null ? null : KernelDiskPath(real));
        if (!Listed(full) && !(real is not null && Listed(real)) && !(disk is not null && Listed(disk)))
            throw TaskFailureException.Refused($"device '{device}' is not in this unit's allow-list{(disk is null ? "" : $", nor is {disk}, the disk it is a partition of")} (Agent:Devices: {GlobList})");
        return real ?? throw TaskFailureException.NotFound($"'{device}' is not a block device on this unit{(mapped is null && DiskNames.Split(BlockDevice.Name(full)) is not null ? " (and no loop device of this agent stands for that partition: write the table with storage.partition)" : "")}");
    }

    /// <summary>The name results report for a real node: /dev/loop2p1 for a loop device that stands for a partition, else the node.</summary>
    public async Task<string> NameAsync(string real, CancellationToken ct) =>
        (await mapper.FindNodeAsync(real, ct).ConfigureAwait(false))?.PartitionPath ?? real;

    private bool Listed(string path) => Globs.Any(g => DeviceGuard.Matches(g, path));

    /// <summary>Resource paths carry only the name, so a glob's last component is matched against it too.</summary>
    private bool NameListed(string name) =>
        Globs.Any(g => DeviceGuard.Matches(g, "/dev/" + name) || DeviceGuard.Matches(Path.GetFileName(g), name));

    /// <summary>The disk a partition name, a node this agent mapped a partition to, or a kernel partition node belongs to.</summary>
    private string? DiskOfName(string name)
    {
        if (DiskNames.Split(name) is { } p) return p.Disk;
        var mapped = mapper.Saved().FirstOrDefault(m => m.Node == "/dev/" + name);
        return mapped is not null ? BlockDevice.Name(mapped.Parent) : KernelDisk(name);
    }

    /// <summary>The disk of a kernel partition node, from sysfs (/sys/class/block/sdb1 lives under …/sdb/), or null.</summary>
    private static string? KernelDisk(string name)
    {
        string sys = Path.Combine("/sys/class/block", name);
        if (name.Length == 0 || name.Contains('/') || !File.Exists(Path.Combine(sys, "partition"))) return null;
        var target = new DirectoryInfo(sys).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? null : Path.GetFileName(Path.GetDirectoryName(target.FullName));
    }

    private static string? KernelDiskPath(string real) => KernelDisk(BlockDevice.Name(real)) is { } d ? "/dev/" + d : null;
}
