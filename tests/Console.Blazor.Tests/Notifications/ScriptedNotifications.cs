using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Tests.Notifications;

/// <summary>A user's notification centre held in memory; <see cref="Push"/> stands for the station storing a new one.</summary>
internal sealed class ScriptedNotifications : IConsoleNotifications
{
    private readonly List<Action<NotificationView>> _handlers = [];

    public List<NotificationView> Items { get; } = [];
    public NotificationPreferences Prefs { get; private set; } = new(false, true, true, true);
    public int Subscribers => _handlers.Count;

    public NotificationPage List(int limit = 30) =>
        new([.. Items.OrderByDescending(n => n.Id).Take(limit)], Items.Count(n => !n.Read));

    public Outcome<bool> MarkRead(long id)
    {
        int i = Items.FindIndex(n => n.Id == id);
        if (i < 0) return StationError.NotFound($"notification {id} not found");
        Items[i] = Items[i] with { Read = true };
        return true;
    }

    public int MarkAllRead()
    {
        int n = Items.Count(x => !x.Read);
        for (int i = 0; i < Items.Count; i++) Items[i] = Items[i] with { Read = true };
        return n;
    }

    public NotificationPreferences Preferences() => Prefs;

    public Outcome<NotificationPreferences> SetPreferences(NotificationPreferences change)
    {
        Prefs = new(change.TaskSucceeded ?? Prefs.TaskSucceeded, change.BulkEnded ?? Prefs.BulkEnded, change.UnitStatus ?? Prefs.UnitStatus, change.Alerts ?? Prefs.Alerts);
        return Prefs;
    }

    public IDisposable Subscribe(Action<NotificationView> handler)
    {
        lock (_handlers) _handlers.Add(handler);
        return new Unsubscribe(() => { lock (_handlers) _handlers.Remove(handler); });
    }

    /// <summary>Stores a notification and tells the subscribers, from another thread as the station's loop does.</summary>
    public async Task Push(NotificationView n)
    {
        Items.Add(n);
        Action<NotificationView>[] handlers;
        lock (_handlers) handlers = [.. _handlers];
        await Task.Run(() => { foreach (var h in handlers) h(n); }).WaitAsync(TimeSpan.FromSeconds(10));
    }

    public static NotificationView Failed(long id, long task) =>
        new(id, NotificationTypes.TaskFailed, NotificationSeverities.Error, $"Task {task} (fs.copy on u1) failed", "disk full",
            new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero), false, task, "u1");

    public static NotificationView Offline(long id, string unit) =>
        new(id, NotificationTypes.UnitOffline, NotificationSeverities.Warning, $"{unit} went offline", "offline",
            new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero), false, null, unit);

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
