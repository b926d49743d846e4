namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>Parameter specs and rules the storage kinds share, so their wording and limits are written once.</summary>
public static class StorageParameters
{
    public static readonly IReadOnlyList<string> FsTypes = ["ext4", "xfs", "btrfs"];

    public const long MaxMiB = 16L * 1024 * 1024;

    public static readonly ParameterSpec Device = new("device", ParameterType.String, true, "block device under /dev allowed by the unit's Agent:Devices", Example: "/dev/sdb", IsPath: true, Under: "/dev");
    public static readonly ParameterSpec Force = new("force", ParameterType.Boolean, false, "overwrite a device that already holds a file system or partition table");
    public static readonly ParameterSpec Mountpoint = new("mountpoint", ParameterType.String, true, "absolute path under the unit's mount root (Agent:MountRoot)", Example: "/mnt/ccdsvm/data", IsPath: true);
    public static readonly ParameterSpec FsType = new("fstype", ParameterType.String, true, "file system type", Example: "ext4", Allowed: FsTypes);
    public static readonly ParameterSpec Owner = new("owner", ParameterType.String, true, "user who owns the volume", Example: "alice");
    public static readonly ParameterSpec VolumeName = new("name", ParameterType.String, true, "volume name: letters, digits, '-' and '_'", Example: "scratch");
    public static readonly ParameterSpec SizeMiB = new("sizeMiB", ParameterType.Number, true, "size in MiB", 16, MaxMiB, "1024");

    /// <summary>The smallest volume each file system can be made on.</summary>
    public static long MinimumVolumeMiB(string fstype) => fstype switch { "xfs" => 300, "btrfs" => 110, _ => 16 };

    /// <summary>An owner and a volume name as <see cref="NameRules"/> has them; null when both fit.</summary>
    public static string? VolumeNameRules(string owner, string name) =>
        NameRules.OwnerProblem(owner, "owner") ?? NameRules.VolumeProblem(name, "name");

    /// <summary>A size in whole MiB; null when it is one.</summary>
    public static string? WholeMiB(double sizeMiB, string parameter) =>
        sizeMiB == Math.Floor(sizeMiB) ? null : $"parameter '{parameter}' must be a whole number of MiB; got {sizeMiB}";
}
