using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tests;

public sealed class LockManagerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly LockManager _locks = new();

    private bool Ask(long task, params (string Resource, LockMode Mode, int Stage)[] plan) =>
        _locks.Request(task, plan.Select(p => new LockRequest(p.Resource, p.Mode, p.Stage)).ToList(), Now);

    [Fact]
    public void SharedLocks_OnOneResource_AreCompatible()
    {
        Assert.True(Ask(1, ("/units/a/fs/x", LockMode.Shared, 0)));
        Assert.True(Ask(2, ("/units/a/fs/x", LockMode.Shared, 0)));
    }

    [Fact]
    public void ExclusiveDisk_ConflictsWithItsUnitAndItsChildren_NotWithASiblingDisk()
    {
        Assert.True(Ask(1, ("/units/a/disks/sdb", LockMode.Exclusive, 0)));
        Assert.True(Ask(2, ("/units/a/disks/sdc", LockMode.Exclusive, 0)));
        Assert.True(Ask(3, ("/units/b", LockMode.Exclusive, 0)));
        Assert.False(Ask(4, ("/units/a/disks/sdb/p1", LockMode.Shared, 0)));
        Assert.False(Ask(5, ("/units/a", LockMode.Exclusive, 0)));
    }

    [Fact]
    public void Plan_IsGrantedWholeOrNotAtAll()
    {
        Assert.True(Ask(1, ("/units/a/disks/sdc", LockMode.Exclusive, 0)));
        Assert.False(Ask(2, ("/units/a/disks/sdb", LockMode.Exclusive, 0), ("/units/a/disks/sdc", LockMode.Exclusive, 0)));
        Assert.Empty(_locks.HeldBy(2));
        Assert.True(Ask(3, ("/units/a/disks/sdb", LockMode.Exclusive, 0)) is false, "sdb is queued for task 2, first come first served");
    }

    [Fact]
    public void WaitingExclusive_BlocksALaterShared_SoWritersDoNotStarve()
    {
        Assert.True(Ask(1, ("/units/a/fs/x", LockMode.Shared, 0)));
        Assert.False(Ask(2, ("/units/a/fs/x", LockMode.Exclusive, 0)));
        Assert.False(Ask(3, ("/units/a/fs/x", LockMode.Shared, 0)));
        Assert.Equal([2L], _locks.Remove(1, Now));
        Assert.Equal([3L], _locks.Remove(2, Now));
    }

    [Fact]
    public void StagedRelease_HandsTheResourceOnBeforeTheHolderEnds()
    {
        Assert.True(Ask(1, ("/units/a/fs/src", LockMode.Shared, 1), ("/units/a/fs/dst", LockMode.Exclusive, 2)));
        Assert.False(Ask(2, ("/units/a/fs/src", LockMode.Exclusive, 0)));
        Assert.Equal([2L], _locks.Release(1, 1, Now));
        Assert.Equal(["/units/a/fs/dst"], _locks.HeldBy(1).Select(h => h.Resource));
    }

    [Fact]
    public void Waiting_NamesTheHolder()
    {
        Assert.True(Ask(1, ("/units/a/disks/sdb", LockMode.Exclusive, 0)));
        Assert.False(Ask(2, ("/units/a", LockMode.Shared, 0)));
        var waiting = Assert.Single(_locks.Waiting());
        Assert.Equal((2L, "/units/a"), (waiting.TaskId, waiting.Resource));
        Assert.Equal([1L], waiting.HeldBy);
    }

    [Fact]
    public async Task LocksBelongToTheTask_AnotherThreadReleasesThem()
    {
        Assert.True(Ask(1, ("/units/a/disks/sdb", LockMode.Exclusive, 0)));
        Assert.False(Ask(2, ("/units/a/disks/sdb", LockMode.Exclusive, 0)));
        var granted = await Task.Factory.StartNew(() => _locks.Remove(1, Now), TaskCreationOptions.LongRunning).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([2L], granted);
    }

    [Fact]
    public void RemovingAWaiter_LetsLaterWaitersThrough()
    {
        Assert.True(Ask(1, ("/units/a/fs/x", LockMode.Shared, 0)));
        Assert.False(Ask(2, ("/units/a/fs/x", LockMode.Exclusive, 0)));
        Assert.False(Ask(3, ("/units/a/fs/x", LockMode.Shared, 0)));
        Assert.Equal([3L], _locks.Remove(2, Now));
    }
}
