using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>storage.inventory {}</c> → block devices (lsblk: sizes, model, serial), loop devices with their backing
/// files and mapped partitions, partition tables (sfdisk), mounted file systems with free space (statvfs),
/// and RAID arrays (btrfs multi-device, md from /proc/mdstat) with members and health.
/// </summary>
public sealed class StorageInventoryExecutor(LoopMapper? mapper = null) : ITaskExecutor
{
    public string Kind => TaskKinds.StorageInventory;

    /// <summary>Waits on external processes.</summary>
    public bool NeedsDedicatedThread => true;

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        context.EnterStage(1, 1, "reading block devices (lsblk)");
        var output = await ProcessRunner.RunAsync("lsblk", LsblkParser.Arguments, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(output.StdErr)) context.Log("lsblk: " + output.StdErr.Trim());
        if (output.ExitCode != 0)
            throw new TaskFailure($"lsblk exited with {output.ExitCode}: {output.StdErr.Trim()}");
        context.Report(0.3, "loop devices");
        var mapped = mapper is null ? [] : await mapper.AllAsync(cancellationToken).ConfigureAwait(false);
        // Loop devices that stand for partitions are shown as partitions of their disk (loop2p1), the loop device as backing node.
        var disks = PartitionLoops.Fold(LsblkParser.Parse(output.StdOut), mapped);
        var loops = (await LoopDevices.ListAsync(cancellationToken).ConfigureAwait(false)).Select(l =>
        {
            var m = mapped.FirstOrDefault(p => p.Node == l.Name);
            return new { name = l.Name, backFile = l.BackFile, offset = l.Offset, sizeLimit = l.SizeLimit, partitionOf = m?.Parent, partitionNumber = m?.Number, partition = m?.PartitionPath };
        }).ToList();

        context.Report(0.5, "partition tables");
        var tables = new List<object>();
        foreach (var d in disks.Where(d => d.Type is "disk" or "loop" && d.SizeBytes > 0 && !mapped.Any(m => m.Node == d.Path)))
        {
            var layout = await PartitionTable.ReadAsync(d.Path, cancellationToken).ConfigureAwait(false);
            if (layout is null) continue;
            tables.Add(new
            {
                device = d.Path,
                table = layout.Label == "dos" ? "msdos" : layout.Label,
                partitions = layout.Partitions.Select(p => new
                {
                    number = p.Number,
                    node = mapped.FirstOrDefault(m => m.Parent == d.Path && m.Number == p.Number)?.PartitionPath,
                    backingNode = mapped.FirstOrDefault(m => m.Parent == d.Path && m.Number == p.Number)?.Node,
                    start = p.StartBytes,
                    size = p.SizeBytes,
                    type = p.Type,
                    name = p.Name,
                }).ToList(),
            });
        }

        context.Report(0.7, "file systems and arrays");
        var fileSystems = Mounts.Read().Where(m => m.Source.StartsWith("/dev/", StringComparison.Ordinal)).Select(m =>
        {
            var drive = new DriveInfo(m.MountPoint);
            var partition = mapped.FirstOrDefault(p => p.Node == m.Source);
            return new { device = partition?.PartitionPath ?? m.Source, backingNode = partition?.Node, mountpoint = m.MountPoint, fstype = m.FsType, sizeBytes = drive.TotalSize, freeBytes = drive.TotalFreeSpace, availableBytes = drive.AvailableFreeSpace };
        }).ToList();
        var arrays = await Arrays.ReadAsync(cancellationToken).ConfigureAwait(false);
        context.Report(1, $"{disks.Count} block devices, {arrays.Count} arrays");
        return new
        {
            disks,
            loops,
            partitionTables = tables,
            fileSystems,
            arrays = arrays.Select(a => new { engine = a.Engine, name = a.Name, uuid = a.Uuid, level = a.Level, members = a.Members, expectedDevices = a.ExpectedDevices, degraded = a.Degraded, mountpoint = a.MountPoint }).ToList(),
            mdAvailable = Arrays.MdAvailable,
        };
    }
}
