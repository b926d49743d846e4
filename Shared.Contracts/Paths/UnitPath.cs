using System.Text;

namespace Ccdsvm.Shared.Contracts.Paths;

/// <summary>
/// The one canonical form of a file path on a unit, shared by the station (which authorises and locks it)
/// and the agent (which acts only on the canonical path its signed ticket names). Canonical means: absolute,
/// no empty, "." or ".." segments, no trailing slash (except "/" itself), no NUL or other control
/// character, at most <see cref="MaxLength"/> characters and <see cref="MaxSegment"/> bytes per name.
/// Repeated and trailing slashes are harmless spellings and are collapsed; "." and ".." are refused, since
/// after a symbolic link ".." is not the parent the text names, so no spelling may climb.
/// </summary>
public static class UnitPath
{
    /// <summary>PATH_MAX on Linux.</summary>
    public const int MaxLength = 4096;

    /// <summary>NAME_MAX on Linux, in bytes of UTF-8.</summary>
    public const int MaxSegment = 255;

    /// <summary>True when <paramref name="path"/> is already canonical (the common case: no allocation).</summary>
    public static bool IsCanonical(string? path) =>
        TryCanonicalize(path, out var canonical, out _) && ReferenceEquals(canonical, path);

    /// <summary>
    /// Gives the canonical form of <paramref name="path"/>, or false with a message a person can act on
    /// (it does not repeat the path, which may be huge; callers name the parameter).
    /// </summary>
    public static bool TryCanonicalize(string? path, out string canonical, out string problem)
    {
        canonical = "";
        problem = "";
        if (string.IsNullOrEmpty(path)) { problem = "is empty: give an absolute path such as /srv/data/file"; return false; }
        if (path.Length > MaxLength) { problem = $"is {path.Length} characters long; a path has at most {MaxLength}"; return false; }
        if (path[0] != '/') { problem = "is not absolute: it must start with '/'"; return false; }
        bool rewrite = false;
        int start = 1;
        for (int i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                if (char.IsControl(path[i])) { problem = path[i] == '\0' ? "contains a NUL character" : "contains a control character"; return false; }
                continue;
            }
            int length = i - start;
            if (length == 0) { rewrite |= i > 1 || i < path.Length; }
            else if (length <= 2 && path.AsSpan(start, length) is "." or "..")
            {
                problem = "contains a '.' or '..' segment: name the place itself, without climbing";
                return false;
            }
            else if (length > MaxSegment / 4 && Encoding.UTF8.GetByteCount(path.AsSpan(start, length)) > MaxSegment)
            {
                problem = $"has a name longer than {MaxSegment} bytes";
                return false;
            }
            start = i + 1;
        }
        canonical = rewrite ? Collapse(path) : path;
        return true;
    }

    /// <summary>The canonical form, or an <see cref="ArgumentException"/> naming the problem.</summary>
    public static string Canonical(string? path, string name = "path") =>
        TryCanonicalize(path, out var canonical, out var problem) ? canonical : throw new ArgumentException($"{name} {problem}", name);

    /// <summary>The lock and ACL resource of a canonical file path on a unit: /units/{unit}/fs/srv/data.</summary>
    public static string Resource(string unit, string canonicalPath) =>
        canonicalPath == "/" ? $"/units/{unit}/fs" : $"/units/{unit}/fs{canonicalPath}";

    /// <summary>True when <paramref name="path"/> is <paramref name="ancestor"/> or lies below it (both canonical).</summary>
    public static bool IsAtOrBelow(string path, string ancestor) =>
        ancestor == "/" || path == ancestor || (path.StartsWith(ancestor, StringComparison.Ordinal) && path[ancestor.Length] == '/');

    private static string Collapse(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "/" : "/" + string.Join('/', parts);
    }
}
