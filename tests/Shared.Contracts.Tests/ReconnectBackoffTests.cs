using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// The agent's wait between attempts to reach its station: the real failures of a WebSocket connect (a closed port,
/// a server answering 503) are told apart, and each wait stays below the cap of its reason.
/// </summary>
public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_closed_port_is_refused_and_the_waits_stay_within_four_seconds()
    {
        // A port that was just free: nothing listens on it, so the kernel refuses the connection.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var socket = new ClientWebSocket();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/hubs/agent"), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ReconnectBackoff.Reason.Refused, ReconnectBackoff.Classify(failure));
        var random = new Random(7);
        for (int attempt = 0; attempt < 40; attempt++)
        {
            var wait = ReconnectBackoff.Next(attempt, failure, maxDelaySeconds: 30, random);
            Assert.InRange(wait.TotalSeconds, 0, ReconnectBackoff.RefusedCapSeconds);
        }
        Assert.Equal(0.25, ReconnectBackoff.Cap(0, ReconnectBackoff.Reason.Refused, 30));
        Assert.Equal(ReconnectBackoff.RefusedCapSeconds, ReconnectBackoff.Cap(10, ReconnectBackoff.Reason.Refused, 30));
    }

    [Fact]
    public async Task A_station_answering_503_is_busy_and_paced_up_to_eight_seconds()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            var answer = Encoding.ASCII.GetBytes("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(answer);
        });
        using var socket = new ClientWebSocket();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/hubs/agent"), CancellationToken.None).WaitAsync(Bound));
        await server.WaitAsync(Bound);

        Assert.Equal(ReconnectBackoff.Reason.Busy, ReconnectBackoff.Classify(failure));
        Assert.Equal(ReconnectBackoff.Reason.Busy, ReconnectBackoff.Classify(new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable)));
        Assert.Equal(1, ReconnectBackoff.Cap(0, ReconnectBackoff.Reason.Busy, 30));
        Assert.Equal(ReconnectBackoff.BusyCapSeconds, ReconnectBackoff.Cap(12, ReconnectBackoff.Reason.Busy, 30));
        var random = new Random(11);
        for (int attempt = 0; attempt < 40; attempt++)
            Assert.InRange(ReconnectBackoff.Next(attempt, failure, 30, random).TotalSeconds, 0, ReconnectBackoff.BusyCapSeconds);
    }

    [Fact]
    public void Other_failures_back_off_to_the_agents_longest_delay_and_the_waits_are_spread()
    {
        var timeout = new TimeoutException("the connection attempt took longer than 20 s");
        Assert.Equal(ReconnectBackoff.Reason.Other, ReconnectBackoff.Classify(timeout));
        Assert.Equal(ReconnectBackoff.Reason.Other, ReconnectBackoff.Classify(null));
        Assert.Equal(0.25, ReconnectBackoff.Cap(0, ReconnectBackoff.Reason.Other, 30));
        Assert.Equal(8, ReconnectBackoff.Cap(5, ReconnectBackoff.Reason.Other, 30));
        Assert.Equal(30, ReconnectBackoff.Cap(9, ReconnectBackoff.Reason.Other, 30));
        Assert.Equal(30, ReconnectBackoff.Cap(int.MaxValue, ReconnectBackoff.Reason.Other, 30));
        // A station that caps the agent lower caps the refused and busy waits too.
        Assert.Equal(2, ReconnectBackoff.Cap(10, ReconnectBackoff.Reason.Refused, 2));
        Assert.Equal(2, ReconnectBackoff.Cap(10, ReconnectBackoff.Reason.Busy, 2));

        // Full jitter: a fleet failing together spreads its next attempts over the whole cap, not onto one moment.
        var random = new Random(3);
        var waits = Enumerable.Range(0, 1000).Select(_ => ReconnectBackoff.Next(9, timeout, 30, random).TotalSeconds).ToList();
        Assert.All(waits, w => Assert.InRange(w, 0, 30));
        Assert.True(waits.Count(w => w < 10) > 200 && waits.Count(w => w > 20) > 200,
            $"waits should spread over 0-30 s; {waits.Count(w => w < 10)} under 10 s, {waits.Count(w => w > 20)} over 20 s");
    }
}
