using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Units cut off from their station, with real processes frozen by SIGSTOP: the agent stops its tasks when its
/// lease ends, the station hands their locks on only after that lease has surely ended and says so on the task,
/// and a result the unit reports after the station gave its task up is kept.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class LeaseEndToEndTests
{
    private static object Hold(string resource, int seconds = 300) => new { resource, seconds, reason = "lease e2e" };

    [Fact]
    public async Task StationFrozen_TheAgentStopsItsTaskWhenItsLeaseEnds_AndTheTaskEndsInterruptedWithTheReason()
    {
        await using var station = new CrashableStation(graceSeconds: 60);
        using var api = await station.StartAsync();
        await station.StartAgentAsync(api, "unit-l", new Dictionary<string, string> { ["Agent__LeaseSeconds"] = "3" });
        long id = await api.StartAsync("maintenance.hold", "unit-l", Hold("disks/sdl"));
        await api.WaitForStateAsync(id, Timeouts.ShortTask, "running");

        await Signal("STOP", station.StationPid);
        try
        {
            await station.WaitForAgentOutputAsync("unit-l", "The lease ended at", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await Signal("CONT", station.StationPid);
        }

        var ended = await api.WaitForStateAsync(id, TimeSpan.FromSeconds(60), "interrupted");
        Assert.Matches(@"^stopped by the unit: no contact with the station since \d\d:\d\d:\d\d UTC; its lease ended at \d\d:\d\d:\d\d UTC", ended.GetProperty("error").GetString());
        Assert.Empty(ended.GetProperty("heldLocks").EnumerateArray());
    }

    [Fact]
    public async Task AgentFrozen_LocksGoOnlyAfterItsLeaseEnded_TheTaskSaysSo_AndItsLateReportIsKept()
    {
        // Grace 8 s and margin 2 s: the unit is granted a lease of 6 s.
        await using var station = new CrashableStation(graceSeconds: 8, environment: new Dictionary<string, string> { ["Station__LeaseMarginSeconds"] = "2" });
        using var api = await station.StartAsync();
        await station.StartAgentAsync(api, "unit-f");
        long id = await api.StartAsync("maintenance.hold", "unit-f", Hold("disks/sdf"));
        await api.WaitForStateAsync(id, Timeouts.ShortTask, "running");

        await Signal("STOP", station.AgentPid("unit-f"));
        JsonElement ended;
        try
        {
            // The station notices the silent connection after its client timeout (30 s), then waits for the lease.
            ended = await api.WaitForStateAsync(id, TimeSpan.FromSeconds(90), "interrupted");
        }
        finally
        {
            await Signal("CONT", station.AgentPid("unit-f"));
        }
        string error = ended.GetProperty("error").GetString()!;
        var m = System.Text.RegularExpressions.Regex.Match(error,
            @"^unit 'unit-f' became unreachable at (\d\d:\d\d:\d\d) UTC \(last contact (\d\d:\d\d:\d\d) UTC\) and did not report the task within 8 s; its lease ended at (\d\d:\d\d:\d\d) UTC, locks released$");
        Assert.True(m.Success, error);
        var leaseEnd = TimeOnly.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        var endedAt = TimeOnly.FromDateTime(ended.GetProperty("endedAt").GetDateTimeOffset().UtcDateTime);
        Assert.True(endedAt >= leaseEnd.Add(TimeSpan.FromSeconds(2)), $"locks released at {endedAt}, the lease ended at {leaseEnd}: less than the margin after it");
        Assert.Empty(ended.GetProperty("heldLocks").EnumerateArray());

        // Thawed, the agent finds its lease over, stops the task and reports it when it is back: the station keeps it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement late;
        while (true)
        {
            var events = (await api.GetAsync($"/api/v1/tasks/{id}/events")).Body.EnumerateArray().ToList();
            if (events.FirstOrDefault(e => e.GetProperty("type").GetString() == "lateResult") is { ValueKind: JsonValueKind.Object } found) { late = found; break; }
            Assert.True(DateTime.UtcNow < deadline, "no late result recorded:\n" + station.AgentOutput("unit-f"));
            await Task.Delay(250);
        }
        Assert.StartsWith("unit 'unit-f' reported the task stopped at ", late.GetProperty("message").GetString());
        Assert.Contains("its lease ended at", late.GetProperty("message").GetString());
        Assert.Equal("interrupted", (await api.TaskAsync(id)).GetProperty("state").GetString());
    }

    private static Task Signal(string signal, int pid) => HostTool.RunAsync("kill", "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
