using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder on a loopback port in front of the station, for one agent: <see cref="Cut"/> resets every open
/// connection and refuses new ones (as a broken link does), <see cref="Restore"/> accepts again on the same port.
/// Only this test's traffic passes through it; the host's interfaces are never touched.
/// </summary>
public sealed class CuttableLink : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public CuttableLink(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        Port = FreePort.Next();
        Url = new Uri($"{target.Scheme}://127.0.0.1:{Port}");
        Restore();
    }

    public int Port { get; }

    /// <summary>The station's address through the link.</summary>
    public Uri Url { get; }

    public bool IsCut { get; private set; }

    /// <summary>Resets every connection through the link and stops accepting new ones.</summary>
    public void Cut()
    {
        IsCut = true;
        _listener?.Stop();
        _listener = null;
        foreach (var socket in _open.Keys)
        {
            try { socket.LingerState = new LingerOption(true, 0); socket.Close(); }
            catch (ObjectDisposedException) { }
            _open.TryRemove(socket, out _);
        }
    }

    /// <summary>Accepts connections again on the same port.</summary>
    public void Restore()
    {
        IsCut = false;
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { return; }
            _ = PairAsync(client);
        }
    }

    private async Task PairAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[server] = 0;
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException) { }
        finally
        {
            foreach (var s in new[] { client, server })
            {
                _open.TryRemove(s, out _);
                s.Dispose();
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) return;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Cut();
        await _accepting.WaitAsync(Timeouts.ProcessExit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
