using System.Diagnostics;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>
/// Reads /proc and /sys once per call and turns cumulative counters into rates since the previous call.
/// No process is started: every figure comes from a file read or a statvfs call. Not thread-safe: one caller.
/// </summary>
public sealed class SystemSampler(ProcessScanner processes)
{
    private List<CpuTimes>? _cpu;
    private Dictionary<string, NetCounters> _net = [];
    private Dictionary<string, DiskCounters> _disks = [];
    private long _at;
    private string? _filesystems;
    private readonly Dictionary<string, bool> _wholeDisk = new(StringComparer.Ordinal);

    public long BootTime { get; private set; }

    public ProcessScanner Processes => processes;

    public MetricsSample Sample()
    {
        long now = Stopwatch.GetTimestamp();
        double seconds = _at == 0 ? 0 : Stopwatch.GetElapsedTime(_at, now).TotalSeconds;
        _at = now;

        var (cpus, boot) = ProcFs.ParseStat(File.ReadAllText("/proc/stat"));
        BootTime = boot;
        var cpuFigures = new List<CpuFigures>(cpus.Count);
        for (int i = 0; i < cpus.Count; i++)
            cpuFigures.Add(CpuShare(cpus[i], _cpu is not null && i < _cpu.Count && _cpu[i].Name == cpus[i].Name ? _cpu[i] : null));
        _cpu = cpus;

        var mem = ProcFs.ParseMemInfo(File.ReadAllText("/proc/meminfo"));
        long total = mem.GetValueOrDefault("MemTotal"), available = mem.GetValueOrDefault("MemAvailable");
        long swapTotal = mem.GetValueOrDefault("SwapTotal");
        var memory = new MemoryFigures(total, total - available, available, swapTotal, swapTotal - mem.GetValueOrDefault("SwapFree"));

        var (l1, l5, l15) = ProcFs.ParseLoadAvg(File.ReadAllText("/proc/loadavg"));
        var network = Network(seconds);
        var disks = Disks(seconds);
        var (procCount, threadCount) = processes.Scan();

        var external = network.Where(n => n.Interface != "lo").ToList();
        var whole = disks.Where(d => CountsInTotal(d.Device)).ToList();
        var totals = new UnitRates(external.Sum(n => n.RxBytesPerSec), external.Sum(n => n.TxBytesPerSec),
            whole.Sum(d => d.ReadBytesPerSec), whole.Sum(d => d.WriteBytesPerSec));
        return new MetricsSample(DateTimeOffset.UtcNow, cpuFigures[0], cpuFigures.Skip(1).ToList(), l1, l5, l15, memory,
            network, disks, FileSystems(), procCount, threadCount, totals);
    }

    private static CpuFigures CpuShare(CpuTimes now, CpuTimes? before)
    {
        if (before is not { } b || now.Total <= b.Total) return new CpuFigures(now.Name, 0, 0, 0, 0, 0);
        double total = now.Total - b.Total;
        double P(ulong a, ulong z) => Math.Round(100.0 * (a - Math.Min(a, z)) / total, 2);
        double idle = P(now.Idle, b.Idle) + P(now.Iowait, b.Iowait);
        return new CpuFigures(now.Name, Math.Round(Math.Max(0, 100 - idle), 2),
            P(now.User + now.Nice, b.User + b.Nice),
            P(now.System + now.Irq + now.SoftIrq, b.System + b.Irq + b.SoftIrq),
            P(now.Iowait, b.Iowait), P(now.Steal, b.Steal));
    }

    private static double Rate(long now, long before, double seconds) =>
        seconds <= 0 || now < before ? 0 : Math.Round((now - before) / seconds, 1);

    private List<NetworkFigures> Network(double seconds)
    {
        var counters = ProcFs.ParseNetDev(File.ReadAllText("/proc/net/dev"));
        var list = new List<NetworkFigures>(counters.Count);
        foreach (var c in counters)
        {
            var b = _net.GetValueOrDefault(c.Interface, c);
            list.Add(new NetworkFigures(c.Interface, Rate(c.RxBytes, b.RxBytes, seconds), Rate(c.TxBytes, b.TxBytes, seconds),
                Rate(c.RxPackets, b.RxPackets, seconds), Rate(c.TxPackets, b.TxPackets, seconds),
                Rate(c.RxErrors, b.RxErrors, seconds), Rate(c.TxErrors, b.TxErrors, seconds), c.RxBytes, c.TxBytes));
        }
        _net = counters.ToDictionary(c => c.Interface, StringComparer.Ordinal);
        return list;
    }

    private List<DiskFigures> Disks(double seconds)
    {
        var counters = ProcFs.ParseDiskStats(File.ReadAllText("/proc/diskstats"));
        var list = new List<DiskFigures>();
        foreach (var c in counters)
        {
            // Idle loop and RAM devices are noise: every host has eight of them.
            if (c.ReadsCompleted == 0 && c.WritesCompleted == 0 && (c.Device.StartsWith("loop", StringComparison.Ordinal) || c.Device.StartsWith("ram", StringComparison.Ordinal))) continue;
            var b = _disks.GetValueOrDefault(c.Device, c);
            double busy = seconds <= 0 ? 0 : Math.Min(100, Math.Round((c.MsDoingIo - b.MsDoingIo) / (seconds * 10), 1));
            list.Add(new DiskFigures(c.Device, Rate(c.SectorsRead * 512, b.SectorsRead * 512, seconds), Rate(c.SectorsWritten * 512, b.SectorsWritten * 512, seconds),
                Rate(c.ReadsCompleted, b.ReadsCompleted, seconds), Rate(c.WritesCompleted, b.WritesCompleted, seconds), busy,
                c.SectorsRead * 512, c.SectorsWritten * 512));
        }
        _disks = counters.ToDictionary(c => c.Device, StringComparer.Ordinal);
        return list;
    }

    /// <summary>Whether a device counts toward the unit's disk totals: whole disks only, so partitions and loop files are not counted twice.</summary>
    public bool CountsInTotal(string device)
    {
        if (device.StartsWith("loop", StringComparison.Ordinal) || device.StartsWith("ram", StringComparison.Ordinal)) return false;
        if (!_wholeDisk.TryGetValue(device, out bool whole))
            _wholeDisk[device] = whole = !File.Exists($"/sys/class/block/{device}/partition");
        return whole;
    }

    private List<FileSystemFigures> FileSystems()
    {
        _filesystems ??= File.ReadAllText("/proc/filesystems");
        var list = new List<FileSystemFigures>();
        foreach (var m in ProcFs.ParseMounts(File.ReadAllText("/proc/self/mounts"), _filesystems))
        {
            if (LibC.statvfs(m.Mount, out var v) != 0 || v.Blocks == 0) continue;
            long size = (long)(v.Blocks * v.Frsize);
            long free = (long)(v.Bfree * v.Frsize);
            list.Add(new FileSystemFigures(m.Mount, m.Device, m.Type, size, size - free, (long)(v.Bavail * v.Frsize)));
        }
        return list;
    }
}
