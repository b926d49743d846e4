using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>The task engine's log events, shared by its parts; they log with the engine's logger (category <see cref="TaskEngine"/>).</summary>
internal static partial class TaskLog
{
    [LoggerMessage(1000, LogLevel.Information, "Task {TaskId} ({Kind} on {Target}) admitted for {Owner} into slot {Slot}; locks granted: {Granted}")]
    public static partial void LogAdmitted(ILogger logger, long taskId, string kind, string target, string owner, long slot, bool granted);

    [LoggerMessage(1001, LogLevel.Information, "Task {TaskId} ended {State} {Error}")]
    public static partial void LogEnded(ILogger logger, long taskId, string state, string error);

    [LoggerMessage(1002, LogLevel.Warning, "Task {TaskId} could not be dispatched")]
    public static partial void LogDispatchFailed(ILogger logger, Exception ex, long taskId);

    [LoggerMessage(1005, LogLevel.Warning, "An order or cancel for task {TaskId} could not be sent to unit '{Unit}'")]
    public static partial void LogSendFailed(ILogger logger, Exception ex, string unit, long taskId);

    [LoggerMessage(1003, LogLevel.Error, "An admission batch could not be rolled back")]
    public static partial void LogRollbackFailed(ILogger logger, Exception ex);

    [LoggerMessage(1004, LogLevel.Critical, "An admission batch was committed but its write-ahead log could not be synced; its submitters were answered with an error and its tasks end failed")]
    public static partial void LogSyncFailed(ILogger logger, Exception ex);
}
