namespace Ccdsvm.Station.Core;

/// <summary>The stop token of a hosted service, cancelled by its StopAsync.</summary>
public static class StopSignal
{
    /// <summary>
    /// Cancels <paramref name="stop"/>; false when the service was disposed already, so there is nothing left to stop.
    /// The host may stop a service after the container disposed it (seen when a test host is torn down): that stop is
    /// a no-op, not an ObjectDisposedException that fails the host's StopAsync for every other service.
    /// </summary>
    public static async Task<bool> TryCancelAsync(this CancellationTokenSource stop)
    {
        try
        {
            await stop.CancelAsync().ConfigureAwait(false);
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
