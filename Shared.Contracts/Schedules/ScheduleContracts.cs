using System.Text.Json;
using Ccdsvm.Shared.Contracts.Bulk;

namespace Ccdsvm.Shared.Contracts.Schedules;

/// <summary>
/// The task a schedule starts at each run: a <see cref="Kind"/> and its <see cref="Parameters"/>, on one
/// <see cref="Target"/> (an ordinary task) or on <see cref="Targets"/> / a <see cref="Selector"/> with a <see cref="Rollout"/>
/// (a bulk task, as <c>POST /api/v1/tasks</c> takes it). A selector is evaluated again at each run.
/// </summary>
public sealed record ScheduleTemplate(string? Kind, string? Target = null, JsonElement? Parameters = null, IReadOnlyList<string>? Targets = null,
    BulkSelector? Selector = null, BulkRollout? Rollout = null);

/// <summary>
/// <c>POST /api/v1/schedules</c> and <c>PUT /api/v1/schedules/{id}</c> body. <see cref="Cron"/> has five fields (minute hour
/// day month weekday) or six (seconds first); it is read in <see cref="TimeZone"/>, an IANA name such as <c>Europe/Berlin</c>
/// (<c>UTC</c> when absent). <see cref="MissedRuns"/>: <see cref="ScheduleMissedRuns.RunOnce"/> (the default) or
/// <see cref="ScheduleMissedRuns.Skip"/>. <see cref="Enabled"/> is true when absent.
/// </summary>
public sealed record ScheduleRequest(string? Name, string? Cron, string? TimeZone, ScheduleTemplate? Template, bool? Enabled = null, string? MissedRuns = null);

/// <summary>What a schedule does with runs that fell due while the station was down: run once at start, or skip them.</summary>
public static class ScheduleMissedRuns
{
    public const string RunOnce = "runOnce", Skip = "skip";
    public static readonly IReadOnlyList<string> All = [RunOnce, Skip];
}

/// <summary>
/// What became of one run of a schedule. <see cref="Started"/>: a task was submitted (<c>taskId</c> names it);
/// <see cref="Refused"/>: the station refused the task (the owner lost a right, a unit is unknown…; the note says why);
/// <see cref="Overlap"/>: not started because the previous run was still going; <see cref="Missed"/>: fell due while the
/// station was down and the schedule skips such runs.
/// </summary>
public static class ScheduleRunStates
{
    public const string Started = "started", Refused = "refused", Overlap = "skippedOverlap", Missed = "skippedMissed";
}

/// <summary>
/// One run of a schedule: when it fell due and when it was handled, the task it started (null when none), what became of
/// it (<see cref="ScheduleRunStates"/>), the task's state when it started one (null otherwise) and a note (an error or why
/// it was skipped).
/// </summary>
public sealed record ScheduleRunView(DateTimeOffset DueAt, DateTimeOffset At, long? TaskId, string State, string? TaskState, string? Note);

/// <summary>A schedule as <c>GET /api/v1/schedules</c> shows it, with its next run (null when disabled) and its last run.</summary>
public sealed record ScheduleView(long Id, string Name, string Cron, string TimeZone, ScheduleTemplate Template, string Owner, bool Enabled,
    string MissedRuns, DateTimeOffset? NextRun, ScheduleRunView? LastRun, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
