using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>A full-rate sample of a unit.</summary>
public sealed record UnitSample(string Unit, MetricsSample Sample);

/// <summary>A unit's latest summary as the fleet view shows it.</summary>
public sealed record UnitSummary(string Unit, MetricsSummary Summary, DateTimeOffset ReceivedAt);

/// <summary>
/// Takes what agents report: keeps the latest figures per unit, fans them out, queues history points
/// (written in batches by <see cref="MetricsMaintenance"/>) and feeds the alert rules.
/// Raw points use the station's clock, so a unit with a wrong clock still lands in the right bucket.
/// </summary>
public sealed class MetricsIngest(Alerts alerts, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, UnitSummary> _summaries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (MetricsSample Sample, DateTimeOffset At)> _samples = new(StringComparer.Ordinal);
    private ConcurrentQueue<RawPoint> _pending = new();

    public Notifier<UnitSample> Samples { get; } = new();
    public Notifier<UnitSummary> Summaries { get; } = new();

    public void OnSample(string unit, MetricsSample sample)
    {
        var now = time.GetUtcNow();
        _samples[unit] = (sample, now);
        var t = sample.Totals;
        _pending.Enqueue(new RawPoint(unit, now.ToUnixTimeSeconds(), sample.Cpu.BusyPercent, sample.Memory.UsedBytes, sample.Memory.TotalBytes,
            t.NetRxBytesPerSec, t.NetTxBytesPerSec, t.DiskReadBytesPerSec, t.DiskWriteBytesPerSec));
        alerts.OnCpu(unit, sample.Cpu.BusyPercent);
        Samples.Publish(new UnitSample(unit, sample));
    }

    public void OnSummary(string unit, MetricsSummary summary)
    {
        var now = time.GetUtcNow();
        var s = new UnitSummary(unit, summary, now);
        _summaries[unit] = s;
        // While full-rate samples flow they are the history; the summary would only repeat them.
        if (!_samples.TryGetValue(unit, out var last) || now - last.At > TimeSpan.FromSeconds(5))
        {
            _pending.Enqueue(new RawPoint(unit, now.ToUnixTimeSeconds(), summary.CpuPercent, summary.MemUsedBytes, summary.MemTotalBytes,
                summary.NetRxBytesPerSec, summary.NetTxBytesPerSec, summary.DiskReadBytesPerSec, summary.DiskWriteBytesPerSec));
            alerts.OnCpu(unit, summary.CpuPercent);
        }
        alerts.OnFileSystems(unit, summary.FileSystems);
        Summaries.Publish(s);
    }

    public UnitSummary? LatestSummary(string unit) => _summaries.GetValueOrDefault(unit);

    public IReadOnlyList<UnitSummary> LatestSummaries() => _summaries.Values.ToList();

    public MetricsSample? LatestSample(string unit) => _samples.TryGetValue(unit, out var s) ? s.Sample : null;

    /// <summary>Takes every queued point for the store.</summary>
    public IReadOnlyCollection<RawPoint> TakePending()
    {
        var taken = Interlocked.Exchange(ref _pending, new ConcurrentQueue<RawPoint>());
        return taken.ToArray();
    }
}
