using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>What an agent announces about its host on every (re)connect.</summary>
[MessagePackObject]
public sealed record UnitInventory(
    [property: Key(0)] string Id,
    [property: Key(1)] string Name,
    [property: Key(2)] string Hostname,
    [property: Key(3)] string Os,
    [property: Key(4)] string Kernel,
    [property: Key(5)] int CpuCount,
    [property: Key(6)] long MemoryBytes,
    [property: Key(7)] IReadOnlyList<DiskInfo> Disks,
    [property: Key(8)] IReadOnlyList<NetworkInterfaceInfo> Interfaces,
    [property: Key(9)] IReadOnlyList<string> Roots,
    [property: Key(10)] string AgentVersion,
    [property: Key(11)] string? Parent,
    [property: Key(12)] string? DataUrl = null,
    [property: Key(13)] IReadOnlyList<string>? Services = null,
    [property: Key(14)] UnitPolicy? Policy = null,
    [property: Key(15)] UnitCapabilities? Capabilities = null,
    [property: Key(16)] UnitKind Kind = UnitKind.Unit);

/// <summary>
/// A block device as lsblk reports it; children are partitions or holders. A partition the unit reaches
/// through a loop device of its own (the kernel made no partition node) is a child of its disk named as a
/// partition (loop2p1, path /dev/loop2p1), with that loop device as <see cref="BackingNode"/>.
/// </summary>
[MessagePackObject]
public sealed record DiskInfo(
    [property: Key(0)] string Name,
    [property: Key(1)] string Path,
    [property: Key(2)] string Type,
    [property: Key(3)] long SizeBytes,
    [property: Key(4)] string? FsType,
    [property: Key(5)] IReadOnlyList<string> MountPoints,
    [property: Key(6)] string? Model,
    [property: Key(7)] string? Serial,
    [property: Key(8)] IReadOnlyList<DiskInfo> Children,
    [property: Key(9)] string? BackingNode = null);

[MessagePackObject]
public sealed record NetworkInterfaceInfo(
    [property: Key(0)] string Name,
    [property: Key(1)] string? Mac,
    [property: Key(2)] IReadOnlyList<string> Addresses,
    [property: Key(3)] bool Up);
