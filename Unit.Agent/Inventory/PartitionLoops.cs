using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>
/// Shows the loop devices the agent attached for partitions as what they stand for: partitions of their
/// disk (loop2p1 under loop2), with the loop device as the backing node, instead of as loose loop devices.
/// </summary>
public static class PartitionLoops
{
    public static IReadOnlyList<DiskInfo> Fold(IReadOnlyList<DiskInfo> disks, IReadOnlyList<LoopPartition> mapped)
    {
        if (mapped.Count == 0) return disks;
        var nodes = mapped.Select(m => m.Node).ToHashSet(StringComparer.Ordinal);
        var backing = disks.Where(d => nodes.Contains(d.Path)).GroupBy(d => d.Path).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return disks.Where(d => !nodes.Contains(d.Path)).Select(d => WithPartitions(d, mapped, backing)).ToList();
    }

    private static DiskInfo WithPartitions(DiskInfo disk, IReadOnlyList<LoopPartition> mapped, Dictionary<string, DiskInfo> backing)
    {
        var mine = mapped.Where(m => m.Parent == disk.Path).OrderBy(m => m.Number).ToList();
        if (mine.Count == 0) return disk;
        return disk with { Children = [.. disk.Children, .. mine.Select(m => AsPartition(m, backing.GetValueOrDefault(m.Node)))] };
    }

    private static DiskInfo AsPartition(LoopPartition m, DiskInfo? node) => new(
        BlockDevice.Name(m.PartitionPath),
        m.PartitionPath,
        "part",
        node?.SizeBytes ?? m.SizeBytes,
        node?.FsType,
        node?.MountPoints ?? [],
        null,
        null,
        node?.Children ?? [],
        m.Node);
}
