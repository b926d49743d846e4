using System.Text.Json;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// Routes every event the centre heard through the matchers: to a target at once (the delivery queue), or into the store
/// until its digest is due. Once a minute on the injected clock it sends every digest whose period (the hour, or the day in
/// the matcher's time zone, the oldest waiting event fell in) has ended: all the events waiting for that matcher and target
/// in one delivery. Waiting events are stored, so a digest survives a restart.
/// </summary>
public sealed class NotificationRouter : IHostedService, IDisposable
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMinutes(1);

    private readonly NotificationCentre _centre;
    private readonly NotificationMatchers _matchers;
    private readonly DeliveryWorkers _queue;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private IDisposable? _subscription;
    private Task? _loop;
    private int _disposed;

    public NotificationRouter(NotificationCentre centre, NotificationMatchers matchers, DeliveryWorkers queue, TimeProvider? time = null,
        ILogger<NotificationRouter>? logger = null)
    {
        _centre = centre;
        _matchers = matchers;
        _queue = queue;
        _clock = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = _centre.Heard.Subscribe(Route);
        var token = _stop.Token;
        _loop = Task.Run(() => LoopAsync(token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Sends the event to each target of each matcher it passes, at once or into a digest.</summary>
    internal void Route(NotificationEvent e)
    {
        foreach (var rule in _matchers.Rules.Where(r => r.Matches(e)))
            foreach (var target in rule.Targets)
            {
                if (rule.Digest == DigestPolicies.Immediately) _queue.Enqueue(target, new DeliveryPayload([e]));
                else _matchers.Store.AddDigest(rule.Id, target, JsonSerializer.Serialize(e, NotificationTargets.Json), StoreTime.Format(e.At));
            }
    }

    /// <summary>Sends every digest whose period has ended by <paramref name="now"/>; returns how many deliveries it queued.</summary>
    internal int FlushDue(DateTimeOffset now)
    {
        var rules = _matchers.Rules.ToDictionary(r => r.Id);
        var sent = new List<long>();
        int deliveries = 0;
        foreach (var group in _matchers.Store.Digests().GroupBy(d => (d.MatcherId, d.TargetId)))
        {
            var rows = group.ToList();
            if (!rules.TryGetValue(group.Key.MatcherId, out var rule) || rule.Digest == DigestPolicies.Immediately)
            {
                sent.AddRange(rows.Select(r => r.Id)); // the matcher went or sends at once now: what waited is dropped
                continue;
            }
            if (now < rule.PeriodEnd(StoreTime.Parse(rows[0].At))) continue;
            var events = rows.Select(r => JsonSerializer.Deserialize<NotificationEvent>(r.Event, NotificationTargets.Json)).OfType<NotificationEvent>().ToList();
            if (events.Count > 0 && _queue.Enqueue(group.Key.TargetId, new DeliveryPayload(events, rule.Digest))) deliveries++;
            sent.AddRange(rows.Select(r => r.Id));
        }
        if (sent.Count > 0) _matchers.Store.RemoveDigests(sent);
        return deliveries;
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushEvery, _clock, stop).ConfigureAwait(false);
                FlushDue(_clock.GetUtcNow());
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A store error: the digests stay stored and are looked at again at the next pass.
                NotificationLog.EventFailed(_logger, "digest", "flush", ex);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        if (!await _stop.TryCancelAsync().ConfigureAwait(false)) return;
        if (_loop is { } loop)
        {
            try { await loop.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false); }
            catch (TimeoutException) { }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Disposed once, though the container disposes it twice (as itself and as the hosted service it also is).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _subscription?.Dispose();
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }
}
