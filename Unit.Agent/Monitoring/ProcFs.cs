using System.Globalization;

namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>Cumulative CPU jiffies of one /proc/stat line.</summary>
internal readonly record struct CpuTimes(string Name, ulong User, ulong Nice, ulong System, ulong Idle, ulong Iowait, ulong Irq, ulong SoftIrq, ulong Steal)
{
    public ulong Total => User + Nice + System + Idle + Iowait + Irq + SoftIrq + Steal;
}

internal readonly record struct NetCounters(string Interface, long RxBytes, long RxPackets, long RxErrors, long TxBytes, long TxPackets, long TxErrors);

internal readonly record struct DiskCounters(string Device, long ReadsCompleted, long SectorsRead, long WritesCompleted, long SectorsWritten, long MsDoingIo);

internal readonly record struct MountEntry(string Device, string Mount, string Type);

/// <summary>Parsers for the /proc files the sampler reads; pure functions of the text, so they are tested on fixed input.</summary>
internal static class ProcFs
{
    private static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
    private static ulong U(string s) => ulong.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The aggregate "cpu" line first, then "cpu0", "cpu1"…; also the boot time (btime).</summary>
    public static (List<CpuTimes> Cpus, long BootTime) ParseStat(string text)
    {
        var cpus = new List<CpuTimes>();
        long boot = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("cpu", StringComparison.Ordinal))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 9) continue;
                cpus.Add(new CpuTimes(f[0], U(f[1]), U(f[2]), U(f[3]), U(f[4]), U(f[5]), U(f[6]), U(f[7]), U(f[8])));
            }
            else if (line.StartsWith("btime ", StringComparison.Ordinal))
            {
                boot = L(line[6..].Trim());
            }
        }
        return (cpus, boot);
    }

    /// <summary>/proc/meminfo values in bytes, keyed by field name.</summary>
    public static Dictionary<string, long> ParseMemInfo(string text)
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0) continue;
            long v = L(f[0]);
            d[line[..colon]] = f.Length > 1 && f[1] == "kB" ? v * 1024 : v;
        }
        return d;
    }

    public static (double, double, double) ParseLoadAvg(string text)
    {
        var f = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (double.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture));
    }

    public static List<NetCounters> ParseNetDev(string text)
    {
        var list = new List<NetCounters>();
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0 || line.Contains('|')) continue;
            var f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 16) continue;
            list.Add(new NetCounters(line[..colon].Trim(), L(f[0]), L(f[1]), L(f[2]), L(f[8]), L(f[9]), L(f[10])));
        }
        return list;
    }

    public static List<DiskCounters> ParseDiskStats(string text)
    {
        var list = new List<DiskCounters>();
        foreach (var line in text.Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 14) continue;
            list.Add(new DiskCounters(f[2], L(f[3]), L(f[5]), L(f[7]), L(f[9]), L(f[12])));
        }
        return list;
    }

    /// <summary>Mounts whose type is a real (block-backed) file system, per /proc/filesystems; one entry per mount point.</summary>
    public static List<MountEntry> ParseMounts(string mounts, string filesystems)
    {
        var virtualTypes = filesystems.Split('\n')
            .Where(l => l.StartsWith("nodev", StringComparison.Ordinal))
            .Select(l => l[5..].Trim())
            .ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<MountEntry>();
        foreach (var line in mounts.Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || virtualTypes.Contains(f[2])) continue;
            var mount = Unescape(f[1]);
            if (seen.Add(mount)) list.Add(new MountEntry(Unescape(f[0]), mount, f[2]));
        }
        return list;
    }

    /// <summary>/proc/self/mounts writes space, tab, newline and backslash as octal escapes.</summary>
    private static string Unescape(string s) => s.Contains('\\')
        ? s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\")
        : s;

    /// <summary>uid → user name from /etc/passwd.</summary>
    public static Dictionary<int, string> ParsePasswd(string text)
    {
        var d = new Dictionary<int, string>();
        foreach (var line in text.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length >= 3 && int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int uid)) d.TryAdd(uid, f[0]);
        }
        return d;
    }

    /// <summary>/proc/&lt;pid&gt;/stat: the command may hold spaces and parentheses, so fields are counted after the last ')'.</summary>
    public static ProcStat? ParseProcStat(string text)
    {
        int open = text.IndexOf('(');
        int close = text.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        var f = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // f[0] is field 3 (state); field n is f[n - 3].
        if (f.Length < 22) return null;
        return new ProcStat(
            int.Parse(text[..open].Trim(), CultureInfo.InvariantCulture),
            text[(open + 1)..close],
            f[0],
            int.Parse(f[1], CultureInfo.InvariantCulture),
            U(f[11]) + U(f[12]),
            int.Parse(f[17], CultureInfo.InvariantCulture),
            U(f[19]),
            L(f[21]));
    }
}

/// <summary>The fields of /proc/&lt;pid&gt;/stat (or a task's) the process table uses; times in clock ticks, RSS in pages.</summary>
internal readonly record struct ProcStat(int Pid, string Comm, string State, int Ppid, ulong CpuTicks, int Threads, ulong StartTicks, long RssPages);
