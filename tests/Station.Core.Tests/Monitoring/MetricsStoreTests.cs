using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Station.Core.Tests.Monitoring;

public sealed class MetricsStoreTests : IDisposable
{
    private readonly MonitoringFixture _f = new();
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public void Dispose() => _f.Dispose();

    private static RawPoint Point(string unit, DateTimeOffset t, double cpu) =>
        new(unit, t.ToUnixTimeSeconds(), cpu, (long)(cpu * 1000), 100_000, cpu * 10, cpu * 20, cpu * 30, cpu * 40);

    [Fact]
    public void SyntheticPoints_ReadBackAtEachStep_GiveTheRightMinAvgMax()
    {
        // Two hours of one point a second; cpu runs 0..59 within every minute, plus 100 in the 30th minute of the second hour.
        var points = new List<RawPoint>();
        for (int s = 0; s < 7200; s++) points.Add(Point("a", T0.AddSeconds(s), s == 3600 + 30 * 60 + 5 ? 100 : s % 60));
        points.Add(Point("b", T0, 99)); // another unit never leaks in
        _f.Store.Append(points);
        _f.Store.Rollup(T0, T0.AddHours(2));

        var raw = _f.Store.Read("a", T0.AddSeconds(10), T0.AddSeconds(19), MetricsStep.Raw);
        Assert.Equal(10, raw.Count);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => (double)i), raw.Select(p => p.CpuPercent));
        Assert.All(raw, p => { Assert.Null(p.Min); Assert.Null(p.Max); Assert.Equal(100_000, p.MemTotalBytes); });

        var minutes = _f.Store.Read("a", T0, T0.AddMinutes(119), MetricsStep.Minute);
        Assert.Equal(120, minutes.Count);
        var m = minutes[0];
        Assert.Equal((60, 0.0, 29.5, 59.0), (m.Samples, m.Min!.CpuPercent, m.CpuPercent, m.Max!.CpuPercent));
        Assert.Equal((0.0, 29.5 * 40, 59.0 * 40), (m.Min.DiskWriteBytesPerSec, m.DiskWriteBytesPerSec, m.Max.DiskWriteBytesPerSec));
        var spike = minutes[90];
        Assert.Equal(100, spike.Max!.CpuPercent);
        Assert.Equal((29.5 * 60 - 5 + 100) / 60, spike.CpuPercent, 6);

        var hours = _f.Store.Read("a", T0, T0.AddHours(2), MetricsStep.Hour);
        Assert.Equal(2, hours.Count);
        Assert.Equal((3600, 0.0, 29.5, 59.0), (hours[0].Samples, hours[0].Min!.CpuPercent, hours[0].CpuPercent, hours[0].Max!.CpuPercent));
        Assert.Equal(100, hours[1].Max!.CpuPercent);
        Assert.Equal((29.5 * 3600 - 5 + 100) / 3600, hours[1].CpuPercent, 6);
        Assert.Equal(T0.AddHours(1), hours[1].T);
    }

    [Fact]
    public void Rollup_IsIdempotent_AndIncludesLatePoints()
    {
        _f.Store.Append([Point("a", T0, 10), Point("a", T0.AddSeconds(1), 20)]);
        _f.Store.Rollup(T0, T0.AddMinutes(1));
        _f.Store.Append([Point("a", T0.AddSeconds(2), 60)]);
        _f.Store.Rollup(T0, T0.AddMinutes(1));
        var m = Assert.Single(_f.Store.Read("a", T0, T0.AddMinutes(1), MetricsStep.Minute));
        Assert.Equal((3, 10.0, 30.0, 60.0), (m.Samples, m.Min!.CpuPercent, m.CpuPercent, m.Max!.CpuPercent));
    }

    [Fact]
    public void Prune_RemovesExactlyWhatIsPastRetention()
    {
        var now = T0.AddDays(100);
        // One point just past and one just within each retention.
        _f.Store.Append([Point("a", now - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1), 1), Point("a", now - TimeSpan.FromHours(1), 2)]);
        _f.Store.Rollup(now.AddDays(-8), now);
        _f.Store.Append([Point("a", now.AddDays(-8), 3), Point("a", now.AddDays(-7).AddMinutes(1), 4)]);
        _f.Store.Rollup(now.AddDays(-8), now);
        _f.Store.Append([Point("a", now.AddDays(-91), 5), Point("a", now.AddDays(-90).AddHours(1), 6)]);
        _f.Store.Rollup(now.AddDays(-91), now);
        long raw = _f.Store.Count(MetricsStep.Raw), min = _f.Store.Count(MetricsStep.Minute), hour = _f.Store.Count(MetricsStep.Hour);

        var removed = _f.Store.Prune(now);

        Assert.Equal(new Dictionary<string, int> { ["1s"] = 5, ["1m"] = 3, ["1h"] = 1 }, removed);
        Assert.Equal(raw - 5, _f.Store.Count(MetricsStep.Raw));
        Assert.Equal(2, _f.Store.Read("a", now.AddHours(-2), now, MetricsStep.Raw).Single().CpuPercent);
        Assert.Equal(min - 3, _f.Store.Count(MetricsStep.Minute));
        Assert.Equal(hour - 1, _f.Store.Count(MetricsStep.Hour));
        Assert.Empty(_f.Store.Read("a", now.AddDays(-100), now.AddDays(-90).AddMinutes(-1), MetricsStep.Hour));
    }
}
