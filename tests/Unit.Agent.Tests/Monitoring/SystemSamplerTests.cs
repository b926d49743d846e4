using System.Net;
using System.Net.Sockets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Monitoring;

namespace Ccdsvm.Unit.Agent.Tests.Monitoring;

/// <summary>Each figure the sampler reports against load the test makes and an independent reading of /proc.</summary>
[Collection(nameof(SamplingCollection))]
public sealed class SystemSamplerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly SystemSampler _sampler = new(new ProcessScanner());

    [Fact]
    public async Task BusyLoop_RaisesCpuWithinTwoSamples()
    {
        _sampler.Sample();
        using var spinner = ChildProcess.Start("sh", "-c", "while :; do :; done");
        double floor = 100.0 / Environment.ProcessorCount * 0.6; // the loop alone keeps one CPU of n busy
        MetricsSample? hit = null;
        double independent = 0;
        for (int i = 0; i < 2 && hit is null; i++)
        {
            var before = ProcReading.Cpu();
            await Task.Delay(Interval);
            var sample = _sampler.Sample();
            var after = ProcReading.Cpu();
            independent = 100.0 * (after.Busy - before.Busy) / (after.Total - before.Total);
            if (sample.Cpu.BusyPercent >= floor) hit = sample;
        }
        Assert.NotNull(hit);
        Assert.InRange(hit.Cpu.BusyPercent, independent - 15, independent + 15);
        Assert.Equal(Environment.ProcessorCount, hit.Cores.Count);

        // The loop's own share, against its ticks read from /proc/<pid>/stat over the same window. On a
        // shared machine its share depends on everyone else's load, so the figures are compared, not fixed.
        long ticksBefore = ProcReading.CpuTicks(spinner.Pid);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _sampler.Sample();
        await Task.Delay(Interval);
        _sampler.Sample();
        long ticksAfter = ProcReading.CpuTicks(spinner.Pid);
        double loopIndependent = (ticksAfter - ticksBefore) / clock.Elapsed.TotalSeconds; // ticks are 1/100 s: per second = percent
        var row = _sampler.Processes.Table(_sampler.BootTime).Processes.Single(p => p.Pid == spinner.Pid);
        Assert.True(row.CpuPercent > 0, "the loop shows no CPU");
        Assert.InRange(row.CpuPercent, loopIndependent - 15, loopIndependent + 15);
        Assert.Equal("R", row.State);
    }

    [Fact]
    public async Task ProcessWithTwentyThreads_ShowsTwentyThreads()
    {
        const string script = "import threading, time\nfor _ in range(19): threading.Thread(target=time.sleep, args=(300,), daemon=True).start()\nprint('ready', flush=True)\ntime.sleep(300)\n";
        using var child = ChildProcess.Start("python3", "-c", script);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ProcReading.Threads(child.Pid) < 20 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(20, ProcReading.Threads(child.Pid));

        _sampler.Sample();
        var row = _sampler.Processes.Table(_sampler.BootTime).Processes.Single(p => p.Pid == child.Pid);
        Assert.InRange(row.Threads, 19, 21);
        Assert.Contains("python3", row.Command);
        Assert.Equal(Environment.UserName, row.User);
        Assert.Equal(Environment.ProcessId, row.Ppid);
        Assert.InRange(row.StartedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(2));
        var threads = _sampler.Processes.Threads(child.Pid);
        Assert.Null(threads.Error);
        Assert.InRange(threads.Threads.Count, 19, 21);
    }

    [Fact]
    public async Task LoopbackTraffic_RaisesLoByAtLeastTheBytesSent()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new UdpClient();
        var target = (IPEndPoint)receiver.Client.LocalEndPoint!;
        var first = Lo(_sampler.Sample());
        var payload = new byte[60_000];
        long sent = 0;
        for (int i = 0; i < 100; i++) sent += await sender.SendAsync(payload, target).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(Interval);
        var second = Lo(_sampler.Sample());
        var independent = ProcReading.Interface("lo");

        Assert.True(second.RxBytesTotal - first.RxBytesTotal >= sent, $"lo rx rose by {second.RxBytesTotal - first.RxBytesTotal}, sent {sent}");
        Assert.True(second.TxBytesTotal - first.TxBytesTotal >= sent);
        Assert.True(second.RxBytesPerSec * 3 >= sent, $"lo rx rate {second.RxBytesPerSec} B/s after sending {sent} B in about a second");
        Assert.InRange(second.RxBytesTotal, first.RxBytesTotal, independent.Rx);
    }

    [Fact]
    public async Task FsyncedFile_RaisesDiskWriteBytes()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "disk-test");
        Directory.CreateDirectory(dir);
        string device = ProcReading.DiskOf(dir);
        string file = Path.Combine(dir, $"{Guid.NewGuid():N}.bin");
        const int size = 16 * 1024 * 1024;
        try
        {
            var first = _sampler.Sample().Disks.Single(d => d.Device == device);
            long independentBefore = ProcReading.SectorsWritten(device);
            await using (var fs = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.WriteThrough))
            {
                var block = new byte[1 << 20];
                Random.Shared.NextBytes(block);
                for (int i = 0; i < size / block.Length; i++) await fs.WriteAsync(block).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                fs.Flush(flushToDisk: true);
            }
            var sample = _sampler.Sample();
            var second = sample.Disks.Single(d => d.Device == device);
            long independentAfter = ProcReading.SectorsWritten(device);

            Assert.True(second.WriteBytesTotal - first.WriteBytesTotal >= size, $"{device} writes rose by {second.WriteBytesTotal - first.WriteBytesTotal}, wrote {size}");
            Assert.True(second.WriteBytesPerSec > 0);
            Assert.True(sample.Totals.DiskWriteBytesPerSec >= second.WriteBytesPerSec);
            Assert.InRange(second.WriteBytesTotal, independentBefore, independentAfter);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Sample_ReportsMemoryLoadFileSystemsAndCounts()
    {
        _sampler.Sample();
        var s = _sampler.Sample();
        Assert.True(s.Memory.TotalBytes > 0 && s.Memory.UsedBytes > 0 && s.Memory.UsedBytes < s.Memory.TotalBytes);
        Assert.Contains(s.FileSystems, f => f.Mount == "/" && f.TotalBytes > 0);
        Assert.DoesNotContain(s.FileSystems, f => f.Type is "proc" or "sysfs" or "tmpfs" or "cgroup2");
        Assert.True(s.ProcessCount > 1 && s.ThreadCount >= s.ProcessCount);
        Assert.True(s.Load1 >= 0);
        Assert.Contains(s.Network, n => n.Interface == "lo");
    }

    private static NetworkFigures Lo(MetricsSample s) => s.Network.Single(n => n.Interface == "lo");
}

/// <summary>Sampling tests measure the whole machine: they run one at a time.</summary>
[CollectionDefinition(nameof(SamplingCollection), DisableParallelization = true)]
public sealed class SamplingCollection;
