using Ccdsvm.Shared.Contracts.Paths;

namespace Ccdsvm.Station.Core.Locks;

/// <summary>Lockable resources are absolute, normalised paths such as <c>/units/a/disks/sdb</c>.</summary>
public static class ResourcePath
{
    public static string Unit(string unit) => $"/units/{unit}";
    public static string Disk(string unit, string device) => $"/units/{unit}/disks/{Path.GetFileName(device.TrimEnd('/'))}";
    /// <summary>
    /// The resource of a file path on a unit. The path must have a canonical form (<see cref="UnitPath"/>):
    /// "." and ".." are refused with an <see cref="ArgumentException"/>, never resolved, so no spelling climbs
    /// out of <c>fs/</c>. Entry points check with <see cref="UnitPath.TryCanonicalize"/> first and answer 400.
    /// </summary>
    public static string File(string unit, string absolutePath) => UnitPath.Resource(unit, UnitPath.Canonical(absolutePath));
    public static string Volume(string unit, string id) => $"/units/{unit}/volumes/{id}";
    public static string User(string name) => $"/station/users/{name}";
    public const string Acl = "/station/acl";

    /// <summary>Collapses duplicate and trailing slashes and resolves "." and ".." so two spellings of one path lock the same thing.</summary>
    public static string Normalize(string path)
    {
        if (IsNormal(path)) return path;
        var parts = new List<string>();
        foreach (var p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }

    private static bool IsNormal(string path) =>
        path.Length > 1 && path[0] == '/' && path[^1] != '/' && !path.Contains("//", StringComparison.Ordinal)
        && !path.Contains("/./", StringComparison.Ordinal) && !path.Contains("/../", StringComparison.Ordinal)
        && !path.EndsWith("/.", StringComparison.Ordinal) && !path.EndsWith("/..", StringComparison.Ordinal);

    /// <summary>
    /// A resource path from a user (a grant's path, a held resource): absolute, bounded, no NUL or control
    /// character and no "." or ".." segment (<see cref="UnitPath"/>'s rules), so <see cref="Normalize"/> only
    /// collapses slashes on it and never climbs.
    /// </summary>
    public static bool IsValid(string? path) => UnitPath.TryCanonicalize(path, out _, out _);

    /// <summary>Every proper ancestor, root first: /units/a/disks/sdb → /, /units, /units/a, /units/a/disks.</summary>
    public static IEnumerable<string> Ancestors(string path)
    {
        yield return "/";
        int i = 0;
        while ((i = path.IndexOf('/', i + 1)) > 0)
            yield return path[..i];
    }
}
