using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests.Connection;

/// <summary>
/// A station killed while a lease renewal is on the wire resets the agent's connection (seen in CI: the agent's host
/// stopped on the WebSocketException and the agent exited instead of reconnecting). A real <see cref="HubConnection"/>
/// over an in-memory transport whose station side answers the handshake, reads the renewal and then fails the socket
/// as a reset does.
/// </summary>
public sealed class StationLeaseResetTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_connection_reset_mid_renewal_ends_the_renewals_quietly_so_the_agent_reconnects()
    {
        var toAgent = new Pipe();
        var toStation = new Pipe();
        var station = ResetAfterTheRenewalAsync(toStation.Reader, toAgent.Writer);
        await using var connection = new HubConnection(
            new InMemoryConnectionFactory(new DuplexPipe(toAgent.Reader, toStation.Writer)), new JsonHubProtocol(),
            new IPEndPoint(IPAddress.Loopback, 1), new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance);
        await connection.StartAsync().WaitAsync(Limit);
        var lease = new StationLease(Options.Create(new AgentOptions { LeaseSeconds = 30 }), new TaskRunner([], NullLogger<TaskRunner>.Instance),
            NullLogger<StationLease>.Instance);

        // Before the fix the reset escaped KeepAsync, and with it the agent's connection loop and its host.
        await lease.KeepAsync(connection, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal("RenewLease", await station.WaitAsync(Limit));
        Assert.NotEqual(HubConnectionState.Connected, connection.State);
        Assert.False(await lease.RenewAsync(connection, CancellationToken.None).WaitAsync(Limit), "a renewal on a closed connection was reported as answered");
    }

    /// <summary>The station's side: answers the handshake, reads up to the first invocation, then fails the socket; answers the invoked method's name.</summary>
    private static async Task<string> ResetAfterTheRenewalAsync(PipeReader fromAgent, PipeWriter toAgent)
    {
        await ReadRecordAsync(fromAgent);
        await toAgent.WriteAsync("{}\u001e"u8.ToArray());
        string invocation;
        do invocation = await ReadRecordAsync(fromAgent);
        while (!invocation.Contains("\"target\":", StringComparison.Ordinal)); // pings ({"type":6}) come first
        await toAgent.CompleteAsync(new WebSocketException(WebSocketError.ConnectionClosedPrematurely,
            "The remote party closed the WebSocket connection without completing the close handshake."));
        int start = invocation.IndexOf("\"target\":\"", StringComparison.Ordinal) + "\"target\":\"".Length;
        return invocation[start..invocation.IndexOf('"', start)];
    }

    /// <summary>One SignalR JSON record (up to its 0x1e separator).</summary>
    private static async Task<string> ReadRecordAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync();
            var buffer = read.Buffer;
            if (buffer.PositionOf((byte)0x1e) is { } end)
            {
                string text = Encoding.UTF8.GetString(buffer.Slice(0, end).ToArray());
                reader.AdvanceTo(buffer.GetPosition(1, end));
                return text;
            }
            if (read.IsCompleted) throw new InvalidOperationException("the agent closed the connection before a whole record");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private sealed class InMemoryConnectionFactory(IDuplexPipe transport) : IConnectionFactory
    {
        public ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<ConnectionContext>(new DefaultConnectionContext("in-memory", transport, transport));
    }
}
