using System.Text.Json;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>One stretch of a disk bar: a partition, a file system on the whole device, or free space.</summary>
public sealed record BarSegment(string Label, string? Node, string? FsType, long StartBytes, long SizeBytes, double Percent, bool Free);

public sealed record DiskBar(string Path, string Type, string? Model, long SizeBytes, string? Table, string? BackFile, IReadOnlyList<BarSegment> Segments);

public sealed record ArrayRow(string Engine, string Name, string Level, IReadOnlyList<string> Members, int ExpectedDevices, bool Degraded, string? MountPoint);

public sealed record FileSystemRow(string Device, string MountPoint, string FsType, long SizeBytes, long UsedBytes, double UsedPercent);

public sealed record StorageLayout(IReadOnlyList<DiskBar> Disks, IReadOnlyList<ArrayRow> Arrays, IReadOnlyList<FileSystemRow> FileSystems)
{
    /// <summary>Gaps smaller than this (alignment, the table itself) are not drawn as free space.</summary>
    private const long MinFree = 4L << 20;

    /// <summary>Reads the result of <c>storage.inventory</c> into bars sized by bytes.</summary>
    public static StorageLayout From(JsonElement result)
    {
        var tables = Items(result, "partitionTables").ToDictionary(t => Str(t, "device") ?? "", t => t, StringComparer.Ordinal);
        var loops = Items(result, "loops").ToList();
        // Loop devices that only stand for a partition of another device are drawn inside that device's bar.
        var partitionLoops = loops.Where(l => Str(l, "partitionOf") is not null).Select(l => Str(l, "name")).ToHashSet(StringComparer.Ordinal);
        var fsTypes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var d in Items(result, "disks")) Collect(d, fsTypes);
        // lsblk reads file-system types from udev, which containers often lack; a mounted one is known anyway.
        foreach (var f in Items(result, "fileSystems"))
            if (Str(f, "device") is { } dev && fsTypes.GetValueOrDefault(dev) is null) fsTypes[dev] = Str(f, "fstype");

        var disks = Items(result, "disks")
            .Where(d => Str(d, "type") is "disk" or "loop" && Long(d, "sizeBytes") > 0 && !partitionLoops.Contains(Str(d, "path")))
            .Select(d =>
            {
                string path = Str(d, "path") ?? "";
                var backFile = loops.FirstOrDefault(l => Str(l, "name") == path) is { ValueKind: JsonValueKind.Object } loop ? Str(loop, "backFile") : null;
                return tables.TryGetValue(path, out var table)
                    ? Partitioned(d, table, fsTypes, backFile)
                    : Whole(d, fsTypes, backFile);
            }).ToList();

        var arrays = Items(result, "arrays").Select(a => new ArrayRow(Str(a, "engine") ?? "", Str(a, "name") ?? "", Str(a, "level") ?? "",
            Items(a, "members").Select(m => m.GetString() ?? "").ToList(), (int)Long(a, "expectedDevices"),
            a.TryGetProperty("degraded", out var dg) && dg.ValueKind == JsonValueKind.True, Str(a, "mountpoint"))).ToList();

        var fileSystems = Items(result, "fileSystems").Select(f =>
        {
            long size = Long(f, "sizeBytes"), used = size - Long(f, "freeBytes");
            return new FileSystemRow(Str(f, "device") ?? "", Str(f, "mountpoint") ?? "", Str(f, "fstype") ?? "", size, used, size > 0 ? 100.0 * used / size : 0);
        }).OrderBy(f => f.MountPoint, StringComparer.Ordinal).ToList();
        return new StorageLayout(disks, arrays, fileSystems);
    }

    private static DiskBar Partitioned(JsonElement disk, JsonElement table, Dictionary<string, string?> fsTypes, string? backFile)
    {
        long size = Long(disk, "sizeBytes");
        var segments = new List<BarSegment>();
        long at = 0;
        foreach (var p in Items(table, "partitions").OrderBy(p => Long(p, "start")))
        {
            long start = Long(p, "start"), length = Long(p, "size");
            if (start - at >= MinFree) segments.Add(FreeSegment(at, start - at, size));
            string? node = Str(p, "node");
            string label = node ?? $"{Str(disk, "path")} #{Long(p, "number")}";
            segments.Add(new BarSegment(label, node, node is null ? null : fsTypes.GetValueOrDefault(node), start, length, Percent(length, size), false));
            at = Math.Max(at, start + length);
        }
        if (size - at >= MinFree) segments.Add(FreeSegment(at, size - at, size));
        return new DiskBar(Str(disk, "path") ?? "", Str(disk, "type") ?? "", Str(disk, "model"), size, Str(table, "table"), backFile, segments);
    }

    private static DiskBar Whole(JsonElement disk, Dictionary<string, string?> fsTypes, string? backFile)
    {
        long size = Long(disk, "sizeBytes");
        string path = Str(disk, "path") ?? "";
        string? fs = fsTypes.GetValueOrDefault(path);
        var segment = fs is null ? FreeSegment(0, size, size) with { Label = "no partition table", Node = path } : new BarSegment(path, path, fs, 0, size, 100, false);
        return new DiskBar(path, Str(disk, "type") ?? "", Str(disk, "model"), size, null, backFile, [segment]);
    }

    private static BarSegment FreeSegment(long start, long length, long size) => new("free", null, null, start, length, Percent(length, size), true);

    private static double Percent(long part, long whole) => whole > 0 ? Math.Round(100.0 * part / whole, 3) : 0;

    private static void Collect(JsonElement device, Dictionary<string, string?> fsTypes)
    {
        if (Str(device, "path") is { } path) fsTypes[path] = Str(device, "fsType");
        foreach (var c in Items(device, "children")) Collect(c, fsTypes);
    }

    private static IEnumerable<JsonElement> Items(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
