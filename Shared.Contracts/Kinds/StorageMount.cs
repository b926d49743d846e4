using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>storage.mount {device, mountpoint, options?, persist?}</c>: mounts under the unit's mount root; fstab only with persist.</summary>
public sealed class StorageMount : KindContract<StorageMountParameters, StorageMountResult>
{
    public static readonly StorageMount Contract = new();

    public override string Kind => TaskKinds.StorageMount;
    public override string Title => "Mount a file system";
    public override string Group => KindGroups.Storage;
    public override string Action => "Mount";
    public override IReadOnlyList<string> Stages { get; } = ["checking the device", "mounting"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [new("mountpoint", false, UnderMountRoot: true)];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        StorageParameters.Device,
        StorageParameters.Mountpoint,
        new("options", ParameterType.String, false, "mount options", Example: "noatime"),
        new("persist", ParameterType.Boolean, false, "also write it to fstab, so it is mounted at boot"),
    ];

    protected override string? Subject(StorageMountParameters p, System.Text.Json.JsonElement json) => $"{p.Device} on {p.Mountpoint}";
}

[MessagePackObject(true)]
public sealed record StorageMountParameters(string Device, string Mountpoint, string? Options = null, bool? Persist = null);

/// <summary><see cref="Options"/>: the options the unit mounted with (hardened: nosuid, nodev unless allowed).</summary>
[MessagePackObject(true)]
public sealed record StorageMountResult(string Device, string? BackingNode, string Mountpoint, string Fstype, string Options, bool Persisted);
