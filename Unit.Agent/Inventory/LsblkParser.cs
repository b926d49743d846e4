using System.Text.Json;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>Turns <c>lsblk -J -b -o NAME,PATH,TYPE,SIZE,FSTYPE,MOUNTPOINTS,MODEL,SERIAL</c> into <see cref="DiskInfo"/>.</summary>
public static class LsblkParser
{
    public static readonly string[] Arguments = ["-J", "-b", "-o", "NAME,PATH,TYPE,SIZE,FSTYPE,MOUNTPOINTS,MODEL,SERIAL"];

    public static IReadOnlyList<DiskInfo> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("blockdevices", out var devices) || devices.ValueKind != JsonValueKind.Array)
            return [];
        return devices.EnumerateArray().Select(Device).ToList();
    }

    private static DiskInfo Device(JsonElement e)
    {
        var mounts = new List<string>();
        if (e.TryGetProperty("mountpoints", out var mp) && mp.ValueKind == JsonValueKind.Array)
            mounts.AddRange(mp.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!));
        else if (Str(e, "mountpoint") is { } single)
            mounts.Add(single);

        var children = e.TryGetProperty("children", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(Device).ToList()
            : [];
        string name = Str(e, "name") ?? "";
        return new DiskInfo(
            name,
            Str(e, "path") ?? "/dev/" + name,
            Str(e, "type") ?? "disk",
            Size(e),
            Str(e, "fstype"),
            mounts,
            Str(e, "model")?.Trim(),
            Str(e, "serial")?.Trim(),
            children);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Size(JsonElement e)
    {
        if (!e.TryGetProperty("size", out var v)) return 0;
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetInt64(),
            JsonValueKind.String when long.TryParse(v.GetString(), out var n) => n,
            _ => 0,
        };
    }
}
