using System.Globalization;

namespace Ccdsvm.FleetLoad;

/// <summary>A process's resident memory and CPU time from /proc: the station's (given --station-pid) and the generator's own.</summary>
public sealed class ProcessProbe(int pid)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public int Pid => pid;

    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    /// <summary>User plus system CPU seconds so far.</summary>
    public double CpuSeconds()
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ", field 3 is state: utime and stime are fields 14 and 15 of the whole line.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Percent of one core used over the window.</summary>
    public static async Task<(double Station, double Self)> CpuOverAsync(ProcessProbe station, ProcessProbe self, TimeSpan window)
    {
        double s0 = station.CpuSeconds(), m0 = self.CpuSeconds();
        await Task.Delay(window).ConfigureAwait(false);
        double s1 = station.CpuSeconds(), m1 = self.CpuSeconds();
        return (Math.Round((s1 - s0) / window.TotalSeconds * 100, 1), Math.Round((m1 - m0) / window.TotalSeconds * 100, 1));
    }
}
