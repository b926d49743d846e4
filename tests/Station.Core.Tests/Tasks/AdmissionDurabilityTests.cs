using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Data.Sqlite;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>
/// Admission batches commit without a sync of their own and are answered after an fdatasync of the WAL that
/// covers them (group flush): nobody is answered before their commit is on disk, and the connection's other
/// transactions keep synchronous=FULL.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class AdmissionDurabilityTests
{
    [Fact]
    public async Task ConcurrentSubmissions_AreAnsweredOnlyAfterASyncCoveringTheirCommit()
    {
        using var h = new EngineHarness(maxTasks: 64, maxTasksPerUser: 64);
        h.Online("a");
        var flush = h.Engine.AdmissionFlush;
        Assert.NotNull(flush);

        var answered = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => Task.Run(async () =>
        {
            var task = await h.SubmitOk(Checksum($"/srv/data/f{i}"));
            // At the moment this submitter hears its answer, everything written so far up to its batch is synced.
            return (task.Id, Synced: flush.SyncedThrough);
        }))).WaitAsync(Limit);

        Assert.Equal(48, answered.Select(a => a.Id).Distinct().Count());
        Assert.All(answered, a => Assert.True(a.Synced >= 1, "a submitter was answered before any sync"));
        Assert.Equal(flush.WrittenThrough, flush.SyncedThrough);
        Assert.InRange(flush.Syncs, 1, flush.WrittenThrough);
        // Every answered task is in the store, as another connection reads it.
        using var c = h.Db.Open();
        Assert.Equal(48L, Dapper.SqlMapper.ExecuteScalar<long>(c, "SELECT COUNT(*) FROM tasks"));
    }

    [Fact]
    public async Task AnAdmission_WritesAboutFiveWalPages()
    {
        // Every page an admission's commit touches is a WAL frame written and synced before the 202 (schema v5 cut
        // them from ten for a task with one lock: no AUTOINCREMENT counters page, locks and events keyed by task
        // without a second b-tree, no unused indexes). Such a task writes its row, its lock, its first event, and
        // the audit line with its actor index; b-tree page splits add a fraction.
        const int admissions = 40;
        const int frameBytes = 4096 + 24;
        using var h = new EngineHarness(maxTasks: admissions + 1, maxTasksPerUser: admissions + 1);
        h.Online("a");
        await h.SubmitOk(Hold("disks/warm"));
        using (var c = h.Db.Open())
            Dapper.SqlMapper.Execute(c, "PRAGMA wal_checkpoint(TRUNCATE)");
        var wal = new FileInfo(h.Db.Path + "-wal");
        wal.Refresh();
        long before = wal.Exists ? wal.Length : 0;

        for (int i = 0; i < admissions; i++) await h.SubmitOk(Hold($"disks/d{i}"));

        wal.Refresh();
        double perAdmission = (wal.Length - Math.Max(before, 32)) / (double)frameBytes / admissions;
        Assert.InRange(perAdmission, 4.5, 6.0);
    }

    [Fact]
    public async Task ACommittedAdmission_IsNotListedShownOrInTheLockTable_UntilItsSyncIsDone()
    {
        using var h = new EngineHarness();
        h.Online("a");
        var flush = h.Engine.AdmissionFlush!;
        long written = flush.WrittenThrough;
        Task<TaskView> submit;

        using (flush.HoldSyncs())
        {
            submit = Task.Run(() => h.SubmitOk(Hold("disks/sdb")));
            // Committed (the WAL frames are written, the task is in the engine) but not yet synced.
            Assert.True(SpinWait.SpinUntil(() => flush.WrittenThrough > written && h.Engine.ActiveCount == 1, Limit), "the admission did not commit");

            Assert.Empty(h.Engine.List(new TaskQuery(), Alice).Value!);
            Assert.False(h.Engine.Get(1, Alice).Ok);
            Assert.Empty(h.Engine.LockTable().Held);
            Assert.False(submit.IsCompleted);
        }

        var task = await submit.WaitAsync(Limit);
        Assert.Equal(1, task.Id);
        Assert.Equal(task.Id, Assert.Single(h.Engine.List(new TaskQuery(), Alice).Value!).Id);
        Assert.True(h.Engine.Get(task.Id, Alice).Ok);
        Assert.Equal("/units/a/disks/sdb", Assert.Single(h.Engine.LockTable().Held).Resource);
    }

    [Fact]
    public async Task AfterAdmissions_TheWriterIsBackToSynchronousFull()
    {
        using var h = new EngineHarness();
        h.Online("a");

        await h.SubmitOk(Hold("disks/sdb"));
        Assert.Equal(2L, h.Engine.WriterSynchronous());

        // A submission that waits for the same resource, and its cancellation, keep FULL as well.
        var second = await h.SubmitOk(Hold("disks/sdb", waitSeconds: 0));
        Assert.Equal(2L, h.Engine.WriterSynchronous());
        await h.Engine.CancelAsync(second.Id, Alice).WaitAsync(Limit);
        Assert.Equal(2L, h.Engine.WriterSynchronous());
    }

    [Fact]
    public async Task WhenTheWalCannotBeSynced_TheSubmitterHearsAnError_AndTheTaskEndsFailedWithItsSlotAndLocksFree()
    {
        using var h = new EngineHarness();
        h.Online("a");
        // The sync of the admissions can no longer be done (as when the disk fails under the WAL).
        h.Engine.AdmissionFlush!.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => h.Engine.SubmitAsync(Hold("disks/sdb"), Alice).WaitAsync(Limit));

        // Nothing was sent, and the committed task ends failed with the reason instead of keeping its slot and lock.
        Assert.Empty(h.Dispatcher.Orders);
        var deadline = DateTime.UtcNow + Limit;
        while (h.Engine.ActiveCount > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, h.Engine.ActiveCount);
        var task = Assert.Single(h.Engine.List(new Ccdsvm.Station.Core.Tasks.TaskQuery(), Alice).Value!);
        Assert.Equal("failed", task.State);
        Assert.Contains("could not make the admission durable", task.Error);
        Assert.Empty(h.Engine.LockTable().Held);
    }

    [Fact]
    public void WalFlush_WaitersShareSyncs_AndNoneReturnsBeforeASyncThatCoversIt()
    {
        using var store = new TempStore();
        using var c = store.Db.Open();
        Dapper.SqlMapper.Execute(c, "CREATE TABLE t(v INTEGER)");
        using var flush = new WalFlush(store.Db.Path);
        var early = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (int i = 0; i < 100; i++)
            {
                long mine = flush.Written();
                flush.WaitDurable(mine);
                if (flush.SyncedThrough < mine) Interlocked.Increment(ref early);
            }
        });

        Assert.Equal(0, early);
        Assert.Equal(800, flush.WrittenThrough);
        Assert.Equal(800, flush.SyncedThrough);
        Assert.InRange(flush.Syncs, 1, 800);
        // Already durable: no further sync.
        long syncs = flush.Syncs;
        flush.WaitDurable(800);
        Assert.Equal(syncs, flush.Syncs);
    }

    [Fact]
    public void WalFlush_WithoutAWal_RefusesWithAnIoError()
    {
        using var store = new TempStore(migrate: false);
        using var flush = new WalFlush(store.Db.Path);

        Assert.ThrowsAny<IOException>(() => flush.WaitDurable(flush.Written()));
        SqliteConnection.ClearAllPools();
    }
}
