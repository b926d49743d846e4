using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Disk, file-system, RAID and volume kinds. Disk work holds the disk exclusively; volumes hold their volume.</summary>
public static class StorageKinds
{
    private static readonly string[] FsTypes = ["ext4", "xfs", "btrfs"];

    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        var device = new ParameterSpec("device", ParameterType.String, true, "block device under /dev allowed by the unit's Agent:Devices", Example: "/dev/sdb", IsPath: true, Under: "/dev");
        var force = new ParameterSpec("force", ParameterType.Boolean, false, "overwrite a device that already holds a file system or partition table");
        var mountpoint = new ParameterSpec("mountpoint", ParameterType.String, true, "absolute path under the unit's mount root (Agent:MountRoot)", Example: "/mnt/ccdsvm/data", IsPath: true);
        var owner = new ParameterSpec("owner", ParameterType.String, true, "user who owns the volume", Example: "alice");
        var name = new ParameterSpec("name", ParameterType.String, true, "volume name: letters, digits, '-' and '_'", Example: "scratch");
        var sizeMiB = new ParameterSpec("sizeMiB", ParameterType.Number, true, "size in MiB", 16, 16 * 1024 * 1024, "1024");

        yield return new TaskKindDefinition(TaskKinds.StoragePartition, "Write a partition table", "Task.storage.partition", 3, true,
            [
                device,
                new ParameterSpec("table", ParameterType.String, true, "partition table type", Example: "gpt", Allowed: ["gpt", "msdos"]),
                new ParameterSpec("partitions", ParameterType.ObjectArray, true, "partitions in order: {sizeMiB: number or \"rest\", type, name?}", 1, 128,
                    Items:
                    [
                        new ParameterSpec("sizeMiB", ParameterType.NumberOrWord, true, "size in MiB, or \"rest\" for the remaining space (last partition only)", 1, Allowed: ["rest"]),
                        new ParameterSpec("type", ParameterType.String, false, "partition type", Allowed: ["linux", "swap", "raid", "efi"]),
                        new ParameterSpec("name", ParameterType.String, false, "partition name (gpt only)"),
                    ]),
                force,
            ],
            (unit, p) => [new LockRequest(DiskLock(unit, Str(p, "device")), LockMode.Exclusive)])
        { Rules = PartitionRules };

        yield return new TaskKindDefinition(TaskKinds.StorageMkfs, "Make a file system", "Task.storage.mkfs", 2, true,
            [
                device,
                new ParameterSpec("fstype", ParameterType.String, true, "file system type", Example: "ext4", Allowed: FsTypes),
                new ParameterSpec("label", ParameterType.String, false, "file-system label (xfs: at most 12 characters)"),
                force,
            ],
            (unit, p) => [new LockRequest(DiskLock(unit, Str(p, "device")), LockMode.Exclusive)]);

        yield return new TaskKindDefinition(TaskKinds.StorageMount, "Mount a file system", "Task.storage.mount", 2, false,
            [
                device,
                mountpoint,
                new ParameterSpec("options", ParameterType.String, false, "mount options", Example: "noatime"),
                new ParameterSpec("persist", ParameterType.Boolean, false, "also write it to fstab, so it is mounted at boot"),
            ],
            (unit, p) =>
            [
                new LockRequest(DiskLock(unit, Str(p, "device")), LockMode.Exclusive),
                new LockRequest(ResourcePath.File(unit, Str(p, "mountpoint")), LockMode.Exclusive),
            ]);

        yield return new TaskKindDefinition(TaskKinds.StorageUnmount, "Unmount a file system", "Task.storage.unmount", 1, false,
            [mountpoint, new ParameterSpec("persist", ParameterType.Boolean, false, "also remove the fstab line the unit wrote for it")],
            (unit, p) => [new LockRequest(ResourcePath.File(unit, Str(p, "mountpoint")), LockMode.Exclusive)]);

        yield return new TaskKindDefinition(TaskKinds.StorageRaid, "Build a RAID array", "Task.storage.raid", 2, true,
            [
                new ParameterSpec("engine", ParameterType.String, false, "md (mdadm) or btrfs multi-device; default md where the kernel has it, else btrfs", Allowed: ["md", "btrfs"]),
                new ParameterSpec("level", ParameterType.String, true, "RAID level", Example: "raid1", Allowed: ["raid0", "raid1", "raid5", "raid10"]),
                new ParameterSpec("devices", ParameterType.StringArray, true, "member devices under /dev", 2, 64, "[\"/dev/sdb\", \"/dev/sdc\"]", IsPath: true, Under: "/dev"),
                new ParameterSpec("name", ParameterType.String, true, "array name (md name or btrfs label)", Example: "data"),
                force,
            ],
            (unit, p) => p.GetProperty("devices").EnumerateArray()
                .Select(d => DiskLock(unit, d.GetString()!)).Distinct()
                .Select(r => new LockRequest(r, LockMode.Exclusive)).ToList())
        { Rules = RaidRules };

        yield return new TaskKindDefinition(TaskKinds.StorageVolumeCreate, "Create a volume", "Task.storage.volume.create", 4, false,
            [sizeMiB, new ParameterSpec("fstype", ParameterType.String, true, "file system type", Example: "ext4", Allowed: FsTypes), owner, name],
            VolumePlan);

        yield return new TaskKindDefinition(TaskKinds.StorageVolumeResize, "Grow a volume", "Task.storage.volume.resize", 2, false,
            [owner, name, sizeMiB with { Description = "new size in MiB (larger than now)" }],
            VolumePlan);

        yield return new TaskKindDefinition(TaskKinds.StorageVolumeDelete, "Delete a volume", "Task.storage.volume.delete", 1, true,
            [owner, name],
            VolumePlan);

        yield return new TaskKindDefinition(TaskKinds.StorageVolumeList, "List volumes", "Task.storage.volume.list", 1, false,
            [owner with { Required = false, Description = "only this user's volumes" }],
            (unit, _) => [new LockRequest($"{ResourcePath.Unit(unit)}/volumes", LockMode.Shared)]);
    }

    public static string VolumeId(string owner, string name) => $"{owner}-{name}";

    /// <summary>
    /// A disk's lock path, or for a partition (by its kernel name: sdb1, loop2p1) a path below its disk's
    /// (<c>/units/a/disks/loop2/loop2p1</c>), so that work on a partition and work on its whole disk exclude each other.
    /// </summary>
    public static string DiskLock(string unit, string device) => $"{ResourcePath.Unit(unit)}/disks/{DiskNames.LockSegments(device)}";

    private static IReadOnlyList<LockRequest> VolumePlan(string unit, JsonElement p) =>
        [new LockRequest(ResourcePath.Volume(unit, VolumeId(Str(p, "owner"), Str(p, "name"))), LockMode.Exclusive)];

    private static string Str(JsonElement p, string name) => p.GetProperty(name).GetString()!;

    private static string? PartitionRules(JsonElement p)
    {
        var parts = p.GetProperty("partitions").EnumerateArray().ToList();
        for (int i = 0; i < parts.Count - 1; i++)
            if (parts[i].GetProperty("sizeMiB").ValueKind == JsonValueKind.String)
                return $"only the last partition may take the \"rest\" (partitions[{i}] does)";
        if (Str(p, "table") == "msdos" && parts.Count > 4)
            return "an msdos table holds at most 4 primary partitions; use table \"gpt\" for more";
        return null;
    }

    private static string? RaidRules(JsonElement p)
    {
        var devices = p.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).ToList();
        if (devices.Distinct(StringComparer.Ordinal).Count() != devices.Count) return "a device is listed twice in 'devices'";
        int need = Str(p, "level") switch { "raid5" => 3, "raid10" => 4, _ => 2 };
        return devices.Count < need ? $"{Str(p, "level")} needs at least {need} devices, got {devices.Count}" : null;
    }
}
