using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Disk, file-system, RAID and volume kinds. Disk work holds the disk exclusively; volumes hold their volume.</summary>
public static class StorageKinds
{
    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return TaskKindDefinition.From(StoragePartition.Contract, (unit, p) => [new LockRequest(DiskLock(unit, p.Device), LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(StorageMkfs.Contract, (unit, p) => [new LockRequest(DiskLock(unit, p.Device), LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(StorageMount.Contract, (unit, p) =>
            [
                new LockRequest(DiskLock(unit, p.Device), LockMode.Exclusive),
                new LockRequest(ResourcePath.File(unit, p.Mountpoint), LockMode.Exclusive),
            ]);

        yield return TaskKindDefinition.From(StorageUnmount.Contract, (unit, p) => [new LockRequest(ResourcePath.File(unit, p.Mountpoint), LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(StorageRaid.Contract, (unit, p) =>
            p.Devices.Select(d => DiskLock(unit, d)).Distinct().Select(r => new LockRequest(r, LockMode.Exclusive)).ToList());

        yield return TaskKindDefinition.From(StorageVolumeCreate.Contract, (unit, p) => [VolumeLock(unit, p.Owner, p.Name)]);

        yield return TaskKindDefinition.From(StorageVolumeResize.Contract, (unit, p) => [VolumeLock(unit, p.Owner, p.Name)]);

        yield return TaskKindDefinition.From(StorageVolumeDelete.Contract, (unit, p) => [VolumeLock(unit, p.Owner, p.Name)]);

        yield return TaskKindDefinition.From(StorageVolumeList.Contract, (unit, _) => [new LockRequest($"{ResourcePath.Unit(unit)}/{ResourcePath.VolumesArea}", LockMode.Shared)]);
    }

    /// <summary>
    /// A disk's lock path, or for a partition (by its kernel name: sdb1, loop2p1) a path below its disk's
    /// (<c>/units/a/disks/loop2/loop2p1</c>), so that work on a partition and work on its whole disk exclude each other.
    /// </summary>
    public static string DiskLock(string unit, string device) => $"{ResourcePath.Unit(unit)}/disks/{DiskNames.LockSegments(device)}";

    /// <summary>A volume's lock: <c>/units/{unit}/volumes/{owner}/{name}</c> (<see cref="VolumeIds"/>).</summary>
    private static LockRequest VolumeLock(string unit, string owner, string name) => new(VolumeIds.Resource(unit, owner, name), LockMode.Exclusive);
}
