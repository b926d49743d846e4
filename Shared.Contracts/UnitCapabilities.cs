using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;
using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// What a unit can do, announced with its inventory: its OS family and version (os-release ID and VERSION_ID), its
/// architecture, the task kinds its agent has executors for (a kind its policy denies is still the unit's own refusal) and the tools it found on
/// its PATH, and what keeps its network configuration across a reboot (<see cref="NetworkPersistence"/>: one of
/// <see cref="NetBackends"/>; null from an agent older than it). The station refuses, before admission, a kind the unit cannot run (<see cref="UnitAbilities.Refusal"/>).
/// </summary>
[MessagePackObject]
public sealed record UnitCapabilities(
    [property: Key(0)] string OsFamily,
    [property: Key(1)] string OsVersion,
    [property: Key(2)] string Architecture,
    [property: Key(3)] IReadOnlyList<string> Kinds,
    [property: Key(4)] IReadOnlyList<string> Tools,
    [property: Key(5)] string? NetworkPersistence = null);

/// <summary>Which host tools each kind needs, and the refusal of a kind a unit cannot run.</summary>
public static class UnitAbilities
{
    /// <summary>The tools an agent looks for on its PATH and announces.</summary>
    public static readonly IReadOnlyList<string> ProbedTools =
        ["sfdisk", "wipefs", "blkid", "lsblk", "losetup", "mount", "umount", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs", "mkfs.vfat",
         "resize2fs", "e2fsck", "xfs_growfs", "mdadm", "btrfs", "rsync", "ip"];

    /// <summary>The tools <paramref name="kind"/> needs on the unit for these (validated) parameters.</summary>
    public static IReadOnlyList<string> RequiredTools(string kind, JsonElement parameters)
    {
        string? Text(string name) => parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return kind switch
        {
            TaskKinds.StoragePartition => ["sfdisk", "wipefs"],
            TaskKinds.StorageMkfs => Text("fstype") is { Length: > 0 } fs ? ["mkfs." + fs] : [],
            TaskKinds.StorageRaid => string.Equals(Text("engine"), "btrfs", StringComparison.Ordinal) ? ["mkfs.btrfs", "btrfs"] : ["mdadm"],
            TaskKinds.StorageMount => ["mount"],
            TaskKinds.StorageUnmount => ["umount"],
            TaskKinds.NetInventory or TaskKinds.NetConfigure => ["ip"],
            _ => [],
        };
    }

    /// <summary>
    /// The parameter whose value decides which tools <paramref name="kind"/> needs, and its values, the default first
    /// (storage.raid: engine md or btrfs; storage.mkfs: the file system); null for a kind whose tools do not depend on one.
    /// </summary>
    public static (string Name, IReadOnlyList<string> Values)? ToolChoice(string kind) => kind switch
    {
        TaskKinds.StorageRaid => ("engine", ["md", "btrfs"]),
        TaskKinds.StorageMkfs => ("fstype", StorageParameters.FsTypes),
        _ => null,
    };

    /// <summary>
    /// The first value of the kind's <see cref="ToolChoice"/> the unit has the tools for; null when none does, the kind has
    /// no such choice or the unit announced no capabilities. A form starts from it (e.g. btrfs on a unit without mdadm).
    /// </summary>
    public static string? RunnableChoice(string unit, string kind, UnitCapabilities? capabilities) =>
        capabilities is null || ToolChoice(kind) is not { } choice ? null
            : choice.Values.FirstOrDefault(v => Refusal(unit, kind, Choosing(choice.Name, v), capabilities) is null);

    /// <summary>
    /// Why <paramref name="unit"/> cannot run <paramref name="kind"/> however its parameters are chosen, or null when it can
    /// some way (or announced no capabilities). What a console offers: a kind whose every <see cref="ToolChoice"/> lacks a
    /// tool is refused with the default choice's reason ("unit-42 cannot run storage.raid: mdadm is not installed there").
    /// </summary>
    public static string? Refusal(string unit, string kind, UnitCapabilities? capabilities)
    {
        if (capabilities is null) return null;
        if (ToolChoice(kind) is not { } choice) return Refusal(unit, kind, default, capabilities);
        string? first = null;
        foreach (var value in choice.Values)
        {
            if (Refusal(unit, kind, Choosing(choice.Name, value), capabilities) is not { } refusal) return null;
            first ??= refusal;
        }
        return first;
    }

    private static JsonElement Choosing(string name, string value)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { [name] = value }));
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// Why <paramref name="unit"/> cannot run <paramref name="kind"/>, or null when it can (or announced no capabilities:
    /// an agent older than them is not second-guessed). E.g. "unit-42 cannot run storage.raid: mdadm is not installed there".
    /// </summary>
    public static string? Refusal(string unit, string kind, JsonElement parameters, UnitCapabilities? capabilities)
    {
        if (capabilities is null) return null;
        if (!capabilities.Kinds.Contains(kind, StringComparer.Ordinal))
            return $"{unit} cannot run {kind}: its agent does not offer it there ({capabilities.OsFamily} {capabilities.OsVersion}, {capabilities.Architecture})";
        var missing = RequiredTools(kind, parameters).Where(t => !capabilities.Tools.Contains(t, StringComparer.Ordinal)).ToList();
        return missing.Count switch
        {
            0 => null,
            1 => $"{unit} cannot run {kind}: {missing[0]} is not installed there",
            _ => $"{unit} cannot run {kind}: {string.Join(" and ", missing)} are not installed there",
        };
    }
}
