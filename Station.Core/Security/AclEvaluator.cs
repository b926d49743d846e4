namespace Ccdsvm.Station.Core.Security;

/// <summary>A role granted to a user or a group (<c>@name</c>) on a resource path.</summary>
public sealed record AclEntry(string Path, string Subject, string Role)
{
    public bool IsGroup => Subject.StartsWith('@');
}

/// <summary>
/// Decides what a user may do on a path. Grants are inherited down the path; at each path the deepest
/// grant wins; on one path a grant to the user beats grants to their groups; NoAccess grants nothing and
/// cancels what would be inherited.
/// </summary>
public sealed class AclEvaluator
{
    // Per normalised path, its grants with their roles resolved once (Roles.Find is a fixed table), looked up by
    // span so walking a path's ancestors allocates nothing: every admission checks several paths.
    private readonly Dictionary<string, (AclEntry Entry, Role? Role)[]> _byPath;
    private readonly Dictionary<string, (AclEntry Entry, Role? Role)[]>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public AclEvaluator(IReadOnlyList<AclEntry> entries)
    {
        _byPath = entries.GroupBy(e => Normalize(e.Path), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => (e, Roles.Find(e.Role))).ToArray(), StringComparer.Ordinal);
        _bySpan = _byPath.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The roles in force for <paramref name="user"/> on <paramref name="path"/> (empty: no access).</summary>
    public IReadOnlyList<Role> RolesFor(string user, IReadOnlyCollection<string> groups, string path)
    {
        ReadOnlySpan<char> level = Normalize(path);
        while (true)
        {
            if (_bySpan.TryGetValue(level, out var here) && Chosen(here, user, groups) is { } roles) return roles;
            if (level is "/") return [];
            int i = level.LastIndexOf('/');
            level = i <= 0 ? "/" : level[..i];
        }
    }

    /// <summary>
    /// The roles granted on one path: the user's own grants when there are any, otherwise their groups'; null when
    /// neither applies (the search goes on up the path). NoAccess among them grants nothing.
    /// </summary>
    private static List<Role>? Chosen((AclEntry Entry, Role? Role)[] here, string user, IReadOnlyCollection<string> groups)
    {
        List<Role>? roles = null;
        bool any = false;
        foreach (var (e, role) in here)
        {
            if (e.IsGroup || e.Subject != user) continue;
            any = true;
            if (role is not null) (roles ??= []).Add(role);
        }
        if (!any)
        {
            foreach (var (e, role) in here)
            {
                if (!e.IsGroup || !groups.Contains(e.Subject[1..])) continue;
                any = true;
                if (role is not null) (roles ??= []).Add(role);
            }
        }
        if (!any) return null;
        if (roles is null) return [];
        foreach (var r in roles)
            if (r.Name == Roles.NoAccessName) return [];
        return roles;
    }

    public bool Allows(string user, IReadOnlyCollection<string> groups, string path, string privilege)
    {
        // By index: a foreach over the interface would allocate an enumerator on every check.
        var roles = RolesFor(user, groups, path);
        for (int i = 0; i < roles.Count; i++)
            if (roles[i].Allows(privilege)) return true;
        return false;
    }

    /// <summary>The path itself first, then each ancestor up to "/".</summary>
    public static IEnumerable<string> SelfAndAncestors(string path)
    {
        var p = path;
        while (true)
        {
            yield return p;
            if (p == "/") yield break;
            int i = p.LastIndexOf('/');
            p = i <= 0 ? "/" : p[..i];
        }
    }

    public static string Normalize(string path) => ResourcePath.Normalize(path);
}
