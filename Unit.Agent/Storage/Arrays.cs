using System.Text.RegularExpressions;

namespace Ccdsvm.Unit.Agent.Storage;

public sealed record ArrayInfo(string Engine, string Name, string? Uuid, string Level, IReadOnlyList<string> Members, int ExpectedDevices, bool Degraded, string? MountPoint);

/// <summary>RAID arrays: btrfs multi-device file systems and md arrays from /proc/mdstat.</summary>
public static partial class Arrays
{
    public const string MdStat = "/proc/mdstat";

    public static bool MdAvailable => File.Exists(MdStat);

    public static async Task<IReadOnlyList<ArrayInfo>> ReadAsync(CancellationToken ct)
    {
        var list = new List<ArrayInfo>();
        if (MdAvailable) list.AddRange(ParseMdStat(await File.ReadAllTextAsync(MdStat, ct).ConfigureAwait(false)));
        var show = await Tool.ProbeAsync("btrfs", ["filesystem", "show", "--raw"], ct).ConfigureAwait(false);
        if (show.ExitCode == 0)
        {
            var mounts = Mounts.Read();
            foreach (var fs in ParseBtrfsShow(show.StdOut))
            {
                var mount = mounts.FirstOrDefault(m => m.FsType == "btrfs" && fs.Members.Contains(m.Source));
                string level = mount is null ? "unknown (not mounted)" : await BtrfsDataProfileAsync(mount.MountPoint, ct).ConfigureAwait(false);
                list.Add(fs with { Level = level, MountPoint = mount?.MountPoint });
            }
        }
        return list;
    }

    public static IEnumerable<ArrayInfo> ParseBtrfsShow(string text)
    {
        foreach (var block in Regex.Split(text, @"(?m)^(?=Label:)").Where(b => b.StartsWith("Label:", StringComparison.Ordinal)))
        {
            var head = Regex.Match(block, @"^Label:\s+(?:'(?<label>.*)'|none)\s+uuid:\s+(?<uuid>\S+)");
            var total = Regex.Match(block, @"Total devices (\d+)");
            var members = Regex.Matches(block, @"devid\s+\d+\s+size\s+\d+\s+used\s+\d+\s+path\s+(\S+)").Select(m => m.Groups[1].Value).ToList();
            int expected = total.Success ? int.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : members.Count;
            bool missing = block.Contains("missing", StringComparison.OrdinalIgnoreCase) || members.Count < expected;
            yield return new ArrayInfo("btrfs", head.Groups["label"].Success ? head.Groups["label"].Value : "", head.Groups["uuid"].Value, "unknown", members, expected, missing, null);
        }
    }

    /// <summary>"md0 : active raid1 loop1[1] loop0[0]" then "… [2/2] [UU]"; an '_' in the last brackets is a missing member.</summary>
    public static IEnumerable<ArrayInfo> ParseMdStat(string text)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var head = Regex.Match(lines[i], @"^(md\S*)\s*:\s*(\S+)\s+(?:\((?:auto-read-only|read-only)\)\s+)?(raid\d+|linear)?\s*(.*)$");
            if (!head.Success) continue;
            var members = Regex.Matches(head.Groups[4].Value, @"(\S+?)\[\d+\](\(F\))?").Select(m => "/dev/" + m.Groups[1].Value).ToList();
            string status = i + 1 < lines.Length ? lines[i + 1] : "";
            var counts = Regex.Match(status, @"\[(\d+)/(\d+)\]\s+\[([U_]+)\]");
            int expected = counts.Success ? int.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : members.Count;
            bool degraded = counts.Success && counts.Groups[3].Value.Contains('_') || head.Groups[4].Value.Contains("(F)", StringComparison.Ordinal);
            yield return new ArrayInfo("md", head.Groups[1].Value, null, head.Groups[3].Success && head.Groups[3].Value.Length > 0 ? head.Groups[3].Value : head.Groups[2].Value, members, expected, degraded, null);
        }
    }

    private static async Task<string> BtrfsDataProfileAsync(string mountPoint, CancellationToken ct)
    {
        var df = await Tool.ProbeAsync("btrfs", ["filesystem", "df", "-b", mountPoint], ct).ConfigureAwait(false);
        var data = Regex.Match(df.StdOut, @"(?m)^Data,\s*([A-Za-z0-9]+):");
        return data.Success ? data.Groups[1].Value.ToLowerInvariant() : "unknown";
    }
}
