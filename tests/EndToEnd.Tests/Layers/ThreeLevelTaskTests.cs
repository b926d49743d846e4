using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// Tasks routed down three levels (top → mid-1 → mid-2 → u7; README, "Layered stations"), all real processes. The top
/// lists every unit below it with its parent. A top user gets nothing at a mid station until that station grants it, and
/// the refusal names the station that refused; granted at both, a checksum on u7 returns the right SHA-256, progress is
/// seen at the top and a cancel from the top stops the task on the unit. A top task and a task local to mid-2 on the same
/// resource exclude each other, and the top shows where and behind whom its task waits. The views of u7 are checked in
/// the same fleet (<see cref="ThreeLevelViews"/>), and so are copies between units under different stations (<see cref="ThreeLevelMoves"/>).
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class ThreeLevelTaskTests(ITestOutputHelper output)
{
    private const string Mid1 = LayeredFleet.Mid1Name, Mid2 = LayeredFleet.Mid2Name, U7 = LayeredFleet.U7Name;

    [Fact]
    public async Task ThreeLevels_InventoryUp_AclAtEachStation_ChecksumProgressCancel_AndMutualExclusionWithTheWaitChainSeenAtTheTop()
    {
        await LayeredFleet.RunAsync(output, new LayeredFleetOptions { StationEnvironment = ThreeLevelMoves.StationEnvironment, U7Environment = ThreeLevelTerminal.U7Environment }, RunAsync);
    }

    private static async Task RunAsync(LayeredFleet fleet)
    {
        var top = fleet.TopAdmin;
        byte[] content = RandomNumberGenerator.GetBytes(8 * 1024 * 1024 + 5);
        string file = Path.Combine(fleet.U7Root, "payload.bin");
        await File.WriteAllBytesAsync(file, content);

        // Inventory flows up: the top lists u7 below mid-2, mid-2 and u3 below mid-1, each level on its own.
        await fleet.WaitUnitAsync(top, U7, "online");
        await fleet.WaitUnitAsync(top, LayeredFleet.U3Name, "online");
        Assert.Equal([(Mid2, Mid1), (LayeredFleet.U3Name, Mid1)], await ChildrenAsync(top, Mid1));
        Assert.Equal([(U7, Mid2)], await ChildrenAsync(top, Mid2));
        Assert.Equal("station", (await top.GetAsync($"/api/v1/units/{Mid2}")).Body.GetProperty("kind").GetString());

        // No grant at mid-1: refused there. Granted at mid-1 only: refused at mid-2. Each says which station refused.
        string refusedAtMid1 = await FailedAsync(top, "fs.checksum", new { path = file });
        Assert.StartsWith($"refused at {Mid1}: admin@top has no rights on /units/{U7}", refusedAtMid1);
        await GrantAsync(fleet.Mid1Admin, "admin@top");
        string refusedAtMid2 = await FailedAsync(top, "fs.checksum", new { path = file });
        Assert.StartsWith($"refused at {Mid2}: admin@top has no rights on /units/{U7}", refusedAtMid2);
        // The views of u7 (folder, storage, processes, metrics) at the top: refused at mid-2 too, then granted there.
        await ThreeLevelViews.CheckAsync(fleet);
        await GrantAsync(fleet.Mid2Admin, "admin@top");

        // Granted at both: the right checksum, run once at mid-2 under the top user's name.
        long sumId = await top.StartAsync("fs.checksum", U7, new { path = file });
        var sum = await top.WaitForStateAsync(sumId, Timeouts.ShortTask);
        Assert.True(sum.GetProperty("state").GetString() == "succeeded", sum.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sum.GetProperty("result").GetProperty("sha256").GetString());
        var log = (await top.GetAsync($"/api/v1/tasks/{sumId}/events")).Body.EnumerateArray().Select(e => e.GetProperty("message").GetString() ?? "").ToList();
        Assert.Contains(log, line => line.Contains($"relayed to {Mid1} as task ", StringComparison.Ordinal));
        Assert.Contains(log, line => line.Contains($"relayed to {Mid2} as task ", StringComparison.Ordinal) && line.Contains("(owner there: admin@top)", StringComparison.Ordinal));
        var atMid2 = (await TasksAsync(fleet.Mid2Admin)).Where(t => t.GetProperty("kind").GetString() == "fs.checksum" && t.GetProperty("state").GetString() == "succeeded").ToList();
        Assert.Equal("admin@top", Assert.Single(atMid2).GetProperty("owner").GetString());
        var midLog = (await fleet.Mid2Admin.GetAsync($"/api/v1/tasks/{atMid2[0].GetProperty("id").GetInt64()}/events")).Body.EnumerateArray().Select(e => e.GetProperty("message").GetString() ?? "");
        Assert.Contains(midLog, line => line.Contains($"relayed from task ", StringComparison.Ordinal) && line.Contains($"({Mid1}) for admin@top", StringComparison.Ordinal));

        // The unit still checks the mid station's ticket against its own roots.
        long outsideId = await top.StartAsync("fs.checksum", U7, new { path = "/etc/hostname" });
        var outside = await top.WaitForStateAsync(outsideId, Timeouts.ShortTask);
        Assert.Equal("failed", outside.GetProperty("state").GetString());
        Assert.Contains("outside this unit's roots", outside.GetProperty("error").GetString());

        // Progress from the unit is seen at the top; a cancel from the top stops the task on the unit.
        long holdId = await top.StartAsync("maintenance.hold", U7, new { resource = "fs" + file, seconds = 120, reason = "three levels" });
        var holding = await WaitStageAsync(top, holdId, stage => stage.StartsWith("holding", StringComparison.Ordinal));
        Assert.True(holding.GetProperty("progress").GetDouble() is >= 0 and < 1);
        Assert.Equal(HttpStatusCode.OK, (await top.PostJsonAsync($"/api/v1/tasks/{holdId}/cancel", null)).Status);
        Assert.Equal("cancelled", (await top.WaitForStateAsync(holdId, Timeouts.ShortTask)).GetProperty("state").GetString());
        var holdAtMid2 = Assert.Single(await TasksAsync(fleet.Mid2Admin), t => t.GetProperty("kind").GetString() == "maintenance.hold");
        Assert.Equal("cancelled", holdAtMid2.GetProperty("state").GetString());

        // A task local to mid-2 holds u7: the top's checksum waits at mid-2, and the top says where and behind whom.
        long localHold = await fleet.Mid2Admin.StartAsync("maintenance.hold", U7, new { resource = $"/units/{U7}", seconds = 120, reason = "disk swap" });
        await fleet.Mid2Admin.WaitForStateAsync(localHold, Timeouts.ShortTask, "running");
        long waitingId = await top.StartAsync("fs.checksum", U7, new { path = file });
        var waiting = await WaitStageAsync(top, waitingId, stage => stage.StartsWith($"waiting at {Mid2} for ", StringComparison.Ordinal));
        string chain = waiting.GetProperty("stage").GetString()!;
        Assert.Contains($"held by task {localHold} (admin, maintenance.hold)", chain);
        Assert.Contains("'disk swap'", chain);
        Assert.Equal(HttpStatusCode.OK, (await fleet.Mid2Admin.PostJsonAsync($"/api/v1/tasks/{localHold}/cancel", null)).Status);
        Assert.Equal("succeeded", (await top.WaitForStateAsync(waitingId, Timeouts.ShortTask)).GetProperty("state").GetString());

        // And the other way: a top task holding u7 makes a local task of mid-2 wait, behind the top user.
        long topHold = await top.StartAsync("maintenance.hold", U7, new { resource = $"/units/{U7}", seconds = 120, reason = "from the top" });
        await WaitStageAsync(top, topHold, stage => stage.StartsWith("holding", StringComparison.Ordinal));
        long localSum = await fleet.Mid2Admin.StartAsync("fs.checksum", U7, new { path = file });
        var localWaiting = await fleet.Mid2Admin.WaitForStateAsync(localSum, Timeouts.ShortTask, "waitingForLocks");
        Assert.Contains("(admin@top, maintenance.hold)", localWaiting.GetProperty("waitingFor").GetString());
        Assert.Equal(HttpStatusCode.OK, (await top.PostJsonAsync($"/api/v1/tasks/{topHold}/cancel", null)).Status);
        Assert.Equal("succeeded", (await fleet.Mid2Admin.WaitForStateAsync(localSum, Timeouts.ShortTask)).GetProperty("state").GetString());

        // A terminal to u7 typed at the top (ThreeLevelTerminal).
        await ThreeLevelTerminal.CheckAsync(fleet);

        // data.move between units under different stations, both ways (ThreeLevelMoves).
        await ThreeLevelMoves.CheckAsync(fleet);
    }

    private static async Task GrantAsync(ApiClient station, string subject)
    {
        var grant = await station.PutJsonAsync("/api/v1/acl", new { path = $"/units/{U7}", subject, role = "Administrator" });
        Assert.True(grant.Status == HttpStatusCode.OK, grant.ToString());
    }

    private static async Task<string> FailedAsync(ApiClient top, string kind, object parameters)
    {
        long id = await top.StartAsync(kind, U7, parameters);
        var task = await top.WaitForStateAsync(id, Timeouts.ShortTask);
        Assert.True((task.GetProperty("state").GetString(), task.GetProperty("errorKind").GetString()) == ("failed", "forbidden"), task.ToString());
        return task.GetProperty("error").GetString()!;
    }

    private static async Task<List<(string?, string?)>> ChildrenAsync(ApiClient station, string parent) =>
        [.. (await station.GetAsync($"/api/v1/units?parent={parent}&sort=id")).Body.GetProperty("items").EnumerateArray()
            .Select(u => (u.GetProperty("id").GetString(), u.GetProperty("parent").GetString()))];

    private static async Task<List<JsonElement>> TasksAsync(ApiClient station)
    {
        var body = (await station.GetAsync($"/api/v1/tasks?target={U7}")).Body;
        return [.. (body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("items")).EnumerateArray()];
    }

    /// <summary>Polls the task until its stage passes <paramref name="match"/> (at most the short-task bound).</summary>
    private static async Task<JsonElement> WaitStageAsync(ApiClient station, long id, Func<string, bool> match)
    {
        using var limit = new CancellationTokenSource(Timeouts.ShortTask);
        JsonElement last = default;
        while (!limit.IsCancellationRequested)
        {
            last = await station.TaskAsync(id);
            if (last.GetProperty("stage").GetString() is { } stage && match(stage)) return last;
            try { await Task.Delay(100, limit.Token); }
            catch (OperationCanceledException) { break; }
        }
        throw new TimeoutException($"task {id}'s stage did not become the one expected; last seen: {last}");
    }
}
