using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>SQL for the users' notification centres and preferences. Writes take the store's write gate.</summary>
internal sealed class NotificationStore(StationDb db)
{
    private const string Columns = "id AS Id, type AS Type, severity AS Severity, title AS Title, message AS Message, at AS At, read AS Read, task_id AS TaskId, unit AS Unit";

    /// <summary>
    /// Stores each event for each of its users who has not got it yet, all in one transaction (a burst of failures takes the
    /// store's write gate once); returns the rows added, by user.
    /// </summary>
    public IReadOnlyList<NotificationPosted> Add(IReadOnlyList<(NotificationEvent Event, IReadOnlyList<string> Users)> batch)
    {
        var added = new List<NotificationPosted>();
        if (batch.All(b => b.Users.Count == 0)) return added;
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        foreach (var (e, users) in batch)
        {
            var at = StoreTime.Format(e.At);
            foreach (var user in users)
            {
                long? id = c.ExecuteScalar<long?>("""
                    INSERT INTO notifications(user, key, type, severity, title, message, at, task_id, unit)
                    VALUES (@user, @Key, @Type, @Severity, @Title, @Message, @at, @TaskId, @Unit)
                    ON CONFLICT(user, key) DO NOTHING RETURNING id
                    """, new { user, e.Key, e.Type, e.Severity, e.Title, e.Message, at, e.TaskId, e.Unit }, tx);
                if (id is { } n) added.Add(new NotificationPosted(user, new NotificationView(n, e.Type, e.Severity, e.Title, e.Message, e.At, false, e.TaskId, e.Unit)));
            }
        }
        tx.Commit();
        return added;
    }

    public IReadOnlyList<NotificationView> List(string user, bool unreadOnly, int limit)
    {
        using var c = db.Open();
        return c.Query<Row>($"SELECT {Columns} FROM notifications WHERE user=@user {(unreadOnly ? "AND read=0" : "")} ORDER BY id DESC LIMIT @limit",
            new { user, limit }).Select(r => r.View()).ToList();
    }

    public int Unread(string user)
    {
        using var c = db.Open();
        return c.ExecuteScalar<int>("SELECT COUNT(*) FROM notifications WHERE user=@user AND read=0", new { user });
    }

    /// <summary>Marks one of the user's notifications read; false when the user has no notification of that id.</summary>
    public bool MarkRead(string user, long id)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        return c.Execute("UPDATE notifications SET read=1 WHERE id=@id AND user=@user", new { id, user }) == 1;
    }

    public int MarkAllRead(string user)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        return c.Execute("UPDATE notifications SET read=1 WHERE user=@user AND read=0", new { user });
    }

    /// <summary>Removes the user's oldest notifications beyond <paramref name="keep"/>.</summary>
    public void Trim(string user, int keep)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("DELETE FROM notifications WHERE user=@user AND id <= (SELECT id FROM notifications WHERE user=@user ORDER BY id DESC LIMIT 1 OFFSET @keep)",
            new { user, keep });
    }

    public PreferenceRow Preferences(string user)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<PreferenceRow>(
            "SELECT task_succeeded AS TaskSucceeded, bulk_ended AS BulkEnded, unit_status AS UnitStatus, alerts AS Alerts FROM notification_prefs WHERE user=@user",
            new { user }) ?? PreferenceRow.Defaults;
    }

    public void SavePreferences(string user, PreferenceRow p)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("""
            INSERT INTO notification_prefs(user, task_succeeded, bulk_ended, unit_status, alerts) VALUES (@user, @TaskSucceeded, @BulkEnded, @UnitStatus, @Alerts)
            ON CONFLICT(user) DO UPDATE SET task_succeeded=excluded.task_succeeded, bulk_ended=excluded.bulk_ended, unit_status=excluded.unit_status, alerts=excluded.alerts
            """, new { user, p.TaskSucceeded, p.BulkEnded, p.UnitStatus, p.Alerts });
    }

    /// <summary>Every user of the station (those who may hear about a unit are among them).</summary>
    public IReadOnlyList<string> Users()
    {
        using var c = db.Open();
        return c.Query<string>("SELECT name FROM users ORDER BY name").ToList();
    }

    /// <summary>Whether the task is a child of a bulk task (its parent's end speaks for it).</summary>
    public bool IsBulkChild(long taskId)
    {
        using var c = db.Open();
        return c.ExecuteScalar<string?>("SELECT idempotency_key FROM tasks WHERE id=@taskId", new { taskId }) is { } key
            && key.StartsWith(Shared.Contracts.Bulk.BulkTasks.ChildKeyPrefix, StringComparison.Ordinal);
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public string Type { get; set; } = "";
        public string Severity { get; set; } = "";
        public string Title { get; set; } = "";
        public string Message { get; set; } = "";
        public string At { get; set; } = "";
        public long Read { get; set; }
        public long? TaskId { get; set; }
        public string? Unit { get; set; }

        public NotificationView View() => new(Id, Type, Severity, Title, Message, StoreTime.Parse(At), Read == 1, TaskId, Unit);
    }
}

/// <summary>A user's preferences as stored (1 or 0).</summary>
internal sealed record PreferenceRow(long TaskSucceeded, long BulkEnded, long UnitStatus, long Alerts)
{
    public static readonly PreferenceRow Defaults = new(0, 1, 1, 1);

    public bool Wants(string type) => type switch
    {
        NotificationTypes.TaskSucceeded => TaskSucceeded == 1,
        NotificationTypes.BulkEnded => BulkEnded == 1,
        NotificationTypes.UnitOffline or NotificationTypes.UnitOnline => UnitStatus == 1,
        NotificationTypes.AlertRaised or NotificationTypes.AlertCleared => Alerts == 1,
        _ => true,
    };

    public NotificationPreferences View() => new(TaskSucceeded == 1, BulkEnded == 1, UnitStatus == 1, Alerts == 1);
}
