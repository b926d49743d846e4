using Ccdsvm.Shared.Contracts.Paths;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// A volume is named by its owner and its name, two path segments: <c>{owner}/{name}</c>, its resource
/// <c>/units/{unit}/volumes/{owner}/{name}</c>. Neither part may hold a '/' (<see cref="NameRules"/>), so the id reads
/// back into exactly the parts it was made of, and owner <c>a</c>'s volume <c>b-c</c> is never owner <c>a-b</c>'s <c>c</c>.
/// </summary>
public static class VolumeIds
{
    public static string Of(string owner, string name) => $"{owner}/{name}";

    public static string Resource(string unit, string owner, string name) => ResourcePath.Volume(unit, Of(owner, name));

    /// <summary>The owner and name of a volume id; false for anything that is not exactly two valid segments.</summary>
    public static bool TryParse(string? id, out string owner, out string name)
    {
        owner = name = "";
        if (id is null) return false;
        int slash = id.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return false;
        string o = id[..slash], n = id[(slash + 1)..];
        if (!NameRules.IsValidUser(o) || !NameRules.IsValidVolume(n)) return false;
        (owner, name) = (o, n);
        return true;
    }

    /// <summary>
    /// The owner of the volume a resource lies in (<c>/units/u/volumes/{owner}/{name}</c> or below), read from its
    /// owner segment; null for any other resource, including the unit's volume list <c>/units/u/volumes</c>.
    /// </summary>
    public static string? OwnerOf(string resource)
    {
        if (ResourcePath.Parse(resource) is not { IsVolume: true } r) return null;
        var segments = r.Rest.Split('/');
        return segments.Length >= 2 && TryParse(segments[0] + "/" + segments[1], out var owner, out _) ? owner : null;
    }
}
