namespace Ccdsvm.Console.Blazor.Services;

public enum FileSort { Name, Size, Modified }

public sealed record FileEntry(string Name, string Path, FsEntryType Type, long Size, string Mode, DateTimeOffset Modified)
{
    public bool IsDirectory => Type == FsEntryType.Directory;
}

public sealed record Crumb(string Name, string Path);

/// <summary>The result of <c>fs.list</c>, sorted as the user asked (directories always first), and the path as breadcrumbs.</summary>
public static class FileListing
{
    public static IReadOnlyList<FileEntry> From(FsListResult result) =>
        result.Entries.Select(e => new FileEntry(e.Name, Join(result.Path, e.Name), e.Type, e.Size, e.Mode,
            new DateTimeOffset(DateTime.SpecifyKind(e.Modified, DateTimeKind.Utc)))).ToList();

    public static IReadOnlyList<FileEntry> Sort(IEnumerable<FileEntry> entries, FileSort by, bool descending)
    {
        var dirsFirst = entries.OrderBy(e => e.IsDirectory ? 0 : 1);
        var sorted = by switch
        {
            FileSort.Size => descending ? dirsFirst.ThenByDescending(e => e.Size) : dirsFirst.ThenBy(e => e.Size),
            FileSort.Modified => descending ? dirsFirst.ThenByDescending(e => e.Modified) : dirsFirst.ThenBy(e => e.Modified),
            _ => descending ? dirsFirst.ThenByDescending(e => e.Name, StringComparer.OrdinalIgnoreCase) : dirsFirst.ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase),
        };
        return sorted.ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<Crumb> Crumbs(string path)
    {
        var crumbs = new List<Crumb> { new("/", "/") };
        string at = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            at += "/" + part;
            crumbs.Add(new Crumb(part, at));
        }
        return crumbs;
    }

    public static string Join(string dir, string name) => dir.TrimEnd('/') + "/" + name;

    /// <summary>A name the user typed for a new entry: one path component, no slashes, not "." or "..".</summary>
    public static string? NameError(string? name) => name switch
    {
        null or "" => "type a name",
        "." or ".." => "'.' and '..' are not names",
        _ when name.Contains('/') || name.Contains('\0') => "a name cannot contain '/'",
        _ => null,
    };
}
