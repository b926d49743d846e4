using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Resumes restored tasks at start, then drives grace periods and wait limits once a second.</summary>
public sealed class EngineTicker(TaskEngine engine) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await engine.ResumeAfterRestoreAsync().ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await engine.TickAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
