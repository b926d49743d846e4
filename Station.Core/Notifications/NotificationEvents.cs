using System.Globalization;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Schedules;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// What the station's changes mean as notifications: a task or a bulk task that ended, a schedule run refused or skipped,
/// a unit gone offline or back, a monitoring alert raised or cleared. Pure functions: the sources call them on the
/// publisher's thread, so they only look at what they are given.
/// </summary>
public static class NotificationEvents
{
    /// <summary>The event of a task's end, or null while it runs (a task cancelled by a person is not announced).</summary>
    public static NotificationEvent? FromTask(TaskView task, IReadOnlyList<string>? unitTags = null)
    {
        if (task.EndedAt is not { } ended || !TaskStateExtensions.TryParseApi(task.State, out var state) || !state.IsEnded()) return null;
        string key = Invariant($"task:{task.Id}:{task.State}");
        if (task.Kind == BulkTasks.ParentKind)
        {
            string severity = state switch { TaskState.Succeeded => NotificationSeverities.Info, TaskState.Cancelled => NotificationSeverities.Warning, _ => NotificationSeverities.Error };
            return new NotificationEvent(NotificationTypes.BulkEnded, severity, Invariant($"Bulk task {task.Id} {state.ToWords()}"),
                task.Error ?? task.Stage ?? state.ToWords(), ended, key, task.Owner, task.Id, task.Kind);
        }
        if (state == TaskState.Cancelled) return null;
        bool ok = state == TaskState.Succeeded;
        return new NotificationEvent(ok ? NotificationTypes.TaskSucceeded : NotificationTypes.TaskFailed,
            ok ? NotificationSeverities.Info : NotificationSeverities.Error,
            Invariant($"Task {task.Id} ({task.Kind} on {task.Target}) {state.ToWords()}"),
            ok ? TaskStateNames.Succeeded : task.Error ?? state.ToWords(), ended, key, task.Owner, task.Id, task.Kind, task.Target, unitTags);
    }

    /// <summary>The event of a schedule run that did not start a task (refused or skipped), or null for one that did.</summary>
    public static NotificationEvent? FromScheduleRun(ScheduleRunRecorded run)
    {
        if (run.State == ScheduleRunStates.Started) return null;
        bool refused = run.State == ScheduleRunStates.Refused;
        return new NotificationEvent(refused ? NotificationTypes.ScheduleRunFailed : NotificationTypes.ScheduleRunSkipped,
            refused ? NotificationSeverities.Error : NotificationSeverities.Warning,
            Invariant($"Schedule \"{run.Name}\": the run due at {run.DueAt:u} was {(refused ? "refused" : "skipped")}"),
            run.Note ?? run.State, run.At, Invariant($"schedule:{run.ScheduleId}:{run.DueAt.UtcTicks}"), run.Owner);
    }

    /// <summary>The event of a unit going offline or coming back.</summary>
    public static NotificationEvent FromUnit(UnitView unit, DateTimeOffset now)
    {
        bool online = unit.Online;
        var at = online ? unit.LastSeen : unit.OfflineSince ?? now;
        return new NotificationEvent(online ? NotificationTypes.UnitOnline : NotificationTypes.UnitOffline,
            online ? NotificationSeverities.Info : NotificationSeverities.Warning,
            online ? $"{unit.Name} is online again" : $"{unit.Name} went offline",
            online ? Invariant($"{unit.Name} is connected since {at:u}") : Invariant($"{unit.Name} is offline since {at:u}"),
            now, Invariant($"unit:{unit.Id}:{(online ? "online" : "offline")}:{at.UtcTicks}"), Unit: unit.Id, UnitTags: unit.Tags);
    }

    /// <summary>The event of a monitoring alert raised or cleared (the unit's offline alert is announced as a unit event instead).</summary>
    public static NotificationEvent? FromAlert(AlertChange change, DateTimeOffset now, IReadOnlyList<string>? unitTags = null)
    {
        var a = change.Alert;
        if (a.Rule == Alerts.Offline) return null;
        return new NotificationEvent(change.Active ? NotificationTypes.AlertRaised : NotificationTypes.AlertCleared,
            change.Active ? NotificationSeverities.Warning : NotificationSeverities.Info,
            change.Active ? $"Alert on {a.Unit}" : $"Alert cleared on {a.Unit}", a.Message, now,
            Invariant($"alert:{a.Unit}:{a.Key}:{a.Since.UtcTicks}:{(change.Active ? "raised" : "cleared")}"), Unit: a.Unit, UnitTags: unitTags);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
