using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Schedules;

/// <summary>The schedules' log events.</summary>
internal static partial class ScheduleLog
{
    [LoggerMessage(LogLevel.Warning, "Schedule {ScheduleId}: handling its run due at {DueAt} failed; it is looked at again at the next pass")]
    public static partial void LogRunFailed(ILogger logger, long scheduleId, DateTimeOffset dueAt, Exception error);

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId}: run due at {DueAt} is {State} (task {TaskId}) {Note}")]
    public static partial void LogRun(ILogger logger, long scheduleId, DateTimeOffset dueAt, string state, long? taskId, string? note);
}
