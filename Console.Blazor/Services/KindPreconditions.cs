using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>A reason a task would be refused, found before it starts; <see cref="Parameter"/> is the field it concerns (null: the whole form).</summary>
public sealed record Precondition(string? Parameter, string Message);

/// <summary>
/// What a form can know before a task starts that the unit would refuse: the unit's announced policy
/// (<see cref="UnitPolicy"/>: device allow-list, mount root, refused kinds, file roots) and its last storage
/// inventory (a device that already holds data without force, a mounted device, a device with no file system to
/// mount, the running system's disks). The unit checks again when the order comes; these checks only keep a user
/// from starting what cannot succeed, with the reason in the same words.
/// </summary>
public static class KindPreconditions
{
    private static readonly HashSet<string> Destroying = new(StringComparer.Ordinal) { TaskKinds.StoragePartition, TaskKinds.StorageMkfs, TaskKinds.StorageRaid };

    /// <param name="kind">The kind being started.</param>
    /// <param name="value">A parameter's text as typed (null when empty); arrays of devices as JSON or comma-separated.</param>
    /// <param name="unit">The target unit as the station knows it, with its policy; null when unknown.</param>
    /// <param name="layout">The target's last storage reading; null when there is none.</param>
    public static IReadOnlyList<Precondition> Check(string kind, Func<string, string?> value, UnitView? unit, StorageLayout? layout)
    {
        var found = new List<Precondition>();
        var policy = unit?.Policy;
        if (policy?.KindRefusal(kind) is { } denied) found.Add(new(null, denied));

        var devices = Devices(kind, value).ToList();
        foreach (var (parameter, device) in devices)
            if (DeviceProblem(kind, device, value("force") == "true", policy, layout) is { } problem)
                found.Add(new(parameter, problem));

        if (kind == TaskKinds.StoragePartition && value("device") is { Length: > 0 } disk && layout?.Disks.FirstOrDefault(d => d.Path == disk.Trim()) is { } bar
            && Sizes(value("partitions")) is { } sizes && PartitionFit.Problem(sizes.FixedMiB, sizes.TakesRest, bar.SizeBytes, value("table")) is { } fit)
            found.Add(new("partitions", fit));

        if (value("mountpoint") is { Length: > 0 } mountpoint)
        {
            string point = mountpoint.Trim();
            if (kind == TaskKinds.StorageMount && policy?.MountPointRefusal(point) is { } outside) found.Add(new("mountpoint", outside));
            if (kind == TaskKinds.StorageUnmount && StorageLayout.SystemMountPoints.Contains(point))
                found.Add(new("mountpoint", $"{point} belongs to the running system; it is not unmounted from here"));
            if (kind == TaskKinds.StorageMount && layout?.FileSystems.FirstOrDefault(f => f.MountPoint == point) is { } taken)
                found.Add(new("mountpoint", $"{taken.Device} is already mounted at {point}"));
        }
        return found;
    }

    /// <summary>The MiB the fixed-size partitions take and whether one takes the rest; null when the list is not readable yet.</summary>
    private static (long FixedMiB, bool TakesRest)? Sizes(string? partitions)
    {
        if (string.IsNullOrWhiteSpace(partitions)) return null;
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(partitions) is not System.Text.Json.Nodes.JsonArray array) return null;
            long total = 0;
            bool rest = false;
            foreach (var item in array)
            {
                var size = item?["sizeMiB"];
                if (size is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<double>(out var mib)) total += (long)mib;
                else rest = true;
            }
            return (total, rest);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The device parameters of the kind and their values: device, or each member of devices.</summary>
    private static IEnumerable<(string Parameter, string Device)> Devices(string kind, Func<string, string?> value)
    {
        if (kind is TaskKinds.StoragePartition or TaskKinds.StorageMkfs or TaskKinds.StorageMount && value("device") is { Length: > 0 } device)
            yield return ("device", device.Trim());
        if (kind == TaskKinds.StorageRaid)
            foreach (var member in DeviceList.Parse(value("devices")))
                yield return ("devices", member);
    }

    private static string? DeviceProblem(string kind, string device, bool force, UnitPolicy? policy, StorageLayout? layout)
    {
        if (!device.StartsWith("/dev/", StringComparison.Ordinal)) return null; // the field's own rule says so
        var disk = layout?.DiskOf(device);
        if (policy?.DeviceRefusal(device, disk?.Path) is { } refused) return refused;
        if (layout is null) return null;
        if (disk is null) return $"the unit's last inventory has no device {device}";
        if (layout.SystemMountsOn(disk) is { Count: > 0 } system)
            return $"{disk.Path} holds the running system ({string.Join(", ", system)}); storage work does not touch it";
        var mounts = layout.MountsOf(device);
        if (mounts.Count > 0)
            return kind == TaskKinds.StorageMount
                ? $"{device} is already mounted at {string.Join(", ", mounts)}"
                : $"{device} is mounted at {string.Join(", ", mounts)}: unmount it first";
        if (kind == TaskKinds.StorageMount && layout.FsTypeOf(device) is null)
            return $"{device} has no file system: format it first";
        if (Destroying.Contains(kind) && !force && layout.DataOn(device) is { } data)
            return $"{device} already holds {data}: switch on force to overwrite it";
        return null;
    }
}
