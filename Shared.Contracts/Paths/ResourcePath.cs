namespace Ccdsvm.Shared.Contracts.Paths;

/// <summary>
/// Lockable resources are absolute, normalised paths such as <c>/units/a/disks/sdb</c>. The station builds them
/// (lock plans, grants, tickets) and the agent reads them back (<see cref="Parse"/>): one grammar for both.
/// </summary>
public static class ResourcePath
{
    public const string FsArea = "fs";
    public const string DisksArea = "disks";
    public const string VolumesArea = "volumes";
    public const string NetworkArea = "network";
    public const string TerminalArea = "terminal";

    public static string Unit(string unit) => $"/units/{unit}";
    /// <summary>Every disk of a unit: what an inventory reads.</summary>
    public static string Disks(string unit) => $"/units/{unit}/{DisksArea}";
    public static string Disk(string unit, string device) => $"/units/{unit}/disks/{Path.GetFileName(device.TrimEnd('/'))}";
    /// <summary>
    /// The resource of a file path on a unit. The path must have a canonical form (<see cref="UnitPath"/>):
    /// "." and ".." are refused with an <see cref="ArgumentException"/>, never resolved, so no spelling climbs
    /// out of <c>fs/</c>. Entry points check with <see cref="UnitPath.TryCanonicalize"/> first and answer 400.
    /// </summary>
    public static string File(string unit, string absolutePath) => UnitPath.Resource(unit, UnitPath.Canonical(absolutePath));
    public static string Volume(string unit, string id) => $"/units/{unit}/volumes/{id}";
    /// <summary>Every interface of a unit: what a network inventory reads.</summary>
    public static string Network(string unit) => $"/units/{unit}/{NetworkArea}";
    /// <summary>One interface of a unit (net.configure locks each interface it touches); the contract checks the name first.</summary>
    public static string Interface(string unit, string name) => $"/units/{unit}/{NetworkArea}/{name}";
    /// <summary>Where a unit's terminal sessions are authorised; each holds it shared, so they never wait for each other.</summary>
    public static string Terminal(string unit) => $"/units/{unit}/{TerminalArea}";
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

    /// <summary>
    /// Reads a resource back into its parts: <c>/units/a/fs/srv/x</c> → unit a, area fs, rest <c>/srv/x</c>
    /// (a unit path); <c>/units/a/disks/sdb/sdb1</c> → area disks, rest <c>sdb/sdb1</c>; <c>/units/a/volumes/v</c>
    /// → area volumes, rest <c>v</c>. Null for anything that is not below a unit (station resources).
    /// </summary>
    public static ResourceRef? Parse(string resource)
    {
        const string prefix = "/units/";
        if (!resource.StartsWith(prefix, StringComparison.Ordinal)) return null;
        string after = resource[prefix.Length..];
        int slash = after.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return after.Length == 0 ? null : new ResourceRef(after, "", "");
        string unit = after[..slash], tail = after[(slash + 1)..];
        int next = tail.IndexOf('/', StringComparison.Ordinal);
        string area = next < 0 ? tail : tail[..next];
        string rest = next < 0 ? "" : tail[(next + 1)..];
        return area == FsArea ? new ResourceRef(unit, area, "/" + rest) : new ResourceRef(unit, area, rest);
    }
}

/// <summary>A resource below a unit, read back by <see cref="ResourcePath.Parse"/>: for <c>fs</c> <see cref="Rest"/> is the unit path.</summary>
public sealed record ResourceRef(string Unit, string Area, string Rest)
{
    public bool IsFile => Area == ResourcePath.FsArea;
    public bool IsDisk => Area == ResourcePath.DisksArea;
    public bool IsVolume => Area == ResourcePath.VolumesArea;
}
