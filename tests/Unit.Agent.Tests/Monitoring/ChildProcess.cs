using System.Diagnostics;

namespace Ccdsvm.Unit.Agent.Tests.Monitoring;

/// <summary>A process a test starts and always kills, with its whole tree, in cleanup.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new ChildProcess(Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}"));
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}

/// <summary>Independent readings of /proc for comparison, parsed here rather than with the agent's parsers.</summary>
internal static class ProcReading
{
    /// <summary>(busy, total) jiffies of the aggregate cpu line.</summary>
    public static (ulong Busy, ulong Total) Cpu()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(ulong.Parse).ToArray();
        ulong total = f.Aggregate(0UL, (a, b) => a + b);
        return (total - f[3] - f[4], total);
    }

    public static (long Rx, long Tx) Interface(string name)
    {
        var line = File.ReadLines("/proc/net/dev").First(l => l.TrimStart().StartsWith(name + ":", StringComparison.Ordinal));
        var f = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(f[8], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static long SectorsWritten(string device)
    {
        var f = File.ReadLines("/proc/diskstats").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(x => x[2] == device);
        return long.Parse(f[9], System.Globalization.CultureInfo.InvariantCulture) * 512;
    }

    /// <summary>utime + stime of a process, in clock ticks (1/100 s).</summary>
    public static long CpuTicks(int pid)
    {
        var f = File.ReadAllText($"/proc/{pid}/stat");
        var fields = f[(f.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static int Threads(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The whole disk holding a path, from its mount's device (e.g. /dev/vda → vda, /dev/sda1 → sda).</summary>
    public static string DiskOf(string path)
    {
        var mounts = File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f[0].StartsWith("/dev/", StringComparison.Ordinal))
            .OrderByDescending(f => f[1].Length).ToList();
        var full = Path.GetFullPath(path);
        var m = mounts.First(f => full == f[1] || full.StartsWith(f[1].TrimEnd('/') + "/", StringComparison.Ordinal));
        var dev = Path.GetFileName(m[0]);
        var parent = Directory.Exists($"/sys/class/block/{dev}") && File.Exists($"/sys/class/block/{dev}/partition")
            ? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(new DirectoryInfo($"/sys/class/block/{dev}").ResolveLinkTarget(true)!.FullName))!)
            : dev;
        return parent;
    }
}
