namespace Ccdsvm.Station.Core.Schedules;

/// <summary>A run of a schedule as it was recorded (the notification centre listens for runs refused or skipped).</summary>
public sealed record ScheduleRunRecorded(long ScheduleId, string Name, string Owner, DateTimeOffset DueAt, DateTimeOffset At, long? TaskId, string State, string? Note);
