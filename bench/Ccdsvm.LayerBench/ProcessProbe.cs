using System.Globalization;

namespace Ccdsvm.LayerBench;

/// <summary>A process's resident memory and CPU time from /proc (Linux).</summary>
public sealed class ProcessProbe(int pid)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public long RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return 0;
    }

    /// <summary>User plus system CPU seconds so far.</summary>
    public double CpuSeconds()
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>The load average over the last minute, as /proc/loadavg says.</summary>
    public static double LoadAverage() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
