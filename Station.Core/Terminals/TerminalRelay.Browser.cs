using System.Net.WebSockets;
using System.Threading.Channels;

namespace Ccdsvm.Station.Core.Terminals;

public sealed partial class TerminalRelay
{
    /// <summary>
    /// Pumps one attached browser WebSocket: binary frames typed there go to the unit once they pass
    /// <see cref="TerminalFrames.Problem"/>, the unit's output comes back as binary messages, and the user's right is
    /// checked again every <see cref="RightCheck"/>. Returns when either side ends; the WebSocket is closed with the reason.
    /// </summary>
    public async Task RunBrowserAsync(WebSocket socket, TerminalLink link, string user, CancellationToken ct)
    {
        // Receiving is never cancelled before the close handshake: a cancelled receive aborts the socket, and the
        // browser would not hear why the session ended.
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var fromBrowser = FromBrowserAsync(socket, link, receiving.Token);
            var toBrowser = ToBrowserAsync(socket, link, sending.Token);
            var rights = WatchRightAsync(link, user, sending.Token);
            var first = await Task.WhenAny(fromBrowser, toBrowser, rights).ConfigureAwait(false);
            string reason = await first.ConfigureAwait(false);
            if (first == fromBrowser)
            {
                // The browser went away: the session ends at the unit (like a closed ssh window).
                link.ToUnit.Writer.TryComplete();
            }
            else if (first == rights && reason != SessionEnded)
            {
                await link.ToUnit.Writer.WriteAsync(TerminalFrames.EndFrame(TerminalEndings.RightLost), ct).AsTask()
                    .WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
                link.ToUnit.Writer.TryComplete();
            }
            await sending.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(toBrowser, rights).ConfigureAwait(false);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, CloseReason(reason), closing.Token).ConfigureAwait(false);
            }
            await fromBrowser.WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            link.ToUnit.Writer.TryComplete();
        }
        finally
        {
            await receiving.CancelAsync().ConfigureAwait(false);
            link.Detach();
        }
    }

    private const string SessionEnded = "the session ended";

    private static async Task<string> FromBrowserAsync(WebSocket socket, TerminalLink link, CancellationToken ct)
    {
        try { return await ReceiveFramesAsync(socket, link, ct).ConfigureAwait(false); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ChannelClosedException) { return TerminalEndings.Closed; }
    }

    private static async Task<string> ReceiveFramesAsync(WebSocket socket, TerminalLink link, CancellationToken ct)
    {
        var buffer = new byte[TerminalFrames.MaxFrame + 1];
        while (true)
        {
            int count = 0;
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), ct).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close) return TerminalEndings.Closed;
                count += received.Count;
            }
            while (!received.EndOfMessage && count < buffer.Length);
            if (!received.EndOfMessage || received.MessageType != WebSocketMessageType.Binary)
                return "refused: send binary frames of at most 64 KiB";
            if (TerminalFrames.Problem(buffer.AsSpan(0, count)) is { } problem) return "refused: " + problem;
            await link.ToUnit.Writer.WriteAsync(buffer[..count], ct).ConfigureAwait(false);
        }
    }

    private static async Task<string> ToBrowserAsync(WebSocket socket, TerminalLink link, CancellationToken ct)
    {
        try
        {
            await foreach (var chunk in link.FromUnit.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                await socket.SendAsync(chunk, WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { }
        return SessionEnded;
    }

    /// <summary>Ends the browser's side when the user lost the right (the unit is told), or when the task ended without a word from the unit.</summary>
    private Task<string> WatchRightAsync(TerminalLink link, string user, CancellationToken ct) =>
        WatchRightAsync(link, user, () => RightHeld(link, user), ct);

    private async Task<string> WatchRightAsync(TerminalLink link, string user, Func<bool> held, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RightCheck, _time, ct).ConfigureAwait(false);
                if (!held()) return $"{user} no longer holds {SystemTerminal.Contract.Privilege} here";
                if (Ended(link)) return SessionEnded;
            }
        }
        catch (OperationCanceledException) { return SessionEnded; }
    }

    /// <summary>A WebSocket close reason is at most 123 bytes of UTF-8.</summary>
    private static string CloseReason(string reason)
    {
        while (System.Text.Encoding.UTF8.GetByteCount(reason) > 120) reason = reason[..^1];
        return reason;
    }
}
