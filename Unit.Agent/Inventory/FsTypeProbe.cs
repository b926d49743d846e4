using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>
/// Fills in the file system lsblk left out. lsblk reads FSTYPE from udev's database, which is empty where udev does not
/// run (containers, minimal hosts) or has not caught up right after mkfs; <c>blkid -p</c> reads the device itself, so
/// a disk formatted a moment ago is not shown as empty.
/// </summary>
public static class FsTypeProbe
{
    public static async Task<IReadOnlyList<DiskInfo>> FillAsync(IReadOnlyList<DiskInfo> disks, CancellationToken ct)
    {
        var filled = new List<DiskInfo>(disks.Count);
        foreach (var disk in disks) filled.Add(await FillOneAsync(disk, ct).ConfigureAwait(false));
        return filled;
    }

    private static async Task<DiskInfo> FillOneAsync(DiskInfo disk, CancellationToken ct)
    {
        var children = disk.Children.Count == 0 ? disk.Children : await FillAsync(disk.Children, ct).ConfigureAwait(false);
        string? fsType = disk.FsType;
        if (fsType is null && disk.SizeBytes > 0 && disk.Type != "rom")
        {
            try { fsType = (await Blkid.ProbeAsync(disk.BackingNode ?? disk.Path, ct).ConfigureAwait(false)).GetValueOrDefault("TYPE"); }
            catch (Exception ex) when (ex is TaskFailureException or IOException or InvalidOperationException) { }
        }
        return disk with { FsType = fsType, Children = children };
    }
}
