using System.Collections.Concurrent;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Schedules;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// Listens to the station (tasks, units, alerts, schedule runs) and posts what the centre should hear. The handlers run on
/// the publishers' threads (an agent's report among them), so they only look at what they are given and post without waiting.
/// A unit's online state is remembered to announce only its changes, not every update of its inventory.
/// </summary>
public sealed class NotificationSources(NotificationCentre centre, TaskNotifier tasks, UnitRegistry units, Alerts? alerts,
    ScheduleService? schedules, TimeProvider? time = null) : IHostedService, IDisposable
{
    private readonly TimeProvider _clock = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, bool> _online = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _announcedOffline = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var u in units.All()) _online[u.Id] = u.Online;
        _subscriptions.Add(tasks.Subscribe(OnTask));
        _subscriptions.Add(units.Subscribe(OnUnit));
        if (alerts is not null) _subscriptions.Add(alerts.Subscribe(OnAlert));
        if (schedules is not null) _subscriptions.Add(schedules.RunsRecorded.Subscribe(OnScheduleRun));
        return Task.CompletedTask;
    }

    private void OnTask(TaskUpdate update)
    {
        if (update.Task.EndedAt is null) return;
        if (NotificationEvents.FromTask(update.Task, units.View(update.Task.Target)?.Tags) is { } e) centre.Post(e);
    }

    /// <summary>
    /// A unit that goes offline is announced, and so is its coming back; units reconnecting after a station restart (they
    /// come back offline from the store) or enrolled anew are not, or every restart would announce the whole fleet.
    /// </summary>
    private void OnUnit(UnitView unit)
    {
        bool now = unit.Online;
        if (!_online.TryGetValue(unit.Id, out bool was))
        {
            _online.TryAdd(unit.Id, now);
            return;
        }
        if (was == now || !_online.TryUpdate(unit.Id, now, was)) return;
        if (now && !_announcedOffline.TryRemove(unit.Id, out _)) return;
        if (!now) _announcedOffline[unit.Id] = true;
        centre.Post(NotificationEvents.FromUnit(unit, _clock.GetUtcNow()));
    }

    private void OnAlert(AlertChange change)
    {
        if (NotificationEvents.FromAlert(change, _clock.GetUtcNow(), units.View(change.Alert.Unit)?.Tags) is { } e) centre.Post(e);
    }

    private void OnScheduleRun(ScheduleRunRecorded run)
    {
        if (NotificationEvents.FromScheduleRun(run) is { } e) centre.Post(e);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var s in _subscriptions) s.Dispose();
            _subscriptions.Clear();
        }
    }
}
