using System.Threading.Channels;
using Ccdsvm.Station.Core.Terminals;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Console.Blazor.Services.Uplink;

/// <summary>
/// The uplink's side of a terminal opened at the station above for this station or a unit below it (README, "Terminal"):
/// once the task relayed here runs, the uplink attaches to it as the upper user (this station's owner check), opens the
/// upper station's two terminal streams for the upper task, as a unit's agent would, and pumps between them
/// (<see cref="TerminalRelay.RunUpstreamAsync"/>), this station checking the upper user's right as for a browser.
/// </summary>
public sealed class UplinkTerminals(TaskRelay relay, TerminalRelay terminals, ITerminalStreams streams)
{
    /// <summary>Carries upper task <paramref name="upperTaskId"/>'s session to task <paramref name="localId"/> here until either side ends; the reason it could not, or null.</summary>
    public async Task<string?> CarryAsync(long upperTaskId, long localId, string user, CancellationToken ct)
    {
        var attached = await terminals.AttachAsync(localId, relay.CallerOf(user), ct).ConfigureAwait(false);
        if (!attached.Ok) return attached.Error!.Message;
        var link = attached.Value!;
        var output = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        Task sending = Task.CompletedTask;
        try
        {
            var input = await streams.TerminalInputAsync(upperTaskId, ct).ConfigureAwait(false);
            sending = streams.TerminalOutputAsync(upperTaskId, output.Reader, CancellationToken.None);
            await terminals.RunUpstreamAsync(link, () => relay.CallerOf(user), input, output.Writer, ct).ConfigureAwait(false);
        }
        finally
        {
            output.Writer.TryComplete();
            link.Detach();
            link.ToUnit.Writer.TryComplete();
        }
        try { await sending.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false); }
        catch (TimeoutException) { }
        return null;
    }
}
