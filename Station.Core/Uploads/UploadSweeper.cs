using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Station.Core.Uploads;

/// <summary>Deletes expired uploads once a minute, so files nobody wrote do not pile up on the station.</summary>
public sealed class UploadSweeper(UploadStore store) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                store.Sweep();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
