using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 16.2, slow or stuck consumers: one client holds 1,000 real WebSockets open on the station's SignalR endpoint
/// of the console (<c>/_blazor</c>, the endpoint every browser tab holds; it takes anonymous connections, so this is
/// what a stranger can do), each through the SignalR handshake and then idle: it never reads, and sends only the
/// keep-alive a browser sends, so the station does not drop it for silence. Meanwhile another user signs in, lists the
/// units and runs tasks to their end, each within a bound; at the end all 1,000 are still open at the station.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class IdleWebSocketsTests(ITestOutputHelper output)
{
    private const int Sockets = 1000;
    private const string Password = "other-users-password-1";

    /// <summary>
    /// What the slowest call of the other user may take: a sign-in (a deliberately slow password hash) takes up to about
    /// 2 s on a busy 2-core machine; a station starved by the sockets would answer in tens of seconds or not at all.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // The handshake is JSON text ending in the record separator; a ping in blazorpack (MessagePack) is [6], length-prefixed.
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e");
    private static readonly byte[] Ping = [0x02, 0x91, 0x06];

    [Fact]
    public async Task A_client_holding_1000_idle_websockets_does_not_stop_the_station_serving_another_user()
    {
        // Both ends of 1,000 sockets are on this machine: the station (a child, which inherits the limit) and this process.
        ulong limit = FileDescriptors.EnsureAtLeast(8192);
        Assert.True(limit >= 2 * Sockets + 500, $"the open-file limit is {limit}; this test needs about {2 * Sockets + 500} (raise `ulimit -n`)");
        await using var station = await StationProcess.StartAsync();
        var sockets = new List<ClientWebSocket>();
        using var stop = new CancellationTokenSource();
        Task keepAlive = Task.CompletedTask;
        try
        {
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            await admin.CreateUserAsync("other", Password, "Operator");

            var endpoint = new UriBuilder(new Uri(station.BaseUrl, "/_blazor")) { Scheme = station.BaseUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
            var opening = Stopwatch.StartNew();
            for (int i = 0; i < Sockets; i++)
            {
                var socket = new ClientWebSocket();
                // No client-side WebSocket pings and a tiny receive buffer: nothing is ever read.
                socket.Options.KeepAliveInterval = TimeSpan.Zero;
                socket.Options.SetBuffer(256, 256);
                socket.Options.RemoteCertificateValidationCallback = TestTls.Callback;
                sockets.Add(socket);
                using var connect = new CancellationTokenSource(Timeouts.Request);
                await socket.ConnectAsync(endpoint, connect.Token);
                await socket.SendAsync(Handshake, WebSocketMessageType.Text, true, connect.Token);
            }
            output.WriteLine($"{Sockets} WebSockets opened and handshaken in {opening.Elapsed.TotalSeconds:0.0} s");
            // The station did take them as SignalR connections: the first one's handshake answer is an empty JSON object.
            var answer = new byte[64];
            using (var read = new CancellationTokenSource(Timeouts.Request))
            {
                var first = await sockets[0].ReceiveAsync(answer, read.Token);
                Assert.Equal("{}\u001e", Encoding.UTF8.GetString(answer, 0, first.Count));
            }
            keepAlive = KeepAliveAsync(sockets, stop.Token);
            int established = Established(station.Port);
            Assert.True(established >= Sockets, $"the station holds only {established} established connections, not the {Sockets} opened");

            // Another user is served meanwhile: sign-in, the unit list and a task run to its end, round after round.
            var slowest = TimeSpan.Zero;
            string slowestCall = "";
            int rounds = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(40))
            {
                var call = Stopwatch.StartNew();
                using var other = await ApiClient.SignInAsync(station.BaseUrl, "other", Password);
                Note(call, "sign-in");
                call.Restart();
                var units = await other.GetAsync("/api/v1/units");
                Assert.Equal(HttpStatusCode.OK, units.Status);
                Assert.Contains(units.Body.EnumerateArray(), u => u.GetProperty("id").GetString() == "station");
                Note(call, "GET /api/v1/units");
                call.Restart();
                long list = await other.StartAsync("fs.list", "station", new { path = station.StationRoot });
                Assert.Equal("succeeded", (await other.WaitForStateAsync(list, Timeouts.ShortTask)).GetProperty("state").GetString());
                Note(call, "fs.list to its end");
                rounds++;
            }
            int open = sockets.Count(s => s.State == WebSocketState.Open);
            int stillEstablished = Established(station.Port);
            output.WriteLine($"{rounds} rounds for the other user in {clock.Elapsed.TotalSeconds:0.0} s; slowest: {slowestCall} {slowest.TotalMilliseconds:0} ms; " +
                $"{open} WebSockets open at the client, {stillEstablished} connections established at the station");
            Assert.True(rounds >= 3, $"only {rounds} rounds in 40 s");
            Assert.True(slowest < Bound, $"the other user's {slowestCall} took {slowest.TotalMilliseconds:0} ms with {Sockets} idle WebSockets held (bound {Bound.TotalSeconds} s)");
            Assert.Equal(Sockets, open);
            Assert.True(stillEstablished >= Sockets, $"the station dropped idle WebSockets: {stillEstablished} established");
            await station.WaitHealthyAsync(Timeouts.Request);
            Assert.False(station.HasExited);

            void Note(Stopwatch call, string what)
            {
                if (call.Elapsed > slowest) (slowest, slowestCall) = (call.Elapsed, what);
            }
        }
        catch
        {
            output.WriteLine(station.Output);
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await keepAlive.WaitAsync(Timeouts.Request).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var s in sockets)
            {
                s.Abort();
                s.Dispose();
            }
        }
    }

    /// <summary>A SignalR ping on every socket every 10 s, as a browser's keep-alive (the station drops a client silent for 30 s).</summary>
    private static async Task KeepAliveAsync(List<ClientWebSocket> sockets, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), ct);
                foreach (var s in sockets)
                {
                    if (s.State == WebSocketState.Open) await s.SendAsync(Ping, WebSocketMessageType.Binary, true, ct);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Established TCP connections whose local end is the station's port, from /proc/net/tcp (and tcp6).</summary>
    private static int Established(int port)
    {
        string local = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[1].EndsWith(local, StringComparison.Ordinal) && f[3] == "01");
    }
}
