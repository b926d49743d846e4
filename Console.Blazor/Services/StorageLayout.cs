using Ccdsvm.Shared.Contracts;

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
    /// <summary>Mount points of the running system: a disk that holds one is not offered for partitioning or formatting.</summary>
    public static readonly IReadOnlySet<string> SystemMountPoints = new HashSet<string>(StringComparer.Ordinal) { "/", "/boot", "/boot/efi", "/usr", "/var" };

    /// <summary>The system mount points on <paramref name="disk"/> or its partitions ("/", "/boot"); empty for a data disk.</summary>
    public IReadOnlyList<string> SystemMountsOn(DiskBar disk) =>
        [.. FileSystems.Where(f => SystemMountPoints.Contains(f.MountPoint) && (f.Device == disk.Path || disk.Segments.Any(s => s.Node == f.Device))).Select(f => f.MountPoint)];

    /// <summary>
    /// What is on a disk or a partition now, in words, for the warning before it is destroyed: its size, and each
    /// file system and mount point on it ("1.07 GB (1 GiB); /dev/sdb1: ext4, mounted at /mnt/a").
    /// </summary>
    public string? Contents(string device)
    {
        if (Disks.FirstOrDefault(d => d.Path == device) is { } disk)
        {
            var parts = disk.Segments.Where(s => !s.Free && s.Node is not null && s.Node != disk.Path).Select(s => $"{s.Node}: {Describe(s.Node!, s.FsType)}").ToList();
            var wholeFs = disk.Segments.FirstOrDefault(s => s.Node == disk.Path)?.FsType;
            string whole = wholeFs is not null || parts.Count == 0 ? "; " + Describe(disk.Path, wholeFs) : "";
            return $"{Sizes.Both(disk.SizeBytes)}{whole}{(parts.Count > 0 ? "; " + string.Join("; ", parts) : "")}";
        }
        var segment = Disks.SelectMany(d => d.Segments).FirstOrDefault(s => s.Node == device);
        return segment is null ? null : $"{Sizes.Both(segment.SizeBytes)}; {Describe(device, segment.FsType)}";
    }

    /// <summary>The disk <paramref name="device"/> is, or is a partition of; null when the reading has no such device.</summary>
    public DiskBar? DiskOf(string device) => Disks.FirstOrDefault(d => d.Path == device) ?? Disks.FirstOrDefault(d => d.Segments.Any(s => s.Node == device));

    /// <summary>Where <paramref name="device"/> or, for a disk, any of its partitions is mounted.</summary>
    public IReadOnlyList<string> MountsOf(string device)
    {
        var disk = Disks.FirstOrDefault(d => d.Path == device);
        var nodes = disk is null ? [device] : disk.Segments.Where(s => s.Node is not null).Select(s => s.Node!).Append(device).ToHashSet(StringComparer.Ordinal);
        return [.. FileSystems.Where(f => nodes.Contains(f.Device)).Select(f => f.MountPoint)];
    }

    /// <summary>The file system on a disk or partition, null when it has none (or the reading does not know it).</summary>
    public string? FsTypeOf(string device) =>
        Disks.SelectMany(d => d.Segments).FirstOrDefault(s => s.Node == device)?.FsType ?? FileSystems.FirstOrDefault(f => f.Device == device)?.FsType;

    /// <summary>
    /// What a destructive task would overwrite on <paramref name="device"/>, in words ("a gpt partition table with
    /// 2 partitions", "an ext4 file system"), or null when the reading shows nothing on it.
    /// </summary>
    public string? DataOn(string device)
    {
        if (Disks.FirstOrDefault(d => d.Path == device) is { Table: { } table } disk)
        {
            int count = disk.Segments.Count(s => !s.Free);
            return $"a {table} partition table with {count} partition{(count == 1 ? "" : "s")}";
        }
        return FsTypeOf(device) is { } fs ? $"{(fs.Length > 0 && "aeiouAEIOU".Contains(fs[0], StringComparison.Ordinal) ? "an" : "a")} {fs} file system" : null;
    }

    private string Describe(string device, string? fsType)
    {
        var mounts = FileSystems.Where(f => f.Device == device).Select(f => f.MountPoint).ToList();
        string what = fsType ?? "no file system";
        return mounts.Count == 0 ? what : $"{what}, mounted at {string.Join(", ", mounts)}";
    }

    public static StorageLayout From(StorageInventoryResult result)
    {
        var tables = (result.PartitionTables ?? []).ToDictionary(t => t.Device, t => t, StringComparer.Ordinal);
        var loops = result.Loops ?? [];
        // Loop devices that only stand for a partition of another device are drawn inside that device's bar.
        var partitionLoops = loops.Where(l => l.PartitionOf is not null).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var fsTypes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var d in result.Disks ?? []) Collect(d, fsTypes);
        // lsblk reads file-system types from udev, which containers often lack; a mounted one is known anyway.
        foreach (var f in result.FileSystems ?? [])
            if (fsTypes.GetValueOrDefault(f.Device) is null) fsTypes[f.Device] = f.Fstype;

        var disks = (result.Disks ?? [])
            .Where(d => d.Type is "disk" or "loop" && d.SizeBytes > 0 && !partitionLoops.Contains(d.Path))
            .Select(d =>
            {
                string? backFile = loops.FirstOrDefault(l => l.Name == d.Path)?.BackFile;
                return tables.TryGetValue(d.Path, out var table)
                    ? Partitioned(d, table, fsTypes, backFile)
                    : Whole(d, fsTypes, backFile);
            }).ToList();

        var arrays = (result.Arrays ?? []).Select(a => new ArrayRow(a.Engine, a.Name, a.Level, a.Members ?? [], a.ExpectedDevices, a.Degraded, a.Mountpoint)).ToList();

        var fileSystems = (result.FileSystems ?? []).Select(f =>
        {
            long size = f.SizeBytes, used = size - f.FreeBytes;
            return new FileSystemRow(f.Device, f.Mountpoint, f.Fstype, size, used, size > 0 ? 100.0 * used / size : 0);
        }).OrderBy(f => f.MountPoint, StringComparer.Ordinal).ToList();
        return new StorageLayout(disks, arrays, fileSystems);
    }

    private static DiskBar Partitioned(DiskInfo disk, InventoryPartitionTable table, Dictionary<string, string?> fsTypes, string? backFile)
    {
        long size = disk.SizeBytes;
        var segments = new List<BarSegment>();
        long at = 0;
        foreach (var p in (table.Partitions ?? []).OrderBy(p => p.Start))
        {
            long start = p.Start, length = p.Size;
            if (start - at >= MinFree) segments.Add(FreeSegment(at, start - at, size));
            string? node = p.Node;
            string label = node ?? $"{disk.Path} #{p.Number}";
            segments.Add(new BarSegment(label, node, node is null ? null : fsTypes.GetValueOrDefault(node), start, length, Percent(length, size), false));
            at = Math.Max(at, start + length);
        }
        if (size - at >= MinFree) segments.Add(FreeSegment(at, size - at, size));
        return new DiskBar(disk.Path, disk.Type, disk.Model, size, table.Table, backFile, segments);
    }

    private static DiskBar Whole(DiskInfo disk, Dictionary<string, string?> fsTypes, string? backFile)
    {
        long size = disk.SizeBytes;
        string? fs = fsTypes.GetValueOrDefault(disk.Path);
        var segment = fs is null ? FreeSegment(0, size, size) with { Label = "no partition table", Node = disk.Path } : new BarSegment(disk.Path, disk.Path, fs, 0, size, 100, false);
        return new DiskBar(disk.Path, disk.Type, disk.Model, size, null, backFile, [segment]);
    }

    private static BarSegment FreeSegment(long start, long length, long size) => new("free", null, null, start, length, Percent(length, size), true);

    private static double Percent(long part, long whole) => whole > 0 ? Math.Round(100.0 * part / whole, 3) : 0;

    private static void Collect(DiskInfo device, Dictionary<string, string?> fsTypes)
    {
        fsTypes[device.Path] = device.FsType;
        foreach (var c in device.Children ?? []) Collect(c, fsTypes);
    }
}
