using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests;

public sealed class TaskEngineTests : IDisposable
{
    private static readonly Caller Alice = new("alice", false);
    private static readonly Caller Bob = new("bob", false);
    private readonly TempStore _store = new();

    private static SubmitTask Hold(string resource, string unit = "a", double seconds = 60, string? key = null, double? wait = null) =>
        new(TaskKinds.MaintenanceHold, unit, JsonDocument.Parse($"{{\"resource\":\"{resource}\",\"seconds\":{seconds}}}").RootElement, wait, key);

    private static SubmitTask Checksum(string path, string unit = "a") =>
        new(TaskKinds.FsChecksum, unit, JsonDocument.Parse($"{{\"path\":\"{path}\"}}").RootElement);

    [Fact]
    public async Task Submit_WhenListFull_RefusesTooManyWithTheSlotCount()
    {
        var (engine, _) = _store.Engine(maxTasks: 4, perUser: 10);
        for (int i = 0; i < 4; i++) Assert.True((await engine.SubmitAsync(Hold($"disks/d{i}"), i % 2 == 0 ? Alice : Bob)).Ok);

        var refused = await engine.SubmitAsync(Hold("disks/d9"), Alice);

        Assert.Equal(StationErrorKind.TooManyTasks, refused.Error!.Kind);
        Assert.StartsWith("task list is full: 4 of 4 slots in use", refused.Error.Message);
    }

    [Fact]
    public async Task Submit_OverThePerUserCap_RefusesTooManyNamingTheLimit()
    {
        var (engine, _) = _store.Engine(maxTasks: 10, perUser: 2);
        Assert.True((await engine.SubmitAsync(Hold("disks/d1"), Alice)).Ok);
        Assert.True((await engine.SubmitAsync(Hold("disks/d2"), Alice)).Ok);

        var refused = await engine.SubmitAsync(Hold("disks/d3"), Alice);
        Assert.Equal(StationErrorKind.TooManyTasks, refused.Error!.Kind);
        Assert.StartsWith("you already run 2 tasks, the limit per user is 2", refused.Error.Message);
        Assert.True((await engine.SubmitAsync(Hold("disks/d3"), Bob)).Ok);
    }

    [Fact]
    public async Task EndedTask_GivesItsSlotBack_AndTheLowestFreeSlotIsTaken()
    {
        var (engine, _) = _store.Engine(maxTasks: 3);
        var t0 = (await engine.SubmitAsync(Hold("disks/d0"), Alice)).Value!;
        var t1 = (await engine.SubmitAsync(Hold("disks/d1"), Alice)).Value!;
        Assert.Equal((0, 1), (t0.Slot, t1.Slot));

        await engine.EndAsync(t0.Id, TaskState.Succeeded, "{}", null);
        var t2 = (await engine.SubmitAsync(Hold("disks/d2"), Alice)).Value!;

        Assert.Equal(0, t2.Slot);
        Assert.Null(engine.View(t0.Id)!.Slot);
    }

    [Fact]
    public async Task SameIdempotencyKey_ReturnsTheFirstTask()
    {
        var (engine, _) = _store.Engine();
        var first = (await engine.SubmitAsync(Hold("disks/d0", key: "k-1"), Alice)).Value!;
        var again = (await engine.SubmitAsync(Hold("disks/d0", key: "k-1"), Alice)).Value!;
        var other = (await engine.SubmitAsync(Hold("disks/d1", key: "k-1"), Bob)).Value!;

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(2, engine.ActiveCount);
    }

    [Fact]
    public async Task BadRequests_AreRefusedWithMessagesNamingWhatIsWrong()
    {
        var (engine, units) = _store.Engine(onlineUnits: ["a", "b"]);
        units.Offline("conn-b", DateTimeOffset.UtcNow);

        var unknownKind = await engine.SubmitAsync(new SubmitTask("fs.melt", "a", null), Alice);
        var unknownUnit = await engine.SubmitAsync(Hold("disks/x", unit: "zz"), Alice);
        var offline = await engine.SubmitAsync(Hold("disks/x", unit: "b"), Alice);
        var badParams = await engine.SubmitAsync(new SubmitTask(TaskKinds.MaintenanceHold, "a", JsonDocument.Parse("{\"seconds\":0}").RootElement), Alice);

        Assert.Equal(StationErrorKind.BadRequest, unknownKind.Error!.Kind);
        Assert.Contains("known kinds: fs.checksum", unknownKind.Error.Message);
        Assert.Equal(StationErrorKind.NotFound, unknownUnit.Error!.Kind);
        Assert.Contains("known units: a, b", unknownUnit.Error.Message);
        Assert.Equal(StationErrorKind.Conflict, offline.Error!.Kind);
        Assert.Contains("offline since", offline.Error.Message);
        Assert.Equal(StationErrorKind.BadRequest, badParams.Error!.Kind);
        Assert.Contains("missing parameter 'resource'", badParams.Error.Message);
        Assert.Contains("'seconds' must be at least 1", badParams.Error.Message);
        Assert.Equal(0, engine.ActiveCount);
    }

    [Fact]
    public async Task ConflictingHold_WaitsNamingTheHolder_AndStartsWhenTheHolderEnds()
    {
        var (engine, _) = _store.Engine();
        var first = (await engine.SubmitAsync(Hold("disks/sdb"), Alice)).Value!;
        var second = (await engine.SubmitAsync(Hold("disks/sdb"), Bob)).Value!;

        Assert.Equal("dispatched", first.State);
        Assert.Equal("waitingForLocks", second.State);
        Assert.StartsWith($"waiting for /units/a/disks/sdb, held by task {first.Id} (alice, maintenance.hold", second.WaitingFor);
        Assert.DoesNotContain(_store.Dispatcher.Orders, o => o.TaskId == second.Id);

        await engine.EndAsync(first.Id, TaskState.Succeeded, "{}", null);

        Assert.Equal("dispatched", engine.View(second.Id)!.State);
        Assert.Contains(_store.Dispatcher.Orders, o => o.TaskId == second.Id);
    }

    [Fact]
    public async Task StagedRelease_StartsTheWaiterBeforeTheHolderEnds()
    {
        var (engine, _) = _store.Engine();
        var reader = (await engine.SubmitAsync(Checksum("/srv/a/big.bin"), Alice)).Value!;
        var writer = (await engine.SubmitAsync(Hold("fs/srv/a/big.bin"), Bob)).Value!;
        Assert.Equal("waitingForLocks", writer.State);

        await engine.OnStageDoneAsync("a", new TaskStageDone(reader.Id, 1, DateTimeOffset.UtcNow));

        Assert.Equal("dispatched", engine.View(writer.Id)!.State);
        Assert.Null(engine.View(reader.Id)!.EndedAt);
        Assert.Empty(engine.View(reader.Id)!.HeldLocks);
    }

    [Fact]
    public async Task StageDoneFromAnotherUnit_IsIgnored()
    {
        var (engine, _) = _store.Engine(onlineUnits: ["a", "b"]);
        var reader = (await engine.SubmitAsync(Checksum("/srv/a/big.bin"), Alice)).Value!;
        await engine.OnStageDoneAsync("b", new TaskStageDone(reader.Id, 1, DateTimeOffset.UtcNow));
        Assert.Single(engine.View(reader.Id)!.HeldLocks);
    }

    [Fact]
    public async Task WaitLimit_FailsTheWaiterNamingTheHolder()
    {
        var (engine, _) = _store.Engine();
        var holder = (await engine.SubmitAsync(Hold("disks/sdb"), Alice)).Value!;
        var waiter = (await engine.SubmitAsync(Hold("disks/sdb", wait: 0.2), Bob)).Value!;
        await Task.Delay(400);

        await engine.TickAsync().WaitAsync(TimeSpan.FromSeconds(5));

        var failed = engine.View(waiter.Id)!;
        Assert.Equal("failed", failed.State);
        Assert.Contains($"held by task {holder.Id} (alice", failed.Error);
        Assert.Null(failed.Slot);
    }

    [Fact]
    public async Task Restart_RestoresTasksWithSlotsAndLocks_AndAConflictingTaskWaits()
    {
        var (before, _) = _store.Engine();
        var held = (await before.SubmitAsync(Hold("disks/sdb"), Alice)).Value!;
        before.OnStarted("a", new TaskStarted(held.Id, false, DateTimeOffset.UtcNow));
        before.Dispose();

        var (after, _) = _store.Engine();
        var restored = after.View(held.Id)!;
        Assert.Equal(held.Slot, restored.Slot);
        Assert.Equal("/units/a/disks/sdb", Assert.Single(restored.HeldLocks).Resource);
        var newcomer = (await after.SubmitAsync(Hold("disks/sdb"), Bob)).Value!;
        Assert.Equal("waitingForLocks", newcomer.State);

        await after.OnAnnounceAsync("a", [new RunningTaskInfo(held.Id, TaskKinds.MaintenanceHold, 0.5, "holding")]);
        Assert.Equal("running", after.View(held.Id)!.State);
    }

    [Fact]
    public async Task UnclaimedTaskAfterRestart_IsInterruptedAfterTheGrace_AndItsLocksGoToTheWaiter()
    {
        var (before, _) = _store.Engine(graceSeconds: 1);
        var held = (await before.SubmitAsync(Hold("disks/sdb"), Alice)).Value!;
        before.Dispose();

        var (after, _) = _store.Engine(graceSeconds: 1);
        var waiter = (await after.SubmitAsync(Hold("disks/sdb"), Bob)).Value!;
        await Task.Delay(1300);
        await after.TickAsync().WaitAsync(TimeSpan.FromSeconds(5));

        var interrupted = after.View(held.Id)!;
        Assert.Equal("interrupted", interrupted.State);
        Assert.Contains("no unit claimed the task", interrupted.Error);
        Assert.Equal("dispatched", after.View(waiter.Id)!.State);
    }

    [Fact]
    public async Task LostUnit_KeepsTheTaskForTheGrace_ThenInterruptsIt()
    {
        var (engine, units) = _store.Engine(graceSeconds: 1);
        var held = (await engine.SubmitAsync(Hold("disks/sdb"), Alice)).Value!;
        engine.OnStarted("a", new TaskStarted(held.Id, false, DateTimeOffset.UtcNow));
        units.Offline("conn-a", DateTimeOffset.UtcNow);
        engine.OnUnitLost("a");

        Assert.Contains("unit unreachable", engine.View(held.Id)!.Stage);
        await engine.TickAsync();
        Assert.Equal("running", engine.View(held.Id)!.State);
        await Task.Delay(1300);
        await engine.TickAsync().WaitAsync(TimeSpan.FromSeconds(5));

        var ended = engine.View(held.Id)!;
        Assert.Equal("interrupted", ended.State);
        Assert.Contains("became unreachable", ended.Error);
        Assert.Empty(engine.LockTable().Held);
    }

    [Fact]
    public async Task ReleaseFromAnotherProcessViaTheStore_IsPickedUpAndTheWaiterStarts()
    {
        var (engine, _) = _store.Engine();
        var holder = (await engine.SubmitAsync(Hold("disks/sdb"), Alice)).Value!;
        var waiter = (await engine.SubmitAsync(Hold("disks/sdb"), Bob)).Value!;

        // What another process does: open the same file and release the task's locks there.
        var released = Locks.LockMaintenance.Release(new Store.StationDb(_store.Db.Path), holder.Id, null, "operator");
        Assert.Equal(["/units/a/disks/sdb"], released);
        await engine.TickAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("dispatched", engine.View(waiter.Id)!.State);
        Assert.Empty(engine.View(holder.Id)!.HeldLocks);
    }

    [Fact]
    public async Task CancelOfAnotherUsersTask_IsForbidden_OwnWaitingTaskCancelsAtOnce()
    {
        var (engine, _) = _store.Engine();
        var holder = (await engine.SubmitAsync(Hold("disks/sdb"), Alice)).Value!;
        var waiter = (await engine.SubmitAsync(Hold("disks/sdb"), Bob)).Value!;

        Assert.Equal(StationErrorKind.NotFound, (await engine.CancelAsync(holder.Id, Bob)).Error!.Kind);
        var cancelled = await engine.CancelAsync(waiter.Id, Bob);
        Assert.Equal("cancelled", cancelled.Value!.State);
        Assert.Equal(StationErrorKind.Conflict, (await engine.CancelAsync(waiter.Id, Bob)).Error!.Kind);
    }

    public void Dispose() => _store.Dispose();
}
