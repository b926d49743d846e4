using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The move cluster with <c>Transfers:AllowLoopbackDataPlane=false</c>: units on the station's machine may not have it call loopback.</summary>
public sealed class NoLoopbackCluster : MoveCluster
{
    protected override IEnumerable<(string Key, string Value)> StationSettings => [("Transfers__AllowLoopbackDataPlane", "false")];
}

/// <summary>
/// A unit announces a data-plane address; the station's relay calls it only when the unit's enrolment allows it
/// (the address it connected from, or one an administrator configured), never loopback or the station's own
/// addresses unless configured. A listener stands at the announced address and counts who knocks.
/// </summary>
[Collection(MoveProcessCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DataPlanePolicyTests(NoLoopbackCluster cluster) : IClassFixture<NoLoopbackCluster>
{
    [Fact]
    public async Task UnitAnnouncingLoopbackOrStationAddress_IsNotCalledByTheRelay()
    {
        var own = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        foreach (var address in own is null ? [IPAddress.Loopback] : new[] { IPAddress.Loopback, own })
        {
            using var trap = new TcpListener(address, 0);
            trap.Start();
            int knocks = 0;
            _ = Task.Run(async () =>
            {
                try { while (true) { using var s = await trap.AcceptSocketAsync(); Interlocked.Increment(ref knocks); } }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
            });
            string unit = "trap-" + address.GetAddressBytes()[^1];
            string url = $"http://{address}:{((IPEndPoint)trap.LocalEndpoint).Port}";
            string root = Path.Combine(cluster.Work, unit);
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, "f.txt"), "secret");
            cluster.StartAgent(unit, root, await cluster.EnrolmentTokenAsync(unit), [("Agent__DataPublicUrl", url)]);
            await cluster.UntilOnlineAsync(unit);

            // A browser download is relayed by the station to the unit's announced data plane.
            var download = await cluster.Http.GetAsync($"{cluster.StationUrl}/api/v1/units/{unit}/files?path={Uri.EscapeDataString(Path.Combine(root, "f.txt"))}");
            string detail = await download.Content.ReadAsStringAsync();
            Assert.True(download.StatusCode == HttpStatusCode.Forbidden, $"{address}: {(int)download.StatusCode} {detail}");
            Assert.Contains("Transfers:AllowLoopbackDataPlane", detail);

            // A move from it is refused at dispatch, for the relay and for a direct pull alike.
            long id = await cluster.SubmitOkAsync(new
            {
                source = new { unit, path = Path.Combine(root, "f.txt") },
                destination = new { unit = "b", path = Path.Combine(cluster.RootB, unit + ".txt") },
                mode = "copy",
            });
            var task = await cluster.UntilEndedAsync(id, TimeSpan.FromSeconds(60));
            Assert.Equal("failed", task["state"]!.GetValue<string>());
            Assert.Contains("loopback or station address", task["error"]!.GetValue<string>());

            await Task.Delay(300);
            Assert.Equal(0, Volatile.Read(ref knocks));
            cluster.KillAgent(unit);
            trap.Stop();
        }
    }

    [Fact]
    public async Task CoHostedStationUnit_OnLoopback_IsStillServed()
    {
        string file = Path.Combine(cluster.Work, "station-root", "hello.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "hello");
        var download = await cluster.Http.GetAsync($"{cluster.StationUrl}/api/v1/units/station/files?path={Uri.EscapeDataString(file)}");
        Assert.True(download.StatusCode == HttpStatusCode.OK, await download.Content.ReadAsStringAsync());
        Assert.Equal("hello", await download.Content.ReadAsStringAsync());
    }
}
