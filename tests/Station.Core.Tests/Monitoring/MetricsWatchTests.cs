using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Tests.Monitoring;

public sealed class MetricsWatchTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly MonitoringFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task TwoViewers_FirstStartsStreaming_LastToLeaveStopsIt()
    {
        var seen = new List<MetricsSample>();
        var one = await _f.Watch.WatchAsync("a", s => { lock (seen) seen.Add(s); }).WaitAsync(Timeout);
        var two = await _f.Watch.WatchAsync("a", _ => { }).WaitAsync(Timeout);
        Assert.Equal([("a", true)], _f.Link.Watches);
        Assert.Equal(2, _f.Watch.Viewers("a"));

        _f.Ingest.OnSample("a", Samples.Sample(50));
        _f.Ingest.OnSample("b", Samples.Sample(70));
        Assert.Equal(50, Assert.Single(seen).Cpu.BusyPercent);

        await one.DisposeAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal([("a", true)], _f.Link.Watches);
        await two.DisposeAsync().AsTask().WaitAsync(Timeout);
        await two.DisposeAsync().AsTask().WaitAsync(Timeout); // a second dispose changes nothing
        Assert.Equal([("a", true), ("a", false)], _f.Link.Watches);
        Assert.Equal(0, _f.Watch.Viewers("a"));

        _f.Ingest.OnSample("a", Samples.Sample(60));
        Assert.Single(seen);
    }

    [Fact]
    public async Task WatchedUnitReconnects_IsAskedToStreamAgain()
    {
        await using var w = await _f.Watch.WatchAsync("a", _ => { }).WaitAsync(Timeout);
        _f.Units.Offline("conn-a", _f.Time.Now);
        _f.Units.Online("conn-a2", MonitoringFixture.Inventory("a"), _f.Time.Now);
        var deadline = DateTime.UtcNow + Timeout;
        while (_f.Link.Watches.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal([("a", true), ("a", true)], _f.Link.Watches);
    }

    [Fact]
    public async Task LiveStream_EndsItsWatchWhenTheReaderStops()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var e = _f.Watch.StreamAsync("a", cts.Token).GetAsyncEnumerator(cts.Token);
        var next = e.MoveNextAsync().AsTask();
        var deadline = DateTime.UtcNow + Timeout;
        while (_f.Watch.Viewers("a") == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        _f.Ingest.OnSample("a", Samples.Sample(42));
        Assert.True(await next.WaitAsync(Timeout));
        Assert.Equal(42, e.Current.Cpu.BusyPercent);
        await cts.CancelAsync();
        Assert.False(await e.MoveNextAsync().AsTask().WaitAsync(Timeout));
        await e.DisposeAsync();
        Assert.Equal(0, _f.Watch.Viewers("a"));
        Assert.Equal(("a", false), _f.Link.Watches[^1]);
    }
}

internal static class Samples
{
    public static MetricsSample Sample(double cpu, IReadOnlyList<FileSystemFigures>? fs = null) => new(
        DateTimeOffset.UtcNow, new CpuFigures("cpu", cpu, cpu, 0, 0, 0), [], 0.5, 0.4, 0.3,
        new MemoryFigures(1000, 400, 600, 0, 0), [], [], fs ?? [], 100, 200, new UnitRates(1, 2, 3, 4));

    public static MetricsSummary Summary(double cpu, IReadOnlyList<FileSystemFigures>? fs = null) =>
        new(DateTimeOffset.UtcNow, cpu, 400, 1000, 1, 2, 3, 4, 0.5, fs ?? []);

    public static FileSystemFigures Fs(string mount, double usedPercent) =>
        new(mount, "/dev/vda", "ext4", 1000, (long)(usedPercent * 10), 1000 - (long)(usedPercent * 10));
}
