using System.Diagnostics;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Unit.Agent.Monitoring;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Bench;

/// <summary>
/// <c>Ccdsvm.Bench monitor-load [seconds]</c>: (1) the agent's own CPU while sampling once a second, read
/// from /proc/self/stat; (2) the station's CPU and memory while 1,000 simulated units each send a summary
/// every 10 s, fed straight into the ingest service with the real alert rules and the real SQLite history
/// writer (the hub and network are not part of this figure).
/// </summary>
public static class MonitorLoad
{
    public static async Task RunAsync(string[] args)
    {
        int seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 60;
        Console.WriteLine($"machine: {Environment.ProcessorCount} CPUs, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1048576} MiB");
        await AgentAsync(seconds);
        await StationAsync(seconds, 1000);
    }

    private static long CpuTicks()
    {
        var f = File.ReadAllText("/proc/self/stat");
        var fields = f[(f.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task AgentAsync(int seconds)
    {
        var sampler = new SystemSampler(new ProcessScanner());
        sampler.Sample();
        long ticks = CpuTicks();
        var clock = Stopwatch.StartNew();
        var per = new List<double>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        for (int i = 0; i < seconds && await timer.WaitForNextTickAsync(); i++)
        {
            var one = Stopwatch.StartNew();
            var sample = sampler.Sample();
            per.Add(one.Elapsed.TotalMilliseconds);
            if (i == 0) Console.WriteLine($"agent: {sample.ProcessCount} processes, {sample.ThreadCount} threads, {sample.Network.Count} interfaces, {sample.Disks.Count} disks, {sample.FileSystems.Count} file systems per sample");
        }
        double cpu = (CpuTicks() - ticks) / 100.0 / clock.Elapsed.TotalSeconds * 100;
        per.Sort();
        Console.WriteLine($"agent sampling at 1 s for {seconds} s: {cpu:0.00} % of one CPU; per sample median {per[per.Count / 2]:0.0} ms, p95 {per[(int)(per.Count * 0.95)]:0.0} ms");
    }

    private static async Task StationAsync(int seconds, int units)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ccdsvm-monitor-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var db = new StationDb(Path.Combine(dir, "station.db"));
            using (var c = db.Open()) Migrations.Apply(c);
            var registry = new UnitRegistry(db);
            var now = DateTimeOffset.UtcNow;
            for (int i = 0; i < units; i++)
                registry.Online($"c{i}", new UnitInventory($"u{i:0000}", $"u{i:0000}", "h", "Debian", "6.1", 2, 1L << 30, [], [], [], "bench", null), now);
            var alerts = new Alerts(Options.Create(new MonitoringOptions()), registry, TimeProvider.System);
            var ingest = new MetricsIngest(alerts, TimeProvider.System);
            var store = new MetricsStore(db);
            var maintenance = new MetricsMaintenance(ingest, store, TimeProvider.System, NullLogger<MetricsMaintenance>.Instance);
            FileSystemFigures[] fs = [new("/", "/dev/vda", "ext4", 100L << 30, 40L << 30, 60L << 30), new("/srv", "/dev/vdb", "xfs", 500L << 30, 450L << 30, 50L << 30)];

            GC.Collect();
            long memBefore = Process.GetCurrentProcess().WorkingSet64;
            long ticks = CpuTicks();
            var clock = Stopwatch.StartNew();
            long sent = 0, tick = 0;
            var rnd = new Random(1);
            // Units are spread over the 10 s period: each second a tenth of them report.
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (clock.Elapsed.TotalSeconds < seconds && await timer.WaitForNextTickAsync())
            {
                tick++;
                for (int i = (int)(tick % 10); i < units; i += 10)
                {
                    ingest.OnSummary($"u{i:0000}", new MetricsSummary(DateTimeOffset.UtcNow, rnd.NextDouble() * 100, 400L << 20, 1L << 30,
                        rnd.Next(100_000), rnd.Next(100_000), rnd.Next(1_000_000), rnd.Next(1_000_000), 0.5, fs));
                    sent++;
                }
                maintenance.RunOnce(tick);
            }
            double cpu = (CpuTicks() - ticks) / 100.0 / clock.Elapsed.TotalSeconds * 100;
            var p = Process.GetCurrentProcess();
            Console.WriteLine($"station ingest, {units} units, summary every 10 s, {seconds} s: {sent} summaries ({sent / clock.Elapsed.TotalSeconds:0} /s), "
                + $"{cpu:0.00} % of one CPU, working set {p.WorkingSet64 / 1048576} MiB (+{(p.WorkingSet64 - memBefore) / 1048576} MiB), managed heap {GC.GetTotalMemory(false) / 1048576} MiB, "
                + $"{store.Count(MetricsStep.Raw)} raw points, {alerts.Active().Count} active alerts");

            // Headroom: how fast the same path runs flat out.
            var burst = Stopwatch.StartNew();
            long burstTicks = CpuTicks();
            const int n = 100_000;
            for (int k = 0; k < n; k++)
            {
                ingest.OnSummary($"u{k % units:0000}", new MetricsSummary(DateTimeOffset.UtcNow, 50, 400L << 20, 1L << 30, 1, 2, 3, 4, 0.5, fs));
                if (k % 10_000 == 9_999) store.Append(ingest.TakePending());
            }
            Console.WriteLine($"station ingest flat out: {n / burst.Elapsed.TotalSeconds:0} summaries/s including SQLite writes ({(CpuTicks() - burstTicks) / 100.0:0.00} CPU s)");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
