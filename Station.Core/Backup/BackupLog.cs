using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Backup;

/// <summary>The log lines of backups and their schedule.</summary>
internal static partial class BackupLog
{
    [LoggerMessage(3100, LogLevel.Information, "Backup {File} written by {Actor}: {Bytes} bytes, sha256 {Sha256}")]
    public static partial void Written(ILogger logger, string file, string actor, long bytes, string sha256);

    [LoggerMessage(3101, LogLevel.Error, "Backup failed")]
    public static partial void Failed(ILogger logger, Exception ex);

    [LoggerMessage(3102, LogLevel.Warning, "Could not remove the backup staging directory {Staging}")]
    public static partial void StagingLeft(ILogger logger, Exception ex, string staging);

    [LoggerMessage(3110, LogLevel.Warning, "Scheduled backups are off: {Reason} (POST /api/v1/admin/backup and the console's Backup page still back up on demand)")]
    public static partial void ScheduleOff(ILogger logger, string reason);

    [LoggerMessage(3111, LogLevel.Information, "Scheduled backups every {Interval} into {Directory}, keeping {Keep}")]
    public static partial void ScheduleOn(ILogger logger, TimeSpan interval, string directory, int keep);

    [LoggerMessage(3112, LogLevel.Error, "Scheduled backup did not run: {Reason}")]
    public static partial void ScheduledFailed(ILogger logger, string reason);

    [LoggerMessage(3113, LogLevel.Information, "Backup retention: kept {Keep}, deleted {Deleted}")]
    public static partial void Pruned(ILogger logger, int keep, string deleted);
}
