using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>storage.unmount {mountpoint, persist?}</c>: unmounts under the unit's mount root; persist also drops the unit's fstab line.</summary>
public sealed class StorageUnmount : KindContract<StorageUnmountParameters, StorageUnmountResult>
{
    public static readonly StorageUnmount Contract = new();

    public override string Kind => TaskKinds.StorageUnmount;
    public override string Title => "Unmount a file system";
    public override string Group => KindGroups.Storage;
    public override string Action => "Unmount";
    public override IReadOnlyList<string> Stages { get; } = ["unmounting"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [new("mountpoint", false, UnderMountRoot: true)];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        StorageParameters.Mountpoint,
        new("persist", ParameterType.Boolean, false, "also remove the fstab line the unit wrote for it"),
    ];

    protected override string? Subject(StorageUnmountParameters p, System.Text.Json.JsonElement json) => p.Mountpoint;
}

[MessagePackObject(true)]
public sealed record StorageUnmountParameters(string Mountpoint, bool? Persist = null);

[MessagePackObject(true)]
public sealed record StorageUnmountResult(string Mountpoint, string Device, string Fstype, bool RemovedFromFstab);
