using System.Diagnostics;
using System.Globalization;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A station told to stop (SIGTERM, as systemd does) stops promptly, with OpenTelemetry export on as in production:
/// its co-hosted agent does not reconnect to the station that is shutting down (it did, and the host then waited for
/// that connection until its 30-second shutdown timeout).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StationShutdownTests
{
    [Fact]
    public async Task Sigterm_stops_the_station_well_before_the_hosts_timeout_and_its_own_agent_does_not_reconnect_meanwhile()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings
        {
            // Export on (to a port where nothing listens): the setting under which the slow shutdown was seen.
            Environment = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" },
        });
        using (var admin = await station.AdminAsync())
        {
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            long id = await admin.StartAsync("fs.list", "station", new { path = station.StationRoot });
            await admin.WaitForStateAsync(id, Timeouts.ShortTask, "succeeded");
        }

        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", station.ProcessId.ToString(CultureInfo.InvariantCulture)])!)
            await kill.WaitForExitAsync().WaitAsync(Timeouts.Request);
        while (!station.HasExited && clock.Elapsed < TimeSpan.FromSeconds(25)) await Task.Delay(100);

        string output = station.Output;
        Assert.True(station.HasExited, $"the station was still running {clock.Elapsed.TotalSeconds:0} s after SIGTERM:\n{output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {clock.Elapsed.TotalSeconds:0} s, near the host's 30 s shutdown timeout:\n{output}");
        int stopping = output.IndexOf("Application is shutting down", StringComparison.Ordinal);
        Assert.True(stopping >= 0, "the station did not log its shutdown:\n" + output);
        Assert.DoesNotContain("Connected to the station", output[stopping..], StringComparison.Ordinal);
    }
}
