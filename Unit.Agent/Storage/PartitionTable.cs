using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Storage;

public sealed record PartitionEntry(int Number, long StartBytes, long SizeBytes, string Type, string? Name);

public sealed record PartitionLayout(string Label, int SectorSize, IReadOnlyList<PartitionEntry> Partitions);

/// <summary>Partition tables as sfdisk reads them, with type codes turned into the names tasks use.</summary>
public static class PartitionTable
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0FC63DAF-8483-4772-8E79-3D69D8477DE4"] = "linux", ["83"] = "linux",
        ["0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"] = "swap", ["82"] = "swap",
        ["A19D880F-05FC-4D3B-A006-743F0F84911E"] = "raid", ["fd"] = "raid",
        ["C12A7328-F81F-11D2-BA4B-00A0C93EC93B"] = "efi", ["ef"] = "efi",
    };

    /// <summary>sfdisk's type shortcuts, the same for gpt and msdos tables.</summary>
    public static readonly IReadOnlyDictionary<string, string> Shortcuts = new Dictionary<string, string>
    {
        ["linux"] = "L", ["swap"] = "S", ["raid"] = "R", ["efi"] = "U",
    };

    /// <summary>The device's table, or null when it has none.</summary>
    public static async Task<PartitionLayout?> ReadAsync(string device, CancellationToken ct)
    {
        var output = await Tool.ProbeAsync("sfdisk", ["--json", device], ct).ConfigureAwait(false);
        if (output.ExitCode != 0 || string.IsNullOrWhiteSpace(output.StdOut)) return null;
        return Parse(output.StdOut);
    }

    public static PartitionLayout Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var t = doc.RootElement.GetProperty("partitiontable");
        int sector = t.TryGetProperty("sectorsize", out var ss) ? ss.GetInt32() : 512;
        var parts = new List<PartitionEntry>();
        if (t.TryGetProperty("partitions", out var arr))
        {
            foreach (var p in arr.EnumerateArray())
            {
                string node = p.GetProperty("node").GetString()!;
                string type = p.GetProperty("type").GetString()!;
                parts.Add(new PartitionEntry(
                    Number(node),
                    p.GetProperty("start").GetInt64() * sector,
                    p.GetProperty("size").GetInt64() * sector,
                    Types.GetValueOrDefault(type, type),
                    p.TryGetProperty("name", out var n) ? n.GetString() : null));
            }
        }
        return new PartitionLayout(t.GetProperty("label").GetString()!, sector, parts);
    }

    /// <summary>The trailing number of a node name: /dev/loop0p2 → 2, /dev/sdb1 → 1.</summary>
    private static int Number(string node)
    {
        int i = node.Length;
        while (i > 0 && char.IsAsciiDigit(node[i - 1])) i--;
        return int.Parse(node[i..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
