using Ccdsvm.EndToEnd.Tests.Infrastructure;
using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.EndToEnd.Tests.Fuzz;

/// <summary>
/// An agent hub connection with an enrolled unit's own credential, as the real agent makes it (MessagePack), that
/// connects again when the station closes it; it acknowledges nothing and answers no client result.
/// </summary>
public sealed class HubSession(Uri station, string unit, string credential) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HubConnection? _connection;

    public int Connects { get; private set; }

    public string Unit => unit;

    public async Task<HubConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: HubConnectionState.Connected } live) return live;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { State: HubConnectionState.Connected } again) return again;
            if (_connection is not null) await _connection.DisposeAsync();
            _connection = new HubConnectionBuilder()
                .WithUrl(new Uri(station, HubPaths.Agent), http =>
                {
                    http.Headers[HubPaths.AgentCredentialHeader] = credential;
                    http.Headers[HubPaths.AgentNameHeader] = unit;
                    TestTls.Configure(http);
                })
                .AddMessagePackProtocol()
                .Build();
            await _connection.StartAsync(cancellationToken);
            Connects++;
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An ordinary inventory of this unit with <paramref name="roots"/>, announced so it is online.</summary>
    public async Task AnnounceAsync(IReadOnlyList<string> roots, CancellationToken cancellationToken)
    {
        var connection = await GetAsync(cancellationToken);
        await connection.InvokeAsync(nameof(IAgentHub.Announce), Inventory(unit, roots), Array.Empty<RunningTaskInfo>(), cancellationToken);
    }

    public static UnitInventory Inventory(string id, IReadOnlyList<string> roots) =>
        new(id, id, "fuzz-host", "linux", "fuzz", 1, 1L << 30, [], [], roots, "fuzz", null);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _gate.Dispose();
    }
}

/// <summary>
/// A raw WebSocket to the agent hub, below the SignalR client: the MessagePack handshake, then whatever bytes a case
/// sends as binary frames. A background loop reads (and drops) what the station sends, so its buffers never fill.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    public bool Open => _socket.State == WebSocketState.Open && !_reader.IsCompleted;

    public static async Task<RawHubSocket> ConnectAsync(Uri station, string unit, string credential, CancellationToken cancellationToken)
    {
        var raw = new RawHubSocket();
        raw._socket.Options.SetRequestHeader(HubPaths.AgentCredentialHeader, credential);
        raw._socket.Options.SetRequestHeader(HubPaths.AgentNameHeader, unit);
        raw._socket.Options.RemoteCertificateValidationCallback = TestTls.Callback;
        var ws = new UriBuilder(new Uri(station, HubPaths.Agent)) { Scheme = station.Scheme == "https" ? "wss" : "ws" }.Uri;
        await raw._socket.ConnectAsync(ws, cancellationToken);
        // The handshake is JSON text ending in the record separator 0x1e, whatever the protocol.
        await raw._socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"messagepack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, cancellationToken);
        var buffer = new byte[4096];
        var answer = await raw._socket.ReceiveAsync(buffer, cancellationToken);
        string handshake = Encoding.UTF8.GetString(buffer, 0, answer.Count);
        if (handshake.Contains("error", StringComparison.Ordinal)) throw new InvalidOperationException($"the hub refused the handshake: {handshake}");
        raw._reader = raw.DrainAsync();
        return raw;
    }

    public async Task<bool> SendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Binary, true, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task DrainAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException) { }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _reader; }
        catch (OperationCanceledException) { }
        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
    }
}
