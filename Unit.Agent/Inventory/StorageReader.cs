using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>
/// What storage the unit has: block devices (lsblk: sizes, model, serial), loop devices with their backing files
/// and mapped partitions, partition tables (sfdisk), mounted file systems with free space (statvfs), and RAID
/// arrays (btrfs multi-device, md from /proc/mdstat) with members and health. Read-only and lock-free: the
/// storage.inventory task and the station's storage view (<see cref="StorageReporter"/>) both read through it.
/// </summary>
public sealed class StorageReader(LoopMapper? mapper = null)
{
    /// <summary>Reads the unit's storage now; <paramref name="progress"/> hears each step, <paramref name="log"/> what the tools said.</summary>
    public async Task<StorageInventoryResult> ReadAsync(Action<double, string>? progress, Action<string>? log, CancellationToken cancellationToken)
    {
        var output = await ProcessRunner.RunAsync("lsblk", LsblkParser.Arguments, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(output.StdErr)) log?.Invoke("lsblk: " + output.StdErr.Trim());
        if (output.ExitCode != 0)
            throw new TaskFailureException($"lsblk exited with {output.ExitCode}: {output.StdErr.Trim()}");
        progress?.Invoke(0.3, "loop devices");
        var mapped = mapper is null ? [] : await mapper.AllAsync(cancellationToken).ConfigureAwait(false);
        // Loop devices that stand for partitions are shown as partitions of their disk (loop2p1), the loop device as backing node.
        var disks = await FsTypeProbe.FillAsync(PartitionLoops.Fold(LsblkParser.Parse(output.StdOut), mapped), cancellationToken).ConfigureAwait(false);
        var loops = (await LoopDevices.ListAsync(cancellationToken).ConfigureAwait(false)).Select(l =>
        {
            var m = mapped.FirstOrDefault(p => p.Node == l.Name);
            return new InventoryLoop(l.Name, l.BackFile, l.Offset, l.SizeLimit, m?.Parent, m?.Number, m?.PartitionPath);
        }).ToList();

        progress?.Invoke(0.5, "partition tables");
        var tables = new List<InventoryPartitionTable>();
        foreach (var d in disks.Where(d => d.Type is "disk" or "loop" && d.SizeBytes > 0 && !mapped.Any(m => m.Node == d.Path)))
        {
            var layout = await PartitionTable.ReadAsync(d.Path, cancellationToken).ConfigureAwait(false);
            if (layout is null) continue;
            tables.Add(new InventoryPartitionTable(d.Path, layout.Label == "dos" ? "msdos" : layout.Label, layout.Partitions.Select(p =>
            {
                var loop = mapped.FirstOrDefault(m => m.Parent == d.Path && m.Number == p.Number);
                return new InventoryPartition(p.Number, loop?.PartitionPath, loop?.Node, p.StartBytes, p.SizeBytes, p.Type, p.Name);
            }).ToList()));
        }

        progress?.Invoke(0.7, "file systems and arrays");
        var fileSystems = Mounts.Read().Where(m => m.Source.StartsWith("/dev/", StringComparison.Ordinal)).Select(m =>
        {
            var drive = new DriveInfo(m.MountPoint);
            var partition = mapped.FirstOrDefault(p => p.Node == m.Source);
            return new InventoryFileSystem(partition?.PartitionPath ?? m.Source, partition?.Node, m.MountPoint, m.FsType, drive.TotalSize, drive.TotalFreeSpace, drive.AvailableFreeSpace);
        }).ToList();
        var arrays = await Arrays.ReadAsync(cancellationToken).ConfigureAwait(false);
        progress?.Invoke(1, $"{disks.Count} block devices, {arrays.Count} arrays");
        return new StorageInventoryResult(disks, loops, tables, fileSystems,
            arrays.Select(a => new InventoryArray(a.Engine, a.Name, a.Uuid, a.Level, a.Members, a.ExpectedDevices, a.Degraded, a.MountPoint)).ToList(),
            Arrays.MdAvailable);
    }
}
