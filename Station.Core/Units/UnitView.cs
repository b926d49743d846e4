using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Units;

/// <summary>A unit as <c>GET /api/v1/units</c> and the console show it.</summary>
public sealed record UnitView(
    string Id,
    string Name,
    string Status,
    string? Parent,
    string Os,
    string Kernel,
    string Hostname,
    int CpuCount,
    long MemoryBytes,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<DiskInfo> Disks,
    IReadOnlyList<string> Roots,
    DateTimeOffset LastSeen,
    DateTimeOffset? OfflineSince,
    IReadOnlyList<string>? Services = null,
    UnitPolicy? Policy = null,
    IReadOnlyList<string>? Tags = null,
    UnitCapabilities? Capabilities = null,
    string Kind = UnitKinds.Unit)
{
    public bool Online => Status == "online";

    /// <summary>Whether this unit is a mid station (kind <c>station</c>): a station enrolled below this one.</summary>
    public bool IsStation => Kind == UnitKinds.Station;

    /// <summary>Where the file manager opens on this unit: its first file root, or <c>/</c> when it has none.</summary>
    public string HomeRoot => Roots.Count > 0 ? Roots[0] : "/";
}

/// <summary>
/// <c>GET /api/v1/units?search=&amp;status=&amp;tag=&amp;os=&amp;kind=&amp;limit=&amp;cursor=</c>: units in id order, filtered; <see cref="Total"/>
/// counts every match, <see cref="NextCursor"/> (null on the last page) asks for the next page.
/// </summary>
public sealed record UnitPage(IReadOnlyList<UnitView> Items, int Total, string? NextCursor);

/// <summary>
/// The filters of a unit list, all optional and combined with AND; the order (<see cref="UnitSorts"/>, id by default) and
/// where the page starts: after a <see cref="Cursor"/> (id order only) or <see cref="Offset"/> matches in.
/// </summary>
public sealed record UnitQuery(string? Search = null, string? Status = null, string? Tag = null, string? Os = null, int? Limit = null, string? Cursor = null,
    string? Parent = null, string? Sort = null, int? Offset = null, string? Kind = null, string? Name = null);

/// <summary>The orders of a unit list.</summary>
public static class UnitSorts
{
    /// <summary>Id order, the station's own unit first: the order of cursors.</summary>
    public const string Id = "id";

    /// <summary>Name order, case-insensitive, then id.</summary>
    public const string Name = "name";

    /// <summary>Offline units first, each group in name order.</summary>
    public const string Status = "status";

    public static readonly IReadOnlyList<string> All = [Id, Name, Status];
}

/// <summary>The units the caller sees among the matches of a search: how many are online/offline, run each OS, carry each tag.</summary>
public sealed record UnitTally(IReadOnlyDictionary<string, int> Status, IReadOnlyDictionary<string, int> Os, IReadOnlyDictionary<string, int> Tags, int Total)
{
    /// <summary>The key a unit is counted under in <see cref="Os"/>: the os-release family when it announced one, else its OS name.</summary>
    public static string OsOf(UnitView u) => u.Capabilities?.OsFamily is { Length: > 0 } family ? family : u.Os;
}

/// <summary>The units at one moment, in two orders; see <see cref="UnitRegistry.Snapshot"/>.</summary>
public sealed record UnitSnapshot(IReadOnlyList<UnitView> ById, IReadOnlyList<UnitView> ByName);

/// <summary><c>PUT /api/v1/units/{id}/tags</c> body: the unit's whole set of tags.</summary>
public sealed record SetUnitTags(IReadOnlyList<string>? Tags);
