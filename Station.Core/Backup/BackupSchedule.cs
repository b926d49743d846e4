using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Backup;

/// <summary>
/// Scheduled backups: every <see cref="BackupOptions.IntervalHours"/> (counted from the newest backup in the directory,
/// so a restart does not reset it) with the passphrase in <see cref="BackupOptions.PassphraseFile"/>, then the oldest
/// beyond <see cref="BackupOptions.Keep"/> are deleted. Without a passphrase file, or with interval 0, it is off and says so.
/// </summary>
public sealed class BackupSchedule(StoreBackup backup, IOptions<BackupOptions> options, TimeProvider time, ILogger<BackupSchedule> logger) : BackgroundService
{
    /// <summary>Who the audit names for scheduled backups.</summary>
    public static readonly Caller Scheduler = new("station:backup-schedule", true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.PassphraseFile))
        {
            BackupLog.ScheduleOff(logger, "Station:Backup:PassphraseFile is not set");
            return;
        }
        if (o.IntervalHours <= 0)
        {
            BackupLog.ScheduleOff(logger, "Station:Backup:IntervalHours is 0");
            return;
        }
        var interval = TimeSpan.FromHours(o.IntervalHours);
        BackupLog.ScheduleOn(logger, interval, backup.Directory, o.Keep);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = NewestBackupTime() + interval - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    // At most a day at a time: the delay has an upper bound, and the directory may change meanwhile.
                    await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), time, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                await RunOnceAsync(o, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the station is stopping
        }
    }

    /// <summary>One scheduled backup and the pruning after it.</summary>
    public async Task RunOnceAsync(BackupOptions o, CancellationToken ct)
    {
        string passphrase;
        try
        {
            passphrase = (await File.ReadAllLinesAsync(o.PassphraseFile!, ct).ConfigureAwait(false)).FirstOrDefault() ?? "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            BackupLog.ScheduledFailed(logger, $"the passphrase file {o.PassphraseFile} cannot be read ({ex.Message})");
            await Task.Delay(TimeSpan.FromMinutes(1), time, ct).ConfigureAwait(false);
            return;
        }
        var made = await backup.CreateAsync(Scheduler, passphrase, null, ct).ConfigureAwait(false);
        if (!made.Ok)
        {
            BackupLog.ScheduledFailed(logger, made.Error!.Message);
            // A refused passphrase or a full disk does not fix itself in a loop: try again after a while.
            await Task.Delay(TimeSpan.FromMinutes(Math.Min(60, Math.Max(1, o.IntervalHours * 60))), time, ct).ConfigureAwait(false);
            return;
        }
        var deleted = backup.Prune(o.Keep);
        if (deleted.Count > 0) BackupLog.Pruned(logger, o.Keep, string.Join(", ", deleted));
    }

    private DateTimeOffset NewestBackupTime() =>
        backup.List() is { Count: > 0 } all ? new DateTimeOffset(File.GetLastWriteTimeUtc(all[^1]), TimeSpan.Zero) : DateTimeOffset.MinValue;
}
