namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>The figures of one point of history.</summary>
public sealed record MetricValues(
    double CpuPercent,
    double MemUsedBytes,
    double NetRxBytesPerSec,
    double NetTxBytesPerSec,
    double DiskReadBytesPerSec,
    double DiskWriteBytesPerSec);

/// <summary>
/// One point of <c>GET /api/v1/units/{id}/metrics</c>: the average over its bucket, with the bucket's
/// min and max where the step is coarser than the raw points (null for step 1s).
/// </summary>
public sealed record MetricPoint(
    DateTimeOffset T,
    double CpuPercent,
    double MemUsedBytes,
    long MemTotalBytes,
    double NetRxBytesPerSec,
    double NetTxBytesPerSec,
    double DiskReadBytesPerSec,
    double DiskWriteBytesPerSec,
    int Samples,
    MetricValues? Min,
    MetricValues? Max);

public sealed record MetricsHistory(string Unit, string Step, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MetricPoint> Points);

/// <summary>A raw point as the ingest queues it for the store.</summary>
public readonly record struct RawPoint(string Unit, long T, double Cpu, long MemUsed, long MemTotal, double Rx, double Tx, double DiskRead, double DiskWrite);

/// <summary>The three resolutions and how long each is kept.</summary>
public sealed record MetricsStep(string Name, int Seconds, string Table, TimeSpan Retention)
{
    public static readonly MetricsStep Raw = new("1s", 1, "metrics_1s", TimeSpan.FromHours(1));
    public static readonly MetricsStep Minute = new("1m", 60, "metrics_1m", TimeSpan.FromDays(7));
    public static readonly MetricsStep Hour = new("1h", 3600, "metrics_1h", TimeSpan.FromDays(90));
    public static readonly IReadOnlyList<MetricsStep> All = [Raw, Minute, Hour];

    public static MetricsStep? Parse(string? name) => All.FirstOrDefault(s => s.Name == name);
}
