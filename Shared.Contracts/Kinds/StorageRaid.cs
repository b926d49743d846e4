using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>storage.raid {engine?, level, devices, name, force?}</c> → <c>{engine, level, name, uuid, device, members}</c>:
/// an md array, or a btrfs multi-device file system.
/// </summary>
public sealed class StorageRaid : KindContract<StorageRaidParameters, StorageRaidResult>
{
    public static readonly StorageRaid Contract = new();

    public override string Kind => TaskKinds.StorageRaid;
    public override string Title => "Build a RAID array";
    public override string Group => KindGroups.Storage;
    public override string Action => "Build an array";
    public override IReadOnlyList<string> Stages { get; } = ["checking members", "building the array"];
    public override bool Destructive => true;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("engine", ParameterType.String, false, "md (mdadm) or btrfs multi-device; default md where the kernel has it, else btrfs", Allowed: ["md", "btrfs"]),
        new("level", ParameterType.String, true, "RAID level", Example: "raid1", Allowed: ["raid0", "raid1", "raid5", "raid10"]),
        new("devices", ParameterType.StringArray, true, "member devices under /dev", 2, 64, "[\"/dev/sdb\", \"/dev/sdc\"]", IsPath: true, Under: "/dev"),
        new("name", ParameterType.String, true, "array name (md name or btrfs label)", Example: "data"),
        StorageParameters.Force,
    ];

    protected override string? Subject(StorageRaidParameters p, System.Text.Json.JsonElement json) => $"{p.Level} {p.Name} of {string.Join(", ", p.Devices)}";

    protected override string DangerText(string subject) => "Build an array: erases all data on its member devices";

    /// <summary>The fewest members a level takes.</summary>
    public static int MinimumMembers(string level) => level switch { "raid5" => 3, "raid10" => 4, _ => 2 };

    protected override string? Rules(StorageRaidParameters p)
    {
        if (p.Devices.Distinct(StringComparer.Ordinal).Count() != p.Devices.Count) return "a device is listed twice in 'devices'";
        int need = MinimumMembers(p.Level);
        if (p.Devices.Count < need) return $"{p.Level} needs at least {need} devices, got {p.Devices.Count}";
        return NameRules.VolumeProblem(p.Name, "name");
    }
}

[MessagePackObject(true)]
public sealed record StorageRaidParameters(string? Engine, string Level, IReadOnlyList<string> Devices, string Name, bool? Force = null);

/// <summary><see cref="Device"/>: the md node, or for btrfs the first member; <see cref="Uuid"/>: the btrfs file system's, null for md.</summary>
[MessagePackObject(true)]
public sealed record StorageRaidResult(string Engine, string Level, string Name, string? Uuid, string Device, IReadOnlyList<string> Members);
