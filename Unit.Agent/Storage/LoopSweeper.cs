namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>
/// Reads the partition loop mappings every few seconds, so a loop device the agent attached for a partition
/// is detached soon after its disk goes away or its partition table changes (<see cref="LoopMapper"/>), even
/// when no storage task runs: otherwise it would keep the detached disk's file open.
/// </summary>
public sealed partial class LoopSweeper(LoopMapper mapper, ILogger<LoopSweeper> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await mapper.AllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(ex.Message);
            }
        }
    }

    [LoggerMessage(342, LogLevel.Warning, "Checking the partition loop devices failed: {Error}")]
    private partial void LogSweepFailed(string error);
}
