using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>
/// Reference-counted viewers per unit: the first viewer turns the agent's full-rate stream on, the last
/// one to leave (or whose circuit or request dies and disposes its handle) turns it off. A unit that
/// reconnects while watched is asked again, since an agent starts every connection with streaming off.
/// </summary>
public sealed partial class MetricsWatch : IDisposable
{
    public void Dispose() => _send.Dispose();

    private readonly object _gate = new();
    private readonly Dictionary<string, int> _viewers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly IAgentMetricsLink _link;
    private readonly MetricsIngest _ingest;
    private readonly ILogger<MetricsWatch> _logger;

    public MetricsWatch(IAgentMetricsLink link, MetricsIngest ingest, UnitRegistry units, ILogger<MetricsWatch> logger)
    {
        _link = link;
        _ingest = ingest;
        _logger = logger;
        // Kept for the station's life, like the registry itself.
        units.Subscribe(OnUnit);
    }

    public int Viewers(string unit)
    {
        lock (_gate) return _viewers.GetValueOrDefault(unit);
    }

    /// <summary>Watches a unit and calls <paramref name="onSample"/> with each full-rate sample until the handle is disposed.</summary>
    public async Task<IAsyncDisposable> WatchAsync(string unit, Action<MetricsSample> onSample)
    {
        var subscription = _ingest.Samples.Subscribe(s => { if (s.Unit == unit) onSample(s.Sample); });
        bool first;
        lock (_gate)
        {
            int n = _viewers.GetValueOrDefault(unit) + 1;
            _viewers[unit] = n;
            first = n == 1;
        }
        if (first) await SendAsync(unit, true).ConfigureAwait(false);
        return new Handle(this, unit, subscription);
    }

    /// <summary>Full-rate samples of a unit for as long as the caller reads (an API live stream); the watch ends with the enumeration.</summary>
    public async IAsyncEnumerable<MetricsSample> StreamAsync(string unit, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded: a reader slower than the unit loses the oldest samples, never the station's memory.
        var channel = System.Threading.Channels.Channel.CreateBounded<MetricsSample>(
            new System.Threading.Channels.BoundedChannelOptions(16) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });
        await using var watch = (await WatchAsync(unit, s => channel.Writer.TryWrite(s)).ConfigureAwait(false)).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            MetricsSample sample;
            try { sample = await channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { yield break; }
            yield return sample;
        }
    }

    private async Task LeaveAsync(string unit)
    {
        bool last;
        lock (_gate)
        {
            int n = _viewers.GetValueOrDefault(unit) - 1;
            last = n <= 0;
            if (last) _viewers.Remove(unit);
            else _viewers[unit] = n;
        }
        if (last) await SendAsync(unit, false).ConfigureAwait(false);
    }

    private async Task SendAsync(string unit, bool on)
    {
        // One at a time, re-reading the count: a quick leave-then-watch must not end with the stream off.
        await _send.WaitAsync().ConfigureAwait(false);
        try
        {
            bool wanted;
            lock (_gate) wanted = _viewers.GetValueOrDefault(unit) > 0;
            if (wanted != on) return;
            await _link.WatchAsync(unit, on).ConfigureAwait(false);
            LogWatch(unit, on);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWatchFailed(unit, ex.Message);
        }
        finally
        {
            _send.Release();
        }
    }

    private void OnUnit(UnitView unit)
    {
        if (!unit.Online || Viewers(unit.Id) == 0) return;
        // The registry notifies synchronously from the hub call; the agent is asked in the background
        // and SendAsync logs its own failures.
        _ = SendAsync(unit.Id, true);
    }

    [LoggerMessage(500, LogLevel.Information, "Full-rate metrics for unit {Unit}: {On}")]
    private partial void LogWatch(string unit, bool on);

    [LoggerMessage(501, LogLevel.Warning, "Could not switch full-rate metrics for unit {Unit}: {Error}")]
    private partial void LogWatchFailed(string unit, string error);

    private sealed class Handle(MetricsWatch owner, string unit, IDisposable subscription) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            subscription.Dispose();
            await owner.LeaveAsync(unit).ConfigureAwait(false);
        }
    }
}
