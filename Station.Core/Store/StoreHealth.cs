using Dapper;

namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Backs /healthz: the store is healthy when a write commits. The probe write waits its turn at the store's write
/// gate like every other writer, so under a burst a health check that wrote each time would answer only as fast as
/// the queue of writers moves. Instead one probe at a time runs on a thread of its own, at most every
/// <see cref="ProbeInterval"/>, and a check answers from the latest finished probe while a newer one waits its turn;
/// a check waits for a probe (up to <see cref="ProbeWait"/>) only when no probe finished within <see cref="MaxAge"/>
/// (the busy_timeout every connection has: a write still queued after that is a store that does not take writes).
/// </summary>
public sealed class StoreHealth(StationDb db, TimeProvider? time = null)
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private (bool Healthy, string Detail, long At)? _last;
    private Task<(bool, string)>? _running;

    /// <summary>What a request that found the store's disk full is told.</summary>
    public string FullMessage() => db.Space.FullMessage();

    public (bool Healthy, string Detail) Check()
    {
        if (db.Space.Shortage() is { } shortage) return (false, shortage);
        Task<(bool, string)> probe;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            if (_last is { } last && _time.GetElapsedTime(last.At, _time.GetTimestamp()) < ProbeInterval) return (last.Healthy, last.Detail);
            probe = _running ??= Task.Factory.StartNew(Probe, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            // A recent answer still stands while the next probe runs.
            if (_last is { } recent && _time.GetElapsedTime(recent.At, now) < MaxAge) return (recent.Healthy, recent.Detail);
        }
        return probe.Wait(ProbeWait) ? probe.Result : (false, $"store not writable: a test write has not committed within {ProbeWait.TotalSeconds:0} s");
    }

    private (bool, string) Probe()
    {
        (bool Healthy, string Detail) result;
        try
        {
            using var c = db.Open();
            using (db.Writing())
                c.Execute("INSERT INTO settings(key, value) VALUES ('health_probe', @now) ON CONFLICT(key) DO UPDATE SET value=@now",
                    new { now = _time.GetUtcNow().ToString("O") });
            result = (true, "store writable");
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            result = (false, StoreSpace.IsDiskFull(ex) ? db.Space.FullMessage() : "store not writable: " + ex.Message);
        }
        lock (_gate)
        {
            _last = (result.Healthy, result.Detail, _time.GetTimestamp());
            _running = null;
        }
        return result;
    }
}
