using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Console.Blazor.Services.Uplink;

/// <summary>
/// The figures of the units below this station, sent up (README, "Layered stations"): every summary this station receives
/// of a unit of its subtree goes up as it comes (<see cref="IAgentHub.ReportSummaryOf"/>); full-rate samples only of the
/// units the upper station watches (<see cref="IAgentClient.WatchMetricsOf"/>), which this station watches for it in turn.
/// Only units this station's ACL lets the group @upstream view (<see cref="UpstreamFigures"/>), checked at every figure.
/// </summary>
public sealed partial class UplinkMetrics(MetricsIngest ingest, MetricsWatch watch, UnitRegistry units, AccessControl access, ILogger<UplinkMetrics> logger) : IMetricsRelay, IAsyncDisposable
{
    private readonly UpstreamFigures _figures = new(access, units);
    private readonly ConcurrentDictionary<string, Task<IAsyncDisposable>> _watched = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private StationConnection? _link;
    private IDisposable? _summaries;

    /// <summary>Starts sending summaries through <paramref name="link"/>.</summary>
    public void Start(StationConnection link)
    {
        _link = link;
        _summaries = ingest.Summaries.Subscribe(s =>
        {
            if (!_figures.GoUp(s.Unit)) return;
            _ = link.ReportOfAsync(nameof(IAgentHub.ReportSummaryOf), s.Unit, s.Summary);
        });
    }

    public async Task WatchAsync(string unitId, bool on)
    {
        // A unit the group @upstream may not view here is not watched for the station above (its figures would not go up).
        if ((on && !_figures.GoUp(unitId)) || _link is not { } link) return;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (on && !_watched.ContainsKey(unitId))
                _watched[unitId] = watch.WatchAsync(unitId, sample =>
                {
                    // A grant withdrawn while watched: the samples stop going up at once.
                    if (_figures.GoUp(unitId)) _ = link.ReportOfAsync(nameof(IAgentHub.ReportSampleOf), unitId, sample);
                });
            else if (!on && _watched.TryRemove(unitId, out var handle))
                await (await handle.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWatchFailed(unitId, ex.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _summaries?.Dispose();
        foreach (var handle in _watched.Values)
        {
            try { await (await handle.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { LogWatchFailed("?", ex.Message); }
        }
        _watched.Clear();
        _gate.Dispose();
    }

    [LoggerMessage(1910, LogLevel.Warning, "Uplink: could not switch full-rate metrics of unit {Unit} for the upper station: {Error}")]
    private partial void LogWatchFailed(string unit, string error);
}
