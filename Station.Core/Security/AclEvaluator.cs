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
public sealed class AclEvaluator(IReadOnlyList<AclEntry> entries)
{
    private readonly ILookup<string, AclEntry> _byPath = entries.ToLookup(e => Normalize(e.Path), StringComparer.Ordinal);

    /// <summary>The roles in force for <paramref name="user"/> on <paramref name="path"/> (empty: no access).</summary>
    public IReadOnlyList<Role> RolesFor(string user, IReadOnlyCollection<string> groups, string path)
    {
        foreach (var level in SelfAndAncestors(Normalize(path)))
        {
            var here = _byPath[level].ToList();
            if (here.Count == 0) continue;
            var mine = here.Where(e => !e.IsGroup && e.Subject == user).ToList();
            var chosen = mine.Count > 0 ? mine : here.Where(e => e.IsGroup && groups.Contains(e.Subject[1..])).ToList();
            if (chosen.Count == 0) continue;
            var roles = chosen.Select(e => Roles.Find(e.Role)).OfType<Role>().ToList();
            return roles.Any(r => r.Name == Roles.NoAccessName) ? [] : roles;
        }
        return [];
    }

    public bool Allows(string user, IReadOnlyCollection<string> groups, string path, string privilege) =>
        RolesFor(user, groups, path).Any(r => r.Allows(privilege));

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

    public static string Normalize(string path) => Locks.ResourcePath.Normalize(path);
}
