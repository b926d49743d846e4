using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Terminals;

public sealed partial class TerminalRelay
{
    /// <summary>
    /// A mid station's side of a terminal opened at the station above (README, "Terminal", layers): the frames the upper
    /// station sends (<paramref name="fromAbove"/>) go to the unit here once they pass <see cref="TerminalFrames.Problem"/>,
    /// the unit's output goes up (<paramref name="toAbove"/>, completed at the end), and this station checks the upper
    /// user's right here every <see cref="RightCheck"/>, as for a browser. Returns when either side ends.
    /// </summary>
    /// <param name="who">The upper user as this station sees them now (their name here, with the upstream group).</param>
    public async Task RunUpstreamAsync(TerminalLink link, Func<Caller> who, ChannelReader<byte[]> fromAbove, ChannelWriter<byte[]> toAbove, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(fromAbove);
        ArgumentNullException.ThrowIfNull(toAbove);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var down = DownAsync(link, fromAbove, stop.Token);
            var up = UpAsync(link, toAbove, stop.Token);
            var rights = WatchRightAsync(link, who().Name, () => access.Allows(who(), ResourcePath.Terminal(link.Unit), SystemTerminal.Contract.Privilege), stop.Token);
            var first = await Task.WhenAny(down, up, rights).ConfigureAwait(false);
            string reason = await first.ConfigureAwait(false);
            if (first == rights && reason != SessionEnded)
                await link.ToUnit.Writer.WriteAsync(TerminalFrames.EndFrame(TerminalEndings.RightLost), ct).AsTask()
                    .WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            // The station above closed the session, or this side ended: the session ends at the unit.
            link.ToUnit.Writer.TryComplete();
            if (first != up) await up.WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or ChannelClosedException)
        {
            link.ToUnit.Writer.TryComplete();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            toAbove.TryComplete();
            link.Detach();
        }
    }

    private static async Task<string> DownAsync(TerminalLink link, ChannelReader<byte[]> fromAbove, CancellationToken ct)
    {
        try
        {
            await foreach (var frame in fromAbove.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (TerminalFrames.Problem(frame) is { } problem) return "refused: " + problem;
                await link.ToUnit.Writer.WriteAsync(frame, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException) { }
        return TerminalEndings.Closed;
    }

    private static async Task<string> UpAsync(TerminalLink link, ChannelWriter<byte[]> toAbove, CancellationToken ct)
    {
        try
        {
            await foreach (var chunk in link.FromUnit.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                await toAbove.WriteAsync(chunk, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException) { }
        return SessionEnded;
    }
}
