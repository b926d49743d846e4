using System.Threading.Channels;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// The users' notification centres (<c>/api/v1/notifications</c>). Events are posted without waiting
/// (<see cref="Post"/> only writes to a bounded queue, so a task's end or an agent's report never waits for the store);
/// one loop stores each event for the users it concerns (a task's owner, or everyone who may see the unit, each as their
/// preferences say; failures always come), tells the open consoles (<see cref="Posted"/>) and then hands the event on to
/// the targets (<see cref="Heard"/>). A child of a bulk task is not announced on its own: its parent's end speaks for it.
/// </summary>
public sealed class NotificationCentre : IHostedService, IDisposable
{
    public const int QueueCapacity = 10_000, KeepPerUser = 1000, DefaultLimit = 50, MaxLimit = 500, Remembered = 4096, Batch = 256;

    private readonly NotificationStore _store;
    private readonly AccessControl _access;
    private readonly ILogger _logger;
    private readonly Channel<NotificationEvent> _queue = Channel.CreateBounded<NotificationEvent>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PreferenceRow> _prefs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _posted, _handled, _dropped;
    private int _disposed;

    public NotificationCentre(StationDb db, AccessControl access, ILogger<NotificationCentre>? logger = null)
    {
        _store = new NotificationStore(db);
        _access = access;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>A notification stored for a user: open consoles of that user show it at once.</summary>
    public Notifier<NotificationPosted> Posted { get; } = new();

    /// <summary>Every event once the centres have it (the targets' matchers listen here), on the centre's loop.</summary>
    public Notifier<NotificationEvent> Heard { get; } = new();

    /// <summary>Events dropped because the queue was full (the store stalled); counted, never waited for.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues an event; never waits. False when the queue is full and the event was dropped.</summary>
    public bool Post(NotificationEvent e)
    {
        if (_queue.Writer.TryWrite(e))
        {
            Interlocked.Increment(ref _posted);
            return true;
        }
        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Waits (bounded by the caller) until every event posted so far has been handled; for tests.</summary>
    public async Task IdleAsync(CancellationToken cancellationToken = default)
    {
        long target = Interlocked.Read(ref _posted);
        while (Interlocked.Read(ref _handled) < target) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
    }

    public Outcome<NotificationPage> List(Caller caller, bool? unreadOnly = null, int? limit = null)
    {
        int take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) return StationError.BadRequest($"'limit' must be between 1 and {MaxLimit}; the default is {DefaultLimit}");
        return new NotificationPage(_store.List(caller.Name, unreadOnly == true, take), _store.Unread(caller.Name));
    }

    public int Unread(Caller caller) => _store.Unread(caller.Name);

    /// <summary>Marks one of the caller's notifications read; 404 for one that is not theirs.</summary>
    public Outcome<bool> MarkRead(long id, Caller caller) =>
        _store.MarkRead(caller.Name, id) ? true : StationError.NotFound($"notification {id} not found");

    public int MarkAllRead(Caller caller) => _store.MarkAllRead(caller.Name);

    public NotificationPreferences Preferences(Caller caller) => PreferencesOf(caller.Name).View();

    private PreferenceRow PreferencesOf(string user) => _prefs.GetOrAdd(user, _store.Preferences);

    /// <summary>Changes the caller's preferences; a field left out keeps its value.</summary>
    public Outcome<NotificationPreferences> SetPreferences(NotificationPreferences? change, Caller caller)
    {
        if (change is null) return StationError.BadRequest("send the preferences as JSON, e.g. {\"taskSucceeded\": true}");
        var p = PreferencesOf(caller.Name);
        static long Bit(bool? value, long old) => value is { } v ? (v ? 1 : 0) : old;
        var saved = new PreferenceRow(Bit(change.TaskSucceeded, p.TaskSucceeded), Bit(change.BulkEnded, p.BulkEnded),
            Bit(change.UnitStatus, p.UnitStatus), Bit(change.Alerts, p.Alerts));
        _store.SavePreferences(caller.Name, saved);
        _prefs[caller.Name] = saved;
        return saved.View();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var token = _stop.Token;
        _loop = Task.Run(() => LoopAsync(token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var batch = new List<NotificationEvent>(Batch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < Batch && _queue.Reader.TryRead(out var e)) batch.Add(e);
                try { Handle(batch); }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A batch that cannot be stored (a store error) does not stop the ones after it.
                    NotificationLog.EventFailed(_logger, batch[0].Type, batch[0].Key, ex);
                }
                Interlocked.Add(ref _handled, batch.Count);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    /// <summary>Stores one event for the users it concerns and hands it to the targets; an event heard again is skipped.</summary>
    internal void Handle(NotificationEvent e) => Handle([e]);

    /// <summary>
    /// Stores a batch of events (in one transaction) for the users each concerns, tells the open consoles, and hands each to
    /// the targets. An event heard again is skipped, and so is a bulk task's child (its parent's end speaks for it).
    /// </summary>
    private void Handle(IReadOnlyList<NotificationEvent> events)
    {
        var fresh = events.Where(e => Remember(e.Key))
            .Where(e => !(e.TaskId is { } taskId && e.Type is NotificationTypes.TaskFailed or NotificationTypes.TaskSucceeded && _store.IsBulkChild(taskId)))
            .ToList();
        if (fresh.Count == 0) return;
        foreach (var posted in _store.Add([.. fresh.Select(e => (e, (IReadOnlyList<string>)Recipients(e)))]))
        {
            Posted.Publish(posted);
            if (posted.Notification.Id % 100 == 0) _store.Trim(posted.User, KeepPerUser);
        }
        foreach (var e in fresh) Heard.Publish(e);
    }

    private List<string> Recipients(NotificationEvent e)
    {
        IEnumerable<string> candidates = e.Owner is { } owner ? [owner]
            : e.Unit is { } unit ? _store.Users().Where(u => _access.CanSeeUnit(_access.Resolve(u), unit))
            : [];
        return candidates.Where(u => PreferencesOf(u).Wants(e.Type)).ToList();
    }

    private bool Remember(string key)
    {
        if (!_seen.Add(key)) return false;
        _seenOrder.Enqueue(key);
        if (_seenOrder.Count > Remembered) _seen.Remove(_seenOrder.Dequeue());
        return true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
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
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }
}
