using Ccdsvm.Shared.Contracts;
using Dapper;
using Ccdsvm.Station.Core.Tasks;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests;

[Collection(StoreCollection.Name)]
public sealed class TaskEngineLockTests : IDisposable
{
    private readonly EngineHarness _h;

    public TaskEngineLockTests()
    {
        _h = new EngineHarness(maxTasks: 4);
        _h.Online("a");
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task TwoHoldsOnOneResource_SecondWaitsNamingTheHolder_AndIsDispatchedWhenTheFirstEnds()
    {
        var first = await _h.SubmitOk(Hold("disks/sdb"));
        var second = await _h.SubmitOk(Hold("/units/a/disks/sdb"), Bob);

        Assert.Equal("waitingForLocks", second.State);
        Assert.Equal("waiting for locks", second.Stage);
        Assert.StartsWith($"waiting for /units/a/disks/sdb, held by task {first.Id} (alice, maintenance.hold", second.WaitingFor);
        Assert.Equal([first.Id], Assert.Single(second.AwaitedLocks).HeldBy);
        Assert.Equal([first.Id], _h.Dispatcher.OrderedTaskIds);

        await _h.Engine.EndAsync(first.Id, TaskState.Succeeded, null, null).WaitAsync(Limit);

        var after = _h.View(second.Id);
        Assert.Equal("dispatched", after.State);
        Assert.Null(after.WaitingFor);
        Assert.Equal("/units/a/disks/sdb", Assert.Single(after.HeldLocks).Resource);
        Assert.Equal([first.Id, second.Id], _h.Dispatcher.OrderedTaskIds);
        var ended = _h.View(first.Id);
        Assert.Equal("succeeded", ended.State);
        Assert.Empty(ended.HeldLocks);
        Assert.Null(ended.Slot);
        using var c = _h.Db.Open();
        var rows = c.Query<(long TaskId, long Granted)>("SELECT task_id, granted FROM locks").ToList();
        Assert.Equal([(second.Id, 1L)], rows);
    }

    [Fact]
    public async Task MkfsOnAPartition_WaitsForAHoldOnItsDisk_NotForOneOnAnotherDisk()
    {
        using (var c = _h.Db.Open())
            Ccdsvm.Station.Core.Security.AccessControl.Grant(c, null, "/units", "alice", Ccdsvm.Station.Core.Security.Roles.StorageAdmin.Name, "test", DateTimeOffset.UtcNow);
        _h.Access.Reload();
        var disk = await _h.SubmitOk(Hold("disks/loop2", target: "a"), Bob);
        var partition = await _h.SubmitOk(new Ccdsvm.Station.Core.Tasks.SubmitTask(TaskKinds.StorageMkfs, "a", Json(new { device = "/dev/loop2p1", fstype = "ext4" })));
        var elsewhere = await _h.SubmitOk(new Ccdsvm.Station.Core.Tasks.SubmitTask(TaskKinds.StorageMkfs, "a", Json(new { device = "/dev/loop3p1", fstype = "ext4" })));

        Assert.Equal("waitingForLocks", partition.State);
        Assert.StartsWith($"waiting for /units/a/disks/loop2/loop2p1, held by task {disk.Id} (bob, maintenance.hold", partition.WaitingFor);
        Assert.Equal("dispatched", elsewhere.State);
        Assert.Equal("/units/a/disks/loop3/loop3p1", Assert.Single(elsewhere.HeldLocks).Resource);
    }

    [Fact]
    public async Task HoldOnAWholeUnit_WaitsForAHoldOnOneOfItsDisks()
    {
        var disk = await _h.SubmitOk(Hold("disks/sdb"));
        var unit = await _h.SubmitOk(Hold("/units/a"), Bob);
        var otherDisk = await _h.SubmitOk(Hold("disks/sdc"));

        Assert.Equal("waitingForLocks", unit.State);
        Assert.Contains($"held by task {disk.Id}", unit.WaitingFor);
        // FIFO: the waiting whole-unit hold goes before a later disk hold that conflicts with it.
        Assert.Equal("waitingForLocks", otherDisk.State);
        Assert.Contains($"task {unit.Id} (bob, maintenance.hold), queued ahead", otherDisk.WaitingFor);
    }

    [Fact]
    public async Task Checksum_StageOneDone_ReleasesItsSharedLockToAWaitingHoldBeforeItEnds()
    {
        var checksum = await _h.SubmitOk(Checksum("/srv/data/f.bin"));
        var held = Assert.Single(checksum.HeldLocks);
        Assert.Equal(("/units/a/fs/srv/data/f.bin", "shared", 1), (held.Resource, held.Mode, held.ReleaseAfterStage));
        var hold = await _h.SubmitOk(Hold("fs/srv/data/f.bin"), Bob);
        Assert.Equal("waitingForLocks", hold.State);
        Assert.StartsWith($"waiting for /units/a/fs/srv/data/f.bin, held by task {checksum.Id} (alice, fs.checksum", hold.WaitingFor);

        _h.Engine.OnStarted("a", new TaskStarted(checksum.Id, true, DateTimeOffset.UtcNow));
        await _h.Engine.OnStageDoneAsync("a", new TaskStageDone(checksum.Id, 1, DateTimeOffset.UtcNow)).WaitAsync(Limit);

        var holdNow = _h.View(hold.Id);
        var checksumNow = _h.View(checksum.Id);
        Assert.Equal("dispatched", holdNow.State);
        Assert.Equal([checksum.Id, hold.Id], _h.Dispatcher.OrderedTaskIds);
        Assert.Equal("running", checksumNow.State);
        Assert.Null(checksumNow.EndedAt);
        Assert.Empty(checksumNow.HeldLocks);
        var stageDone = Assert.Single(_h.Engine.Events(checksum.Id, Alice).Value!, e => e.Type == "stageDone");
        Assert.Equal("released /units/a/fs/srv/data/f.bin", stageDone.Message);
    }

    [Fact]
    public async Task StageDone_ReportedByAnotherUnit_ReleasesNothing()
    {
        _h.Online("b");
        var checksum = await _h.SubmitOk(Checksum("/srv/data/f.bin"));
        var hold = await _h.SubmitOk(Hold("fs/srv/data/f.bin"), Bob);

        await _h.Engine.OnStageDoneAsync("b", new TaskStageDone(checksum.Id, 1, DateTimeOffset.UtcNow)).WaitAsync(Limit);

        Assert.Equal("waitingForLocks", _h.View(hold.Id).State);
        Assert.Single(_h.View(checksum.Id).HeldLocks);
    }

    [Fact]
    public async Task WaitSecondsLimit_Passed_FailsTheWaiterNamingTheHolder()
    {
        var holder = await _h.SubmitOk(Hold("disks/sdb"));
        var impatient = await _h.SubmitOk(Hold("disks/sdb", waitSeconds: 0.5), Bob);

        await _h.Engine.TickAsync().WaitAsync(Limit);
        Assert.Equal("waitingForLocks", _h.View(impatient.Id).State);

        _h.Clock.Advance(TimeSpan.FromMilliseconds(800));
        await _h.Engine.TickAsync().WaitAsync(Limit);

        var failed = _h.View(impatient.Id);
        Assert.Equal("failed", failed.State);
        Assert.StartsWith($"gave up after waiting 0.5 s for locks: waiting for /units/a/disks/sdb, held by task {holder.Id} (alice, maintenance.hold", failed.Error);
        Assert.Null(failed.Slot);
        Assert.True(failed.EndedAt - failed.CreatedAt >= TimeSpan.FromSeconds(0.5));
        Assert.Equal("dispatched", _h.View(holder.Id).State);
        Assert.Equal([holder.Id], _h.Dispatcher.OrderedTaskIds);
    }

    [Fact]
    public async Task LockTable_ShowsHolderAndWaiterWithDescription()
    {
        var holder = await _h.SubmitOk(Hold("disks/sdb"));
        var waiter = await _h.SubmitOk(Hold("disks/sdb"), Bob);

        var (held, waiting) = _h.Engine.LockTable();

        var h = Assert.Single(held);
        Assert.Equal((holder.Id, "alice", "maintenance.hold", "exclusive"), (h.TaskId, h.Owner, h.Kind, h.Mode));
        var w = Assert.Single(waiting);
        Assert.Equal(waiter.Id, w.TaskId);
        Assert.StartsWith($"waiting for /units/a/disks/sdb, held by task {holder.Id} (alice, maintenance.hold) since ", w.Description);
    }

    [Fact]
    public async Task WaitChain_CarriesTheHoldersStatedReason_InWordsAndAsAField()
    {
        var holder = await _h.SubmitOk(new SubmitTask(TaskKinds.MaintenanceHold, "a", Json(new { resource = "disks/sdb", seconds = 600, reason = "replacing disk" })));
        var waiter = await _h.SubmitOk(Checksum("/srv/data/f.bin"), Bob);
        var unitWide = await _h.SubmitOk(Hold("disks"), Bob);

        var awaited = Assert.Single(_h.View(unitWide.Id).AwaitedLocks);
        var h = Assert.Single(awaited.Holders!);
        Assert.Equal((holder.Id, "alice", TaskKinds.MaintenanceHold, "replacing disk", false), (h.TaskId, h.Owner, h.Kind, h.Reason, h.QueuedAhead));
        Assert.NotNull(h.Since);
        Assert.StartsWith($"waiting for /units/a/disks, held by task {holder.Id} (alice, maintenance.hold) since ", awaited.Description);
        Assert.EndsWith(": 'replacing disk'", awaited.Description);
        Assert.Equal(awaited.Description, _h.View(unitWide.Id).WaitingFor);

        // The lock table says the same; a task whose kind states no reason carries none.
        Assert.Contains(_h.Engine.LockTable().Waiting, w => w.TaskId == unitWide.Id && w.Holders!.Single().Reason == "replacing disk");
        Assert.Empty(_h.View(waiter.Id).AwaitedLocks);
    }

    [Fact]
    public async Task WaitChain_HolderWithoutAReason_SaysNothingMore()
    {
        var holder = await _h.SubmitOk(new SubmitTask(TaskKinds.MaintenanceHold, "a", Json(new { resource = "disks/sdb", seconds = 600 })));
        var waiter = await _h.SubmitOk(Hold("disks/sdb"), Bob);

        var awaited = Assert.Single(_h.View(waiter.Id).AwaitedLocks);
        Assert.Null(Assert.Single(awaited.Holders!).Reason);
        Assert.DoesNotContain("'", awaited.Description);
        Assert.Equal(holder.Id, awaited.Holders![0].TaskId);
    }
}
