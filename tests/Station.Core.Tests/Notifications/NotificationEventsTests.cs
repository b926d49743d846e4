using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Notifications;
using Ccdsvm.Station.Core.Schedules;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>What the station's changes mean as notifications.</summary>
public sealed class NotificationEventsTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    private static TaskView Task(string state, string kind = TaskKinds.FsCopy, DateTimeOffset? ended = null, string? error = null) =>
        new(5, kind, "u1", "alice", null, state, 1, null, 0, 0, null, null, error, null, [], [], null, At, At, ended);

    [Fact]
    public void RunningTask_IsNoEvent()
    {
        Assert.Null(NotificationEvents.FromTask(Task(TaskStateNames.Running)));
    }

    [Fact]
    public void FailedTask_IsAnErrorForItsOwner_WithTheUnitsTags()
    {
        var e = NotificationEvents.FromTask(Task(TaskStateNames.Failed, ended: At, error: "disk full"), ["rack-1"])!;
        Assert.Equal((NotificationTypes.TaskFailed, NotificationSeverities.Error, "alice", "u1", "disk full"), (e.Type, e.Severity, e.Owner, e.Unit, e.Message));
        Assert.Equal(["rack-1"], e.Tags);
    }

    [Fact]
    public void CancelledTask_IsNotAnnounced_ButACancelledBulkTaskIs()
    {
        Assert.Null(NotificationEvents.FromTask(Task(TaskStateNames.Cancelled, ended: At)));
        var bulk = NotificationEvents.FromTask(Task(TaskStateNames.Failed, BulkTasks.ParentKind, At, "stopped after 3 failures (budget 3)"))!;
        Assert.Equal((NotificationTypes.BulkEnded, NotificationSeverities.Error, "stopped after 3 failures (budget 3)"), (bulk.Type, bulk.Severity, bulk.Message));
    }

    [Fact]
    public void ScheduleRun_Refused_IsAFailure_Skipped_IsAWarning_Started_IsNothing()
    {
        ScheduleRunRecorded Run(string state) => new(3, "nightly", "alice", At, At, null, state, "why");
        Assert.Equal(NotificationTypes.ScheduleRunFailed, NotificationEvents.FromScheduleRun(Run(ScheduleRunStates.Refused))!.Type);
        Assert.Equal(NotificationTypes.ScheduleRunSkipped, NotificationEvents.FromScheduleRun(Run(ScheduleRunStates.Overlap))!.Type);
        Assert.Null(NotificationEvents.FromScheduleRun(Run(ScheduleRunStates.Started)));
    }

    [Fact]
    public void OfflineAlert_IsLeftToTheUnitEvent_OtherAlertsAreWarnings()
    {
        Assert.Null(NotificationEvents.FromAlert(new AlertChange(new Alert("u1", Alerts.Offline, Alerts.Offline, "off", At), true), At));
        var cpu = NotificationEvents.FromAlert(new AlertChange(new Alert("u1", Alerts.Cpu, Alerts.Cpu, "CPU above 90 %", At), true), At)!;
        Assert.Equal((NotificationTypes.AlertRaised, NotificationSeverities.Warning, "u1"), (cpu.Type, cpu.Severity, cpu.Unit));
    }
}
