using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>storage.mkfs {device, fstype, label?, force?}</c> → <c>{device, backingNode, fstype, label, uuid}</c>: a file system on a device.</summary>
public sealed class StorageMkfs : KindContract<StorageMkfsParameters, StorageMkfsResult>
{
    public static readonly StorageMkfs Contract = new();

    public override string Kind => TaskKinds.StorageMkfs;
    public override string Title => "Make a file system";
    public override string Group => KindGroups.Storage;
    public override string Action => "Format";
    public override IReadOnlyList<string> Stages { get; } = ["checking the device", "making the file system"];
    public override bool Destructive => true;
    public override string? DangerSubject => "device";
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        StorageParameters.Device,
        StorageParameters.FsType,
        new("label", ParameterType.String, false, "file-system label (xfs: at most 12 characters)"),
        StorageParameters.Force,
    ];

    protected override string DangerText(string subject) => $"Format {subject}: erases all data on it";

    protected override string? Rules(StorageMkfsParameters p) => LabelProblem(p.Fstype, p.Label);

    /// <summary>Whether a label fits the file system; null when it does (or there is none).</summary>
    public static string? LabelProblem(string fstype, string? label)
    {
        if (label is null) return null;
        int max = fstype switch { "ext4" => 16, "xfs" => 12, _ => 255 };
        return label.Length == 0 || label.Length > max || label.Any(c => char.IsControl(c) || c is '"' or '\\' or '/')
            ? $"label '{label}' does not fit {fstype}: at most {max} characters, no control characters, quotes, slashes or backslashes"
            : null;
    }
}

[MessagePackObject(true)]
public sealed record StorageMkfsParameters(string Device, string Fstype, string? Label = null, bool? Force = null);

/// <summary><see cref="BackingNode"/>: the loop device behind a partition the agent mapped itself, else null.</summary>
[MessagePackObject(true)]
public sealed record StorageMkfsResult(string Device, string? BackingNode, string Fstype, string? Label, string? Uuid);
