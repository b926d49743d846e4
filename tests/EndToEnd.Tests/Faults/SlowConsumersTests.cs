using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ccdsvm.EndToEnd.Tests.Fuzz;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Faults;

/// <summary>
/// Bad neighbours on one station: an enrolled agent flooding progress reports (for tasks that are not its own), a
/// live-metrics reader that stops reading, and a client holding 1,000 idle connections. Meanwhile another user lists
/// units, reads a task and runs a task to its end, each within the ordinary request bound; afterwards the station is
/// healthy and the flooding agent learned nothing about other tasks.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SlowConsumersTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_progress_flood_a_stalled_reader_and_1000_idle_connections_do_not_stop_the_station_serving_everyone_else()
    {
        await using var station = await StationProcess.StartAsync();
        var idle = new List<Socket>();
        using var stop = new CancellationTokenSource();
        try
        {
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            long someoneElses = await admin.StartAsync("maintenance.hold", "station", new { resource = "disks/busy", seconds = 120, reason = "another user's work" });

            // 1,000 idle connections: connected, never a byte sent.
            for (int i = 0; i < 1000; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, station.Port);
                idle.Add(s);
            }

            // A live-metrics reader that reads the headers, then never again.
            using var stalledHttp = new HttpClient(TestTls.Handler()) { BaseAddress = station.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
            stalledHttp.DefaultRequestHeaders.Authorization = new("Bearer", admin.Token);
            var stalled = stalledHttp.GetAsync("/api/v1/units/station/metrics/live", HttpCompletionOption.ResponseHeadersRead, stop.Token);

            // An enrolled agent flooding progress for task ids that are not its own, as fast as it can send.
            string credential = await admin.EnrolCredentialAsync("flood");
            await using var flood = new HubSession(station.BaseUrl, "flood", credential);
            await flood.AnnounceAsync([], stop.Token);
            long sent = 0;
            var flooding = Task.Run(async () =>
            {
                var c = await flood.GetAsync(stop.Token);
                while (!stop.IsCancellationRequested)
                {
                    try { await c.SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(someoneElses, ++sent, 0.99, "forged", 0, 1, ["forged line"], DateTimeOffset.UtcNow), stop.Token); }
                    catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException) { if (!stop.IsCancellationRequested) c = await flood.GetAsync(stop.Token); }
                }
            });

            // Everyone else is served: each call within the ordinary request bound (ApiClient's timeout), a task runs to its end.
            var clock = Stopwatch.StartNew();
            int rounds = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/units")).Status);
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/tasks/{someoneElses}")).Status);
                long list = await admin.StartAsync("fs.list", "station", new { path = station.StationRoot });
                Assert.Equal("succeeded", (await admin.WaitForStateAsync(list, Timeouts.ShortTask)).GetProperty("state").GetString());
                rounds++;
            }
            await stop.CancelAsync();
            await flooding.WaitAsync(Timeouts.Request).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            output.WriteLine($"{rounds} rounds served in {clock.Elapsed.TotalSeconds:0.0} s while {sent} forged progress reports were sent; {idle.Count(s => s.Connected)} idle connections still open");

            Assert.True(sent > 1000, $"the flood sent only {sent} reports");
            // The forged reports changed nothing on the other unit's task.
            var held = await admin.TaskAsync(someoneElses);
            Assert.NotEqual("forged", held.GetProperty("stage").GetString());
            Assert.True(held.GetProperty("progress").GetDouble() < 0.99, $"a forged report moved another unit's task: {held}");
            await station.WaitHealthyAsync(Timeouts.Request);
            Assert.False(station.HasExited);
        }
        catch
        {
            output.WriteLine(station.Output);
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var s in idle) s.Dispose();
        }
    }
}
