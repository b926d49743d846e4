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
    UnitPolicy? Policy = null)
{
    public bool Online => Status == "online";

    /// <summary>Where the file manager opens on this unit: its first file root, or <c>/</c> when it has none.</summary>
    public string HomeRoot => Roots.Count > 0 ? Roots[0] : "/";
}
