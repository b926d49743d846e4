namespace Ccdsvm.Shared.Contracts.Notifications;

/// <summary>What happened, as the notification centre and the targets name it (<c>area.event</c>).</summary>
public static class NotificationTypes
{
    public const string TaskFailed = "task.failed", TaskSucceeded = "task.succeeded", BulkEnded = "bulk.ended",
        ScheduleRunFailed = "schedule.runFailed", ScheduleRunSkipped = "schedule.runSkipped",
        UnitOffline = "unit.offline", UnitOnline = "unit.online", AlertRaised = "alert.raised", AlertCleared = "alert.cleared";

    public static readonly IReadOnlyList<string> All =
        [TaskFailed, TaskSucceeded, BulkEnded, ScheduleRunFailed, ScheduleRunSkipped, UnitOffline, UnitOnline, AlertRaised, AlertCleared];
}

/// <summary>How much an event matters, lowest first; a matcher's <c>minSeverity</c> passes it and everything above.</summary>
public static class NotificationSeverities
{
    public const string Info = "info", Warning = "warning", Error = "error";

    public static readonly IReadOnlyList<string> All = [Info, Warning, Error];

    /// <summary>The rank of a severity (0 for info), or -1 when it is not one of <see cref="All"/>.</summary>
    public static int Rank(string? severity) => severity is null ? -1 : All.ToList().IndexOf(severity);
}

/// <summary>
/// One entry of a user's notification centre (<c>GET /api/v1/notifications</c>): what happened, when, whether it was read, and
/// the task or unit it is about (a link in the console).
/// </summary>
public sealed record NotificationView(long Id, string Type, string Severity, string Title, string Message, DateTimeOffset At, bool Read,
    long? TaskId, string? Unit);

/// <summary>A page of the centre, newest first, with how many are unread in all.</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, int Unread);

/// <summary>
/// What a user wants in their centre besides their failed tasks, which always come: tasks that succeeded, bulk tasks that
/// ended, units going offline or online, monitoring alerts (each only about tasks and units they may see).
/// <c>PUT /api/v1/notifications/preferences</c> takes it; a field left out keeps its value.
/// </summary>
public sealed record NotificationPreferences(bool? TaskSucceeded = null, bool? BulkEnded = null, bool? UnitStatus = null, bool? Alerts = null);
