using System.Text.RegularExpressions;
using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// The local policy a unit announces with its inventory (Agent:MountRoot, Agent:Devices, Agent:DenyKinds), so a
/// console can offer only what the unit will accept and say why before anything starts. The unit still checks
/// every order against its own settings; this copy only lets forms check early with the same rules.
/// </summary>
[MessagePackObject]
public sealed record UnitPolicy(
    [property: Key(0)] string MountRoot,
    [property: Key(1)] IReadOnlyList<string> Devices,
    [property: Key(2)] IReadOnlyList<string> DenyKinds)
{
    /// <summary>Shell-style glob: '*' and '?' stay within one path component.</summary>
    public static bool GlobMatches(string glob, string path)
    {
        string pattern = "^" + Regex.Escape(glob).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(path, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>Why storage work may not use <paramref name="device"/> (or its disk <paramref name="disk"/>) on this unit, or null.</summary>
    public string? DeviceRefusal(string device, string? disk)
    {
        if (Devices.Count == 0) return "this unit allows no devices for storage work (Agent:Devices is empty)";
        if (Devices.Any(g => GlobMatches(g, device) || (disk is not null && GlobMatches(g, disk)))) return null;
        return $"{device} is not in this unit's device allow-list (Agent:Devices: {string.Join(", ", Devices)})";
    }

    /// <summary>Why <paramref name="path"/> cannot be a mount point on this unit, or null: mounts must lie below the mount root.</summary>
    public string? MountPointRefusal(string path)
    {
        string root = MountRoot.TrimEnd('/');
        return path.StartsWith(root + "/", StringComparison.Ordinal) && path.Length > root.Length + 1
            ? null
            : $"mount points on this unit must lie under {root}/ (Agent:MountRoot)";
    }

    /// <summary>Why this unit refuses every task of <paramref name="kind"/>, or null.</summary>
    public string? KindRefusal(string kind) =>
        DenyKinds.Contains(kind, StringComparer.Ordinal) ? $"this unit refuses {kind} tasks (Agent:DenyKinds)" : null;
}
