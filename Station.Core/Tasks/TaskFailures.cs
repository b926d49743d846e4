using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Between a station refusal (<see cref="StationError"/>) and a task's <see cref="TaskErrorKind"/>: what a station-run
/// executor's refusal is stored as, and what a failed task answers a REST call that waited for it. Only the kind
/// decides; the message is passed on as it is.
/// </summary>
public static class TaskFailures
{
    /// <summary>The error kind a task ends with when the station refuses or fails it with <paramref name="kind"/>.</summary>
    public static TaskErrorKind KindOf(StationErrorKind kind) => kind switch
    {
        StationErrorKind.BadRequest or StationErrorKind.TooLarge => TaskErrorKind.Invalid,
        StationErrorKind.Unauthorized or StationErrorKind.Forbidden => TaskErrorKind.Forbidden,
        StationErrorKind.NotFound => TaskErrorKind.NotFound,
        StationErrorKind.Conflict or StationErrorKind.TooManyTasks => TaskErrorKind.Conflict,
        _ => TaskErrorKind.Failed,
    };

    /// <summary>
    /// The refusal a REST call answers for a task that ended without success: 404 for notFound, 409 for conflict and for
    /// ends the caller did not cause (unavailable, cancelled, interrupted, timeout), 403 for forbidden and refused, 400 otherwise.
    /// </summary>
    public static StationError ToStationError(TaskView task)
    {
        string message = task.Error ?? $"task {task.Id} ({task.Kind}) ended {task.State}";
        return task.ErrorKind switch
        {
            TaskErrorKind.NotFound => StationError.NotFound(message),
            TaskErrorKind.Conflict or TaskErrorKind.Unavailable or TaskErrorKind.Cancelled or TaskErrorKind.Interrupted or TaskErrorKind.Timeout
                => StationError.Conflict(message),
            TaskErrorKind.Forbidden or TaskErrorKind.Refused => StationError.Forbidden(message),
            _ => StationError.BadRequest(message),
        };
    }
}
