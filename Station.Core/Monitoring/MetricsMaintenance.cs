using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>
/// The history's background job: writes queued points once a second in one transaction, rolls recent
/// points up into minute and hour buckets every 15 s, and prunes what is past retention every minute.
/// </summary>
public sealed partial class MetricsMaintenance(MetricsIngest ingest, MetricsStore store, TimeProvider time, ILogger<MetricsMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        long tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                tick++;
                try { RunOnce(tick); }
                catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
                {
                    LogFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        store.Append(ingest.TakePending());
    }

    /// <summary>One pass of the job; <paramref name="tick"/> counts seconds since start.</summary>
    public void RunOnce(long tick)
    {
        store.Append(ingest.TakePending());
        var now = time.GetUtcNow();
        if (tick % 15 == 0) store.Rollup(now.AddMinutes(-2), now);
        if (tick % 60 == 0)
        {
            store.Rollup(now.AddHours(-1), now);
            store.Prune(now);
        }
    }

    [LoggerMessage(510, LogLevel.Warning, "Metrics history maintenance failed: {Error}")]
    private partial void LogFailed(string error);
}
