using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tasks;

public sealed partial class TaskEngine
{
    [LoggerMessage(1000, LogLevel.Information, "Task {TaskId} ({Kind} on {Target}) admitted for {Owner} into slot {Slot}; locks granted: {Granted}")]
    private partial void LogAdmitted(long taskId, string kind, string target, string owner, long slot, bool granted);

    [LoggerMessage(1001, LogLevel.Information, "Task {TaskId} ended {State} {Error}")]
    private partial void LogEnded(long taskId, string state, string error);

    [LoggerMessage(1002, LogLevel.Warning, "Task {TaskId} could not be dispatched")]
    private partial void LogDispatchFailed(Exception ex, long taskId);

    [LoggerMessage(1005, LogLevel.Warning, "An order or cancel for task {TaskId} could not be sent to unit '{Unit}'")]
    internal partial void LogSendFailed(Exception ex, string unit, long taskId);

    [LoggerMessage(1003, LogLevel.Error, "An admission batch could not be rolled back")]
    private partial void LogRollbackFailed(Exception ex);

    [LoggerMessage(1004, LogLevel.Critical, "An admission batch was committed but its write-ahead log could not be synced; its submitters were answered with an error and its tasks end failed")]
    private partial void LogSyncFailed(Exception ex);
}
