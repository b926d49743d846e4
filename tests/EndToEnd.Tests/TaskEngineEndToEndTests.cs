using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The task engine through real processes: slots, staged release, crash recovery, agent loss, cross-process release.</summary>
[Collection(ProcessCollection.Name)]
public sealed class TaskEngineEndToEndTests
{
    private static object Hold(string resource, int seconds = 120) => new { resource, seconds, reason = "e2e" };

    [Fact]
    public async Task FullTaskList_Answers429WithTheSlotCount_AndAFreedSlotIsReused()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings { MaxTasks = 4 });
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        var ids = new List<long>();
        for (int i = 0; i < 4; i++) ids.Add(await api.StartAsync("maintenance.hold", "station", Hold($"disks/d{i}")));

        var refused = await api.SubmitAsync("maintenance.hold", "station", Hold("disks/d9"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.StartsWith("task list is full: 4 of 4 slots in use", refused.Detail);
        Assert.Equal("application/problem+json", refused.ContentType);

        var slotOfSecond = (await api.TaskAsync(ids[1])).GetProperty("slot").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await api.PostJsonAsync($"/api/v1/tasks/{ids[1]}/cancel", null)).Status);
        await api.WaitForStateAsync(ids[1], Timeouts.ShortTask, "cancelled");
        var again = await api.SubmitAsync("maintenance.hold", "station", Hold("disks/d9"));
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal(slotOfSecond, again.Body.GetProperty("slot").GetInt32());
    }

    [Fact]
    public async Task StagedRelease_TheWaiterGetsItsLocksBeforeTheHolderEnds()
    {
        await using var station = await StationProcess.StartAsync();
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        var file = Path.Combine(station.StationRoot, "source.bin");
        await BigFiles.CreateRandomAsync(file, 512L << 20);

        long reader = await api.StartAsync("fs.checksum", "station", new { path = file });
        long writer = await api.StartAsync("maintenance.hold", "station", Hold("fs" + file, seconds: 1));
        Assert.Equal("waitingForLocks", (await api.TaskAsync(writer)).GetProperty("state").GetString());
        Assert.Contains($"held by task {reader}", (await api.TaskAsync(writer)).GetProperty("waitingFor").GetString());

        var readerDone = await api.WaitForStateAsync(reader, Timeouts.BigChecksum, "succeeded");
        await api.WaitForStateAsync(writer, Timeouts.ShortTask, "succeeded");

        var events = (await api.GetAsync($"/api/v1/tasks/{writer}/events")).Body.EnumerateArray().ToList();
        var granted = events.First(e => e.GetProperty("message").ValueKind == JsonValueKind.String && e.GetProperty("message").GetString() == "locks granted");
        var readerEnded = readerDone.GetProperty("endedAt").GetDateTimeOffset();
        Assert.True(granted.GetProperty("at").GetDateTimeOffset() < readerEnded,
            $"the waiter was granted at {granted.GetProperty("at")} but the reader ended at {readerEnded:O}: the source lock was not released at stage 1");
        var readerEvents = (await api.GetAsync($"/api/v1/tasks/{reader}/events")).Body.EnumerateArray();
        Assert.Contains(readerEvents, e => e.GetProperty("type").GetString() == "stageDone");
    }

    [Fact]
    public async Task StationKilledWithSigkill_RestartsWithTasksReattachedHoldingTheirLocks_AndAConflictWaits()
    {
        await using var station = new CrashableStation(graceSeconds: 60);
        var api = await station.StartAsync();
        await station.StartAgentAsync(api, "unit-a");
        var ids = new List<long>();
        for (int i = 1; i <= 3; i++) ids.Add(await api.StartAsync("maintenance.hold", "unit-a", Hold($"disks/d{i}", 300)));
        foreach (var id in ids) await api.WaitForStateAsync(id, Timeouts.ShortTask, "running");
        var slots = new List<int>();
        foreach (var id in ids) slots.Add((await api.TaskAsync(id)).GetProperty("slot").GetInt32());
        api.Dispose();

        station.Crash();
        using var after = await station.StartAsync();

        // The locks are back before anything new is admitted: right after the restart the held resources
        // are listed, and once the unit is back a conflicting task queues behind the restored holder.
        var locksAtStart = (await after.GetAsync("/api/v1/locks")).Body.GetProperty("held").EnumerateArray().Select(l => l.GetProperty("taskId").GetInt64()).ToHashSet();
        Assert.True(ids.All(locksAtStart.Contains), $"restored locks missing right after the restart: {string.Join(",", locksAtStart)}");
        await after.WaitUnitStatusAsync("unit-a", "online", Timeouts.UnitOnline);
        var conflict = await after.StartAsync("maintenance.hold", "unit-a", Hold("disks/d1", 5));
        for (int i = 0; i < 3; i++)
        {
            var task = await after.WaitForStateAsync(ids[i], Timeouts.ShortTask, "running");
            Assert.Equal(slots[i], task.GetProperty("slot").GetInt32());
            Assert.Equal($"/units/unit-a/disks/d{i + 1}", task.GetProperty("heldLocks")[0].GetProperty("resource").GetString());
            var events = (await after.GetAsync($"/api/v1/tasks/{ids[i]}/events")).Body.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
            Assert.Contains("restored", events);
            Assert.Contains("reattached", events);
        }
        var waiting = await after.TaskAsync(conflict);
        Assert.Equal("waitingForLocks", waiting.GetProperty("state").GetString());
        Assert.Contains($"held by task {ids[0]}", waiting.GetProperty("waitingFor").GetString());
    }

    [Fact]
    public async Task AgentKilledMidTask_TaskIsInterruptedAfterTheGrace_WithTheReasonAndItsLocksReleased()
    {
        await using var station = new CrashableStation(graceSeconds: 10);
        using var api = await station.StartAsync();
        await station.StartAgentAsync(api, "unit-b");
        long id = await api.StartAsync("maintenance.hold", "unit-b", Hold("disks/sdx", 300));
        await api.WaitForStateAsync(id, Timeouts.ShortTask, "running");

        station.KillAgent("unit-b");
        await api.WaitUnitStatusAsync("unit-b", "offline", Timeouts.UnitOnline);
        // The unit shows offline a moment before its tasks carry the reason: wait (bounded) for the reason.
        var during = await api.TaskAsync(id);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(during.GetProperty("stage").GetString() ?? "").Contains("unreachable") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            during = await api.TaskAsync(id);
        }
        Assert.Equal("running", during.GetProperty("state").GetString());
        Assert.Contains("unreachable", during.GetProperty("stage").GetString());

        var ended = await api.WaitForStateAsync(id, TimeSpan.FromSeconds(30), "interrupted");
        Assert.Contains("became unreachable", ended.GetProperty("error").GetString());
        // The agent renewed its lease (grace 10 s less the 5 s margin: 5 s); the locks went only after it ended.
        Assert.Contains("its lease ended at", ended.GetProperty("error").GetString());
        var locks = (await api.GetAsync("/api/v1/locks")).Body;
        Assert.DoesNotContain(locks.GetProperty("held").EnumerateArray(), l => l.GetProperty("taskId").GetInt64() == id);
    }

    [Fact]
    public async Task LocksReleasedByAnotherProcess_LetTheWaiterRun()
    {
        await using var station = new CrashableStation();
        using var api = await station.StartAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        long holder = await api.StartAsync("maintenance.hold", "station", Hold("disks/sdz", 300));
        long waiter = await api.StartAsync("maintenance.hold", "station", Hold("disks/sdz", 2));
        Assert.Equal("waitingForLocks", (await api.TaskAsync(waiter)).GetProperty("state").GetString());

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { RepoPaths.StationDll, "release-locks", "--task", holder.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", station.DataDirectory }) psi.ArgumentList.Add(a);
        using var other = Process.Start(psi)!;
        var said = await other.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await other.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, other.ExitCode);
        Assert.Contains("/units/station/disks/sdz", said);

        await api.WaitForStateAsync(waiter, TimeSpan.FromSeconds(30), "running", "succeeded");
        Assert.Empty((await api.TaskAsync(holder)).GetProperty("heldLocks").EnumerateArray());
    }
}
