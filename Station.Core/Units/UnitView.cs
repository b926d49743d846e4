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
    UnitCapabilities? Capabilities = null)
{
    public bool Online => Status == "online";

    /// <summary>Where the file manager opens on this unit: its first file root, or <c>/</c> when it has none.</summary>
    public string HomeRoot => Roots.Count > 0 ? Roots[0] : "/";
}

/// <summary>
/// <c>GET /api/v1/units?search=&amp;status=&amp;tag=&amp;os=&amp;limit=&amp;cursor=</c>: units in id order, filtered; <see cref="Total"/>
/// counts every match, <see cref="NextCursor"/> (null on the last page) asks for the next page.
/// </summary>
public sealed record UnitPage(IReadOnlyList<UnitView> Items, int Total, string? NextCursor);

/// <summary>The filters of a unit list; all optional, combined with AND.</summary>
public sealed record UnitQuery(string? Search = null, string? Status = null, string? Tag = null, string? Os = null, int? Limit = null, string? Cursor = null, string? Parent = null);

/// <summary><c>PUT /api/v1/units/{id}/tags</c> body: the unit's whole set of tags.</summary>
public sealed record SetUnitTags(IReadOnlyList<string>? Tags);
