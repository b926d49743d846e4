using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Bulk;

/// <summary>The bulk rollouts' log events.</summary>
internal static partial class BulkLog
{
    [LoggerMessage(LogLevel.Warning, "Bulk task {ParentId}: a round of its rollout failed; it goes on at the next round")]
    public static partial void LogRoundFailed(ILogger logger, long parentId, Exception error);

    [LoggerMessage(LogLevel.Information, "Bulk task {ParentId} resumed after the station started: {Open} children not ended")]
    public static partial void LogResumed(ILogger logger, long parentId, int open);
}
