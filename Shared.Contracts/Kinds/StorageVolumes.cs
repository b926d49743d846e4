using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>storage.volume.create {sizeMiB, fstype, owner, name}</c> → <c>{owner, name, fstype, sizeMiB, image, device, mountpoint}</c>:
/// a user's volume, an image on a loop device mounted at MountRoot/volumes/{owner}/{name}.
/// </summary>
public sealed class StorageVolumeCreate : KindContract<StorageVolumeCreateParameters, StorageVolumeCreateResult>
{
    public static readonly StorageVolumeCreate Contract = new();

    public override string Kind => TaskKinds.StorageVolumeCreate;
    public override string Title => "Create a volume";
    public override string Group => KindGroups.Volumes;
    public override string Action => "New volume";
    public override IReadOnlyList<string> Stages { get; } = ["creating the image", "attaching a loop device", "making the file system", "mounting"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [StorageParameters.SizeMiB, StorageParameters.FsType, StorageParameters.Owner, StorageParameters.VolumeName];

    protected override string? Rules(StorageVolumeCreateParameters p)
    {
        if (StorageParameters.VolumeNameRules(p.Owner, p.Name) is { } problem) return problem;
        if (StorageParameters.WholeMiB(p.SizeMiB, "sizeMiB") is { } whole) return whole;
        long min = StorageParameters.MinimumVolumeMiB(p.Fstype);
        return p.SizeMiB < min ? $"parameter 'sizeMiB' must be at least {min} for {p.Fstype}" : null;
    }
}

[MessagePackObject(true)]
public sealed record StorageVolumeCreateParameters(double SizeMiB, string Fstype, string Owner, string Name);

/// <summary><see cref="Image"/>: the file that holds the volume on the unit; <see cref="Device"/>: its loop device.</summary>
[MessagePackObject(true)]
public sealed record StorageVolumeCreateResult(string Owner, string Name, string Fstype, long SizeMiB, string Image, string? Device, string Mountpoint);

/// <summary>
/// <c>storage.volume.resize {owner, name, sizeMiB}</c> → <c>{owner, name, sizeMiB, previousSizeMiB, fileSystemBytes, availableBytes}</c>:
/// grows a mounted volume online; it never shrinks one.
/// </summary>
public sealed class StorageVolumeResize : KindContract<StorageVolumeResizeParameters, StorageVolumeResizeResult>
{
    public static readonly StorageVolumeResize Contract = new();

    public override string Kind => TaskKinds.StorageVolumeResize;
    public override string Title => "Grow a volume";
    public override string Group => KindGroups.Volumes;
    public override string Action => "Grow a volume";
    public override IReadOnlyList<string> Stages { get; } = ["growing the image", "growing the file system"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [StorageParameters.Owner, StorageParameters.VolumeName, StorageParameters.SizeMiB with { Description = "new size in MiB (larger than now)" }];

    protected override string? Rules(StorageVolumeResizeParameters p) =>
        StorageParameters.VolumeNameRules(p.Owner, p.Name) ?? StorageParameters.WholeMiB(p.SizeMiB, "sizeMiB");
}

[MessagePackObject(true)]
public sealed record StorageVolumeResizeParameters(string Owner, string Name, double SizeMiB);

/// <summary><see cref="FileSystemBytes"/> and <see cref="AvailableBytes"/>: the grown file system as the unit sees it.</summary>
[MessagePackObject(true)]
public sealed record StorageVolumeResizeResult(string Owner, string Name, long SizeMiB, long PreviousSizeMiB, long FileSystemBytes, long AvailableBytes);

/// <summary><c>storage.volume.delete {owner, name}</c> → <c>{owner, name, detached, deleted}</c>: unmounts a volume and removes its image.</summary>
public sealed class StorageVolumeDelete : KindContract<StorageVolumeDeleteParameters, StorageVolumeDeleteResult>
{
    public static readonly StorageVolumeDelete Contract = new();

    public override string Kind => TaskKinds.StorageVolumeDelete;
    public override string Title => "Delete a volume";
    public override string Group => KindGroups.Volumes;
    public override string Action => "Delete a volume";
    public override IReadOnlyList<string> Stages { get; } = ["deleting the volume"];
    public override bool Destructive => true;
    public override string? DangerSubject => "name";
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [StorageParameters.Owner, StorageParameters.VolumeName];

    protected override string DangerText(string subject) => $"Delete volume {subject}: erases all data on it";

    protected override string? Rules(StorageVolumeDeleteParameters p) => StorageParameters.VolumeNameRules(p.Owner, p.Name);
}

[MessagePackObject(true)]
public sealed record StorageVolumeDeleteParameters(string Owner, string Name);

/// <summary><see cref="Detached"/>: the loop device that served the volume, null when none did.</summary>
[MessagePackObject(true)]
public sealed record StorageVolumeDeleteResult(string Owner, string Name, string? Detached, bool Deleted);

/// <summary><c>storage.volume.list {owner?}</c> → <c>{volumes: [...]}</c>: the unit's volumes with loop device, mount point and space.</summary>
public sealed class StorageVolumeList : KindContract<StorageVolumeListParameters, StorageVolumeListResult>
{
    public static readonly StorageVolumeList Contract = new();

    public override string Kind => TaskKinds.StorageVolumeList;
    public override string Title => "List volumes";
    public override string Group => KindGroups.Volumes;
    public override string Action => "List volumes";
    public override IReadOnlyList<string> Stages { get; } = ["listing"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [StorageParameters.Owner with { Required = false, Description = "only this user's volumes" }];

    protected override string? Rules(StorageVolumeListParameters p) => p.Owner is null ? null : NameRules.OwnerProblem(p.Owner, "owner");
}

[MessagePackObject(true)]
public sealed record StorageVolumeListParameters(string? Owner = null);

[MessagePackObject(true)]
public sealed record StorageVolumeListResult(IReadOnlyList<VolumeListing> Volumes);

/// <summary>
/// One volume: <see cref="Mountpoint"/>, <see cref="SizeBytes"/> and <see cref="AvailableBytes"/> are null while it
/// is not mounted, <see cref="Device"/> while no loop device serves it.
/// </summary>
[MessagePackObject(true)]
public sealed record VolumeListing(string Owner, string Name, string Fstype, long SizeMiB, DateTimeOffset Created, string? Device, string? Mountpoint, long? SizeBytes, long? AvailableBytes);
