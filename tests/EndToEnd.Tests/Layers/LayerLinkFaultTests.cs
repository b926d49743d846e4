using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// Faults between layers (README, "Layered stations"), real processes: the top → mid-1 link cut for 30 s while a top task
/// runs on u7 (two levels down) — mid-1 goes on by itself, the task finishes there, the top shows the subtree unreachable,
/// then learns the result once the link is back, and nothing ran twice; then mid-1 killed and started again while a top
/// task runs through it — it reattaches the task, which ends once, succeeded, at every level.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class LayerLinkFaultTests(ITestOutputHelper output)
{
    private const string U7 = LayeredFleet.U7Name;

    [Fact]
    public async Task ACut30sAndAMidStationRestart_WhileTopTasksRun_LoseNothing_AndRunNothingTwice()
    {
        await LayeredFleet.RunAsync(output, new LayeredFleetOptions { CuttableUplink = true }, RunAsync);
    }

    private async Task RunAsync(LayeredFleet fleet)
    {
        var top = fleet.TopAdmin;
        foreach (var mid in new[] { fleet.Mid1Admin, fleet.Mid2Admin })
        {
            var grant = await mid.PutJsonAsync("/api/v1/acl", new { path = $"/units/{U7}", subject = "admin@top", role = "Administrator" });
            Assert.True(grant.Status == System.Net.HttpStatusCode.OK, grant.ToString());
        }
        await fleet.WaitUnitAsync(top, U7, "online");

        // A 12 s task on u7 from the top; once it runs, the top → mid-1 link is cut for 30 s.
        long id = await top.StartAsync("maintenance.hold", U7, new { resource = "fs" + fleet.U7Root, seconds = 12, reason = "link cut" });
        await WaitAsync(top, id, t => Stage(t).StartsWith("holding", StringComparison.Ordinal), "to run on u7");
        var cut = Stopwatch.StartNew();
        var link = Assert.IsType<CuttableLink>(fleet.Uplink);
        link.Cut();

        // The top sees the subtree unreachable; mid-1 keeps working on its own and the task ends there.
        await fleet.WaitUnitAsync(top, U7, "unreachable", timeout: Timeouts.UnitOnline);
        var atMid1 = await SingleRelayedAsync(fleet.Mid1Admin, "maintenance.hold");
        Assert.Equal("succeeded", (await fleet.Mid1Admin.WaitForStateAsync(atMid1, TimeSpan.FromSeconds(25))).GetProperty("state").GetString());
        var during = await top.TaskAsync(id);
        Assert.True(during.GetProperty("state").GetString() is "running" or "dispatched", during.ToString());
        output.WriteLine($"mid-1 ended the task {cut.Elapsed.TotalSeconds:0.0} s into the cut; the top still shows it {during.GetProperty("state").GetString()} ({Stage(during)})");

        var rest = TimeSpan.FromSeconds(30) - cut.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        link.Restore();

        // Back: the top learns the result, the subtree is online again, and each level ran the task once.
        var ended = await top.WaitForStateAsync(id, Timeouts.UnitOnline);
        Assert.True(ended.GetProperty("state").GetString() == "succeeded", ended.ToString());
        output.WriteLine($"the top learned the result {cut.Elapsed.TotalSeconds:0.0} s after the cut began");
        await fleet.WaitUnitAsync(top, U7, "online");
        Assert.Single(await RelayedAsync(fleet.Mid2Admin, "maintenance.hold"));
        Assert.Single(await RelayedAsync(fleet.Mid1Admin, "maintenance.hold"));

        // Mid-1 killed and started again while a 10 s top task runs through it: reattached, ended once, succeeded.
        long held = await top.StartAsync("maintenance.hold", U7, new { resource = "disks/restart-test", seconds = 10, reason = "mid restart" });
        await WaitAsync(top, held, t => Stage(t).StartsWith("holding", StringComparison.Ordinal), "to run on u7");
        await fleet.Mid1.RestartAsync();
        await fleet.WaitUplinkAsync(fleet.Mid1, "connected");
        var after = await top.WaitForStateAsync(held, Timeouts.UnitOnline);
        Assert.True(after.GetProperty("state").GetString() == "succeeded", after.ToString());
        Assert.Equal(2, (await RelayedAsync(fleet.Mid2Admin, "maintenance.hold")).Count);
        var heldAtMid1 = (await RelayedAsync(fleet.Mid1Admin, "maintenance.hold")).Where(t => t.GetProperty("parameters").GetProperty("reason").GetString() == "mid restart").ToList();
        Assert.Equal("succeeded", Assert.Single(heldAtMid1).GetProperty("state").GetString());
    }

    private static string Stage(JsonElement task) => task.GetProperty("stage").GetString() ?? "";

    private static async Task<List<JsonElement>> RelayedAsync(ApiClient station, string kind)
    {
        var body = (await station.GetAsync($"/api/v1/tasks?target={U7}&owner=admin@top")).Body;
        return [.. (body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("items")).EnumerateArray().Where(t => t.GetProperty("kind").GetString() == kind)];
    }

    private static async Task<long> SingleRelayedAsync(ApiClient station, string kind) => Assert.Single(await RelayedAsync(station, kind)).GetProperty("id").GetInt64();

    private static async Task WaitAsync(ApiClient station, long id, Func<JsonElement, bool> done, string what)
    {
        using var limit = new CancellationTokenSource(Timeouts.ShortTask);
        JsonElement last = default;
        while (!limit.IsCancellationRequested)
        {
            last = await station.TaskAsync(id);
            if (done(last)) return;
            try { await Task.Delay(100, limit.Token); }
            catch (OperationCanceledException) { break; }
        }
        throw new TimeoutException($"task {id} did not come {what}; last seen: {last}");
    }
}
