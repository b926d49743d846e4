using Ccdsvm.Shared.Contracts;
using MessagePack;

namespace Ccdsvm.Console.Blazor.Services.Uplink;

/// <summary>
/// Splits the units going up into updates the upper station accepts: at most <see cref="SubtreeUpdate.MaxUnits"/> units
/// and about <see cref="MaxBytes"/> of MessagePack each. A count alone is not enough: the upper station's hub closes the
/// connection on a message over its <c>Station:MaxHubMessageBytes</c> (1 MiB by default), and 2,000 units with a few
/// disks each are more than that, so a mid station with thousands of units could never send its snapshot
/// (docs/BENCHMARKS.md, "Layered stations").
/// </summary>
public static class SubtreeChunks
{
    /// <summary>A quarter of the upper station's default hub message limit: room for units larger than measured.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>The units in order, in chunks; a unit larger than <paramref name="maxBytes"/> alone goes in a chunk of its own.</summary>
    public static IEnumerable<SubtreeUnit[]> Split(IEnumerable<SubtreeUnit> units, int maxBytes = MaxBytes)
    {
        ArgumentNullException.ThrowIfNull(units);
        var chunk = new List<SubtreeUnit>();
        long bytes = 0;
        foreach (var unit in units)
        {
            int size = MessagePackSerializer.Serialize(unit).Length;
            if (chunk.Count > 0 && (chunk.Count == SubtreeUpdate.MaxUnits || bytes + size > maxBytes))
            {
                yield return [.. chunk];
                chunk.Clear();
                bytes = 0;
            }
            chunk.Add(unit);
            bytes += size;
        }
        if (chunk.Count > 0) yield return [.. chunk];
    }
}
