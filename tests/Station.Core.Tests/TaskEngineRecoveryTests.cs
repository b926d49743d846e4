using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests;

[Collection(StoreCollection.Name)]
public sealed class TaskEngineRecoveryTests : IDisposable
{
    private static readonly TimeSpan PastGrace = TimeSpan.FromMilliseconds(1300);
    private readonly EngineHarness _h;

    public TaskEngineRecoveryTests()
    {
        _h = new EngineHarness(maxTasks: 4, graceSeconds: 1);
        _h.Online("a");
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Restart_ActiveTasksComeBackWithSlotsAndLocks_AndUnclaimedOnesAreInterruptedAfterGrace()
    {
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));
        var t2 = await _h.SubmitOk(Hold("disks/sdb"), Bob);
        var t3 = await _h.SubmitOk(Hold("disks/sdc"));
        await _h.Engine.EndAsync(t3.Id, TaskState.Succeeded, null, null).WaitAsync(Limit);

        _h.Restart();

        Assert.Equal(2, _h.Engine.ActiveCount);
        var r1 = _h.View(t1.Id);
        Assert.Equal((0, "dispatched", "recovering: waiting for the unit to report the task"), (r1.Slot, r1.State, r1.Stage));
        var lock1 = Assert.Single(r1.HeldLocks);
        Assert.Equal(("/units/a/disks/sdb", "exclusive"), (lock1.Resource, lock1.Mode));
        var r2 = _h.View(t2.Id);
        Assert.Equal((1, "waitingForLocks"), (r2.Slot, r2.State));
        Assert.Contains($"held by task {t1.Id} (alice, maintenance.hold", r2.WaitingFor);
        Assert.Equal("succeeded", _h.View(t3.Id).State);
        Assert.Equal("offline", _h.Units.View("a")!.Status);

        // The agent reconnects but does not claim task 1.
        _h.Online("a");
        var t4 = await _h.SubmitOk(Hold("disks/sdb"), new Caller("carol", false));
        Assert.Equal((2, "waitingForLocks"), (t4.Slot, t4.State));
        Assert.Empty(_h.Dispatcher.Orders);

        await _h.Engine.TickAsync().WaitAsync(Limit);
        Assert.Equal("dispatched", _h.View(t1.Id).State);

        _h.Clock.Advance(PastGrace);
        await _h.Engine.TickAsync().WaitAsync(Limit);

        var interrupted = _h.View(t1.Id);
        Assert.Equal("interrupted", interrupted.State);
        Assert.Equal("no unit claimed the task within 1 s after the station restarted", interrupted.Error);
        Assert.Null(interrupted.Slot);
        Assert.NotNull(interrupted.EndedAt);
        Assert.Empty(interrupted.HeldLocks);
        Assert.Equal("dispatched", _h.View(t2.Id).State);
        Assert.Equal([t2.Id], _h.Dispatcher.OrderedTaskIds);
        Assert.Contains($"held by task {t2.Id} (bob, maintenance.hold", _h.View(t4.Id).WaitingFor);
        using var c = _h.Db.Open();
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT COUNT(*) FROM locks WHERE task_id=@id", new { id = t1.Id }));
    }

    [Fact]
    public async Task Restart_TaskClaimedByItsAgent_KeepsRunningPastGrace()
    {
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));
        _h.Restart();
        _h.Online("a");

        await _h.Engine.OnAnnounceAsync("a", [new RunningTaskInfo(t1.Id, TaskKinds.MaintenanceHold, 0.4, "holding disks/sdb"), new RunningTaskInfo(999, TaskKinds.FsList, 0, null)]).WaitAsync(Limit);
        _h.Clock.Advance(PastGrace);
        await _h.Engine.TickAsync().WaitAsync(Limit);

        var view = _h.View(t1.Id);
        Assert.Equal(("running", "holding disks/sdb"), (view.State, view.Stage));
        Assert.Null(view.EndedAt);
        Assert.Single(view.HeldLocks);
        Assert.Equal(("a", 999L), Assert.Single(_h.Dispatcher.Cancels));
        Assert.Contains(_h.Engine.Events(t1.Id, Alice).Value!, e => e.Type == "reattached");
    }

    [Fact]
    public async Task UnitLost_NotBackWithinGrace_TaskInterruptedAndLocksGoToTheWaiter()
    {
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));
        var t2 = await _h.SubmitOk(Hold("disks/sdb"), Bob);

        _h.Engine.OnUnitLost("a");
        Assert.StartsWith("running (unit unreachable since ", _h.View(t1.Id).Stage);
        _h.Clock.Advance(PastGrace);
        await _h.Engine.TickAsync().WaitAsync(Limit);

        var interrupted = _h.View(t1.Id);
        Assert.Equal("interrupted", interrupted.State);
        Assert.Matches(@"^unit 'a' became unreachable at \d\d:\d\d:\d\d UTC and did not report the task within 1 s; locks released$", interrupted.Error);
        Assert.Equal("dispatched", _h.View(t2.Id).State);
    }

    [Fact]
    public async Task Restart_WithFewerSlots_InterruptsTasksThatNoLongerFitAndFreesTheirLocks()
    {
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));
        var t2 = await _h.SubmitOk(Hold("disks/sdc"), Bob);

        _h.Options.MaxTasks = 1;
        _h.Restart();

        Assert.Equal(1, _h.Engine.MaxTasks);
        Assert.Equal(1, _h.Engine.ActiveCount);
        Assert.Equal((0, "dispatched"), (_h.View(t1.Id).Slot, _h.View(t1.Id).State));
        var dropped = _h.View(t2.Id);
        Assert.Equal(("interrupted", "the task list has fewer slots after the restart"), (dropped.State, dropped.Error));
        Assert.Null(dropped.Slot);
        Assert.False(_h.Locks.HasPlan(t2.Id));
        using var c = _h.Db.Open();
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT COUNT(*) FROM locks WHERE task_id=@id", new { id = t2.Id }));
    }
}
