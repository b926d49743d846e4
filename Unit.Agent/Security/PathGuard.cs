namespace Ccdsvm.Unit.Agent.Security;

/// <summary>
/// Keeps file work inside the unit's roots. Paths are made absolute, normalised and resolved through
/// symlinks before the check, so neither "../" nor a link pointing out of a root escapes.
/// </summary>
public sealed class PathGuard
{
    private const int MaxLinkHops = 40;

    public PathGuard(IEnumerable<string> roots) : this(roots, [])
    {
    }

    /// <param name="roots">Directories for file work, created if missing.</param>
    /// <param name="volumeRoots">Where volumes get mounted: allowed, but created by the volume work, not here
    /// (the agent may start without the right to create them).</param>
    public PathGuard(IEnumerable<string> roots, IEnumerable<string> volumeRoots)
    {
        var resolved = new List<string>();
        foreach (var root in roots)
        {
            var full = Path.GetFullPath(root);
            Directory.CreateDirectory(full);
            resolved.Add(Trim(RealPath(full)));
        }
        foreach (var root in volumeRoots)
            resolved.Add(Trim(RealPath(Path.GetFullPath(root))));
        Roots = resolved.Distinct(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<string> Roots { get; }

    /// <summary>Resolves <paramref name="path"/> and returns it if it lies inside a root; otherwise throws <see cref="TaskFailureException"/>.</summary>
    public string Resolve(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw TaskFailureException.Invalid("path is empty: give an absolute path inside one of this unit's roots: " + string.Join(", ", Roots));
        if (path.Contains('\0'))
            throw TaskFailureException.Invalid("path contains a NUL character");
        if (!Path.IsPathRooted(path))
            throw TaskFailureException.Invalid($"path '{path}' is relative: give an absolute path inside one of this unit's roots: {string.Join(", ", Roots)}");

        var real = Trim(RealPath(Path.GetFullPath(path)));
        if (!IsInsideRoots(real))
            throw TaskFailureException.Refused($"path '{path}' is outside this unit's roots; allowed roots: {string.Join(", ", Roots)}");
        return real;
    }

    /// <summary>
    /// Like <see cref="Resolve"/> but leaves the last component unresolved, for work on a directory entry
    /// itself (delete, rename, stat of a link): the parent must lie inside a root.
    /// </summary>
    public string ResolveEntry(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0') || !Path.IsPathRooted(path)) return Resolve(path);
        string full = Trim(Path.GetFullPath(path));
        string name = Path.GetFileName(full);
        string? parent = Path.GetDirectoryName(full);
        string entry = name.Length == 0 || parent is null ? "/" : Path.Combine(Trim(RealPath(parent)), name);
        if (!IsInsideRoots(entry))
            throw TaskFailureException.Refused($"path '{path}' is outside this unit's roots; allowed roots: {string.Join(", ", Roots)}");
        if (Roots.Contains(entry, StringComparer.Ordinal))
            throw TaskFailureException.Refused($"path '{path}' is one of this unit's roots itself; work on entries inside it");
        return entry;
    }

    public bool IsInsideRoots(string realPath) =>
        Roots.Any(root => realPath == root || realPath.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    private static string Trim(string p) => p.Length > 1 ? p.TrimEnd(Path.DirectorySeparatorChar) : p;

    /// <summary>Like realpath(3) for the part of the path that exists; the rest is appended as written.</summary>
    internal static string RealPath(string fullPath)
    {
        var parts = fullPath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var pending = new Stack<string>(parts.Reverse());
        string current = "/";
        int hops = 0;
        bool missing = false;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".") continue;
            if (part == "..") { current = Path.GetDirectoryName(current) ?? "/"; continue; }
            string next = Path.Combine(current, part);
            if (missing) { current = next; continue; }

            FileSystemInfo info = new FileInfo(next);
            if (!info.Exists && !Directory.Exists(next) && info.LinkTarget is null) { missing = true; current = next; continue; }
            string? target = info.LinkTarget;
            if (target is null) { current = next; continue; }

            if (++hops > MaxLinkHops) throw new TaskFailureException($"too many symbolic links resolving '{fullPath}'");
            if (Path.IsPathRooted(target)) current = "/";
            foreach (var t in target.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                pending.Push(t);
        }
        return current;
    }
}
