using System.Text.Json;
using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// What a unit can do, announced with its inventory: its OS family and version (os-release ID and VERSION_ID), its
/// architecture, the task kinds its agent has executors for (a kind its policy denies is still the unit's own refusal) and the tools it found on
/// its PATH. The station refuses, before admission, a kind the unit cannot run (<see cref="UnitAbilities.Refusal"/>).
/// </summary>
[MessagePackObject]
public sealed record UnitCapabilities(
    [property: Key(0)] string OsFamily,
    [property: Key(1)] string OsVersion,
    [property: Key(2)] string Architecture,
    [property: Key(3)] IReadOnlyList<string> Kinds,
    [property: Key(4)] IReadOnlyList<string> Tools);

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
            TaskKinds.NetInventory => ["ip"],
            _ => [],
        };
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
