using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>storage.inventory {}</c> → block devices (lsblk), loop devices, partition tables, mounted file systems with
/// free space and RAID arrays of a unit.
/// </summary>
public sealed class StorageInventory : KindContract<StorageInventoryParameters, StorageInventoryResult>
{
    public static readonly StorageInventory Contract = new();

    public override string Kind => TaskKinds.StorageInventory;
    public override string Title => "Block devices of the unit";
    public override string Group => KindGroups.Storage;
    public override string Action => "Read disks";
    public override IReadOnlyList<string> Stages { get; } = ["reading block devices (lsblk)"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [];
}

/// <summary>storage.inventory takes no parameters: <c>{}</c>.</summary>
[MessagePackObject(true)]
public sealed record StorageInventoryParameters;

[MessagePackObject(true)]
public sealed record StorageInventoryResult(
    IReadOnlyList<DiskInfo> Disks,
    IReadOnlyList<InventoryLoop> Loops,
    IReadOnlyList<InventoryPartitionTable> PartitionTables,
    IReadOnlyList<InventoryFileSystem> FileSystems,
    IReadOnlyList<InventoryArray> Arrays,
    bool MdAvailable);

/// <summary>A loop device and its backing file; one that stands for a partition names its disk, number and partition node.</summary>
[MessagePackObject(true)]
public sealed record InventoryLoop(string Name, string? BackFile, long Offset, long SizeLimit, string? PartitionOf, int? PartitionNumber, string? Partition);

/// <summary>A device's partition table as sfdisk reads it; <see cref="Table"/> is "gpt" or "msdos".</summary>
[MessagePackObject(true)]
public sealed record InventoryPartitionTable(string Device, string Table, IReadOnlyList<InventoryPartition> Partitions);

/// <summary>One partition: start and size in bytes; <see cref="Node"/> only when the unit maps it through a loop device.</summary>
[MessagePackObject(true)]
public sealed record InventoryPartition(int Number, string? Node, string? BackingNode, long Start, long Size, string Type, string? Name);

/// <summary>A mounted file system on a block device with its space in bytes.</summary>
[MessagePackObject(true)]
public sealed record InventoryFileSystem(string Device, string? BackingNode, string Mountpoint, string Fstype, long SizeBytes, long FreeBytes, long AvailableBytes);

/// <summary>A RAID array (btrfs multi-device or md) with its members and health.</summary>
[MessagePackObject(true)]
public sealed record InventoryArray(string Engine, string Name, string? Uuid, string Level, IReadOnlyList<string> Members, int ExpectedDevices, bool Degraded, string? Mountpoint);
