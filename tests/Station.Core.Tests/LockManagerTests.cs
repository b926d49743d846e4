using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tests;

public class LockManagerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly LockManager _locks = new();

    private static LockRequest X(string r, int stage = 0) => new(r, LockMode.Exclusive, stage);
    private static LockRequest S(string r, int stage = 0) => new(r, LockMode.Shared, stage);

    [Theory]
    [InlineData(LockMode.IntentionShared, LockMode.IntentionShared, true)]
    [InlineData(LockMode.IntentionShared, LockMode.IntentionExclusive, true)]
    [InlineData(LockMode.IntentionShared, LockMode.Shared, true)]
    [InlineData(LockMode.IntentionShared, LockMode.Exclusive, false)]
    [InlineData(LockMode.IntentionExclusive, LockMode.IntentionExclusive, true)]
    [InlineData(LockMode.IntentionExclusive, LockMode.Shared, false)]
    [InlineData(LockMode.IntentionExclusive, LockMode.Exclusive, false)]
    [InlineData(LockMode.Shared, LockMode.Shared, true)]
    [InlineData(LockMode.Shared, LockMode.Exclusive, false)]
    [InlineData(LockMode.Exclusive, LockMode.Exclusive, false)]
    public void IsCompatible_MatchesTheTextbookMatrixBothWays(LockMode a, LockMode b, bool compatible)
    {
        Assert.Equal(compatible, LockModes.IsCompatible(a, b));
        Assert.Equal(compatible, LockModes.IsCompatible(b, a));
    }

    [Fact]
    public void Request_SharedAfterShared_BothGranted()
    {
        Assert.True(_locks.Request(1, [S("/units/a/disks/sdb")], T0));
        Assert.True(_locks.Request(2, [S("/units/a/disks/sdb")], T0));

        Assert.Equal([1L, 2L], _locks.Held().Select(h => h.TaskId));
        Assert.Equal(0, _locks.WaitingCount);
    }

    [Theory]
    [InlineData("/units/a")]
    [InlineData("/units/a/disks/sdb")]
    [InlineData("/units/a/disks/sdb/p1")]
    [InlineData("/units/a/disks/./sdb/")]
    [InlineData("/")]
    public void Request_ExclusiveOnAncestorSelfOrDescendant_Conflicts(string other)
    {
        Assert.True(_locks.Request(1, [X("/units/a/disks/sdb")], T0));

        Assert.False(_locks.Request(2, [X(other)], T0));
        Assert.True(_locks.IsWaiting(2));
    }

    [Theory]
    [InlineData("/units/a/disks/sdc")]
    [InlineData("/units/b")]
    [InlineData("/units/a/disks/sdbb")]
    [InlineData("/units/a/fs/srv")]
    public void Request_ExclusiveOnSiblingOrOtherUnit_Granted(string other)
    {
        Assert.True(_locks.Request(1, [X("/units/a/disks/sdb")], T0));

        Assert.True(_locks.Request(2, [X(other)], T0));
    }

    [Fact]
    public void Request_SharedOnDescendantOfExclusive_Waits()
    {
        Assert.True(_locks.Request(1, [X("/units/a")], T0));
        Assert.False(_locks.Request(2, [S("/units/a/fs/srv/file")], T0));
    }

    [Fact]
    public void Request_PlanWithOneBusyResource_GrantsNothingUntilAllAreFree()
    {
        Assert.True(_locks.Request(1, [X("/units/a/disks/sdb")], T0));

        Assert.False(_locks.Request(2, [X("/units/a/disks/sdc"), X("/units/a/disks/sdb")], T0));

        var snapshot = _locks.HoldersSnapshot();
        Assert.DoesNotContain(snapshot.Values, holders => holders.ContainsKey(2));
        Assert.False(snapshot.ContainsKey("/units/a/disks/sdc"));
        Assert.Empty(_locks.HeldBy(2));
        // The waiting plan wants sdc too, so a later request for it queues behind (first come, first served).
        Assert.False(_locks.Request(3, [S("/units/a/disks/sdc")], T0));

        var granted = _locks.Release(1, null, T0.AddSeconds(1));

        Assert.Equal([2L], granted);
        Assert.Equal(["/units/a/disks/sdb", "/units/a/disks/sdc"], _locks.HeldBy(2).Select(h => h.Resource));
        Assert.All(_locks.HeldBy(2), h => Assert.Equal(T0.AddSeconds(1), h.Since));
        Assert.True(_locks.IsWaiting(3));
    }

    [Fact]
    public void Request_LaterSharedBehindWaitingExclusive_QueuesFirstComeFirstServed()
    {
        Assert.True(_locks.Request(1, [S("/units/a/disks/sdb")], T0));
        Assert.False(_locks.Request(2, [X("/units/a/disks/sdb")], T0));

        // Compatible with the holder, but the waiting X came first.
        Assert.False(_locks.Request(3, [S("/units/a/disks/sdb")], T0));
        var awaited = Assert.Single(_locks.AwaitedBy(3));
        Assert.Equal([2L], awaited.HeldBy);

        Assert.Equal([2L], _locks.Release(1, null, T0));
        Assert.True(_locks.IsWaiting(3));
        Assert.Equal([3L], _locks.Release(2, null, T0));
        Assert.False(_locks.HasPlan(2));
    }

    [Fact]
    public void Release_StageDone_GrantsWaiterWhileHolderKeepsTheRest()
    {
        Assert.True(_locks.Request(1, [S("/units/a/fs/srv/f", stage: 1), X("/units/a/volumes/v1")], T0));
        Assert.False(_locks.Request(2, [X("/units/a/fs/srv/f")], T0));

        Assert.Empty(_locks.Release(1, 0, T0));
        var granted = _locks.Release(1, 1, T0.AddSeconds(5));

        Assert.Equal([2L], granted);
        Assert.True(_locks.HasPlan(1));
        Assert.Equal(["/units/a/volumes/v1"], _locks.HeldBy(1).Select(h => h.Resource));
        var held = Assert.Single(_locks.HeldBy(2));
        Assert.Equal(("/units/a/fs/srv/f", LockMode.Exclusive), (held.Resource, held.Mode));
    }

    [Fact]
    public void Request_SameResourceTwiceInAPlan_KeepsStrongestModeAndLatestStage()
    {
        Assert.True(_locks.Request(1, [S("/units/a/disks/sdb", 1), X("/units/a/disks//sdb/", 2)], T0));

        var held = Assert.Single(_locks.Held());
        Assert.Equal(("/units/a/disks/sdb", LockMode.Exclusive, 2), (held.Resource, held.Mode, held.ReleaseAfterStage));
    }

    [Fact]
    public void Remove_WaiterInTheWay_LetsTheNextWaiterIn()
    {
        Assert.True(_locks.Request(1, [S("/units/a/disks/sdb")], T0));
        Assert.False(_locks.Request(2, [X("/units/a/disks/sdb")], T0));
        Assert.False(_locks.Request(3, [S("/units/a/disks/sdb")], T0));

        var granted = _locks.Remove(2, T0);

        Assert.Equal([3L], granted);
        Assert.False(_locks.HasPlan(2));
        Assert.Equal(0, _locks.WaitingCount);
        Assert.Equal([1L, 3L], _locks.Held().Select(h => h.TaskId));
    }

    [Fact]
    public void Remove_UnknownTask_ReturnsNothing()
    {
        Assert.Empty(_locks.Remove(99, T0));
        Assert.Empty(_locks.Release(99, null, T0));
    }

    [Fact]
    public void Waiting_NamesTheHolderModeAndSince()
    {
        Assert.True(_locks.Request(1, [X("/units/a/disks/sdb")], T0));
        Assert.False(_locks.Request(2, [S("/units/a/disks/sdb/p1")], T0.AddSeconds(3)));

        var w = Assert.Single(_locks.Waiting());

        Assert.Equal(new AwaitedLock(2, "/units/a/disks/sdb/p1", LockMode.Shared, w.HeldBy, T0.AddSeconds(3)), w);
        Assert.Equal([1L], w.HeldBy);
    }

    [Fact]
    public void Request_SameTaskTwice_Throws()
    {
        _locks.Request(1, [S("/units/a")], T0);
        var ex = Assert.Throws<InvalidOperationException>(() => _locks.Request(1, [S("/units/b")], T0));
        Assert.Equal("task 1 already has a lock plan", ex.Message);
    }

    [Fact]
    public void Release_FromAnotherThreadThanTheAcquirer_GrantsTheWaiter()
    {
        int acquirer = 0, releaser = 0;
        bool first = false, second = true;
        var acquire = new Thread(() =>
        {
            acquirer = Environment.CurrentManagedThreadId;
            first = _locks.Request(1, [X("/units/a/disks/sdb")], T0);
            second = _locks.Request(2, [X("/units/a/disks/sdb")], T0);
        });
        acquire.Start();
        Assert.True(acquire.Join(TimeSpan.FromSeconds(10)));

        IReadOnlyList<long> granted = [];
        var release = new Thread(() =>
        {
            releaser = Environment.CurrentManagedThreadId;
            granted = _locks.Release(1, null, T0);
        });
        release.Start();
        Assert.True(release.Join(TimeSpan.FromSeconds(10)));

        Assert.NotEqual(acquirer, releaser);
        Assert.True(first);
        Assert.False(second);
        Assert.Equal([2L], granted);
        Assert.Equal(2, Assert.Single(_locks.Held()).TaskId);
    }

    [Fact]
    public void Restore_GrantedAndWaitingPlans_ComeBackAsTheyWere()
    {
        _locks.Restore(1, [X("/units/a/disks/sdb")], granted: true, T0, T0.AddSeconds(1));
        _locks.Restore(2, [S("/units/a/disks/sdb")], granted: false, T0.AddSeconds(2), null);

        Assert.Equal(T0.AddSeconds(1), Assert.Single(_locks.HeldBy(1)).Since);
        Assert.True(_locks.IsWaiting(2));
        Assert.Empty(_locks.Reexamine(T0));
        Assert.Equal([2L], _locks.Remove(1, T0));
    }
}
