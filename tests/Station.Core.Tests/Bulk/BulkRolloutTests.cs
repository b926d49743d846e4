using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Dapper;
using static Ccdsvm.Station.Core.Tests.Bulk.BulkFixture;

namespace Ccdsvm.Station.Core.Tests.Bulk;

/// <summary>Bulk tasks end to end inside the station: a parent over many units, children through the ordinary engine path.</summary>
[Collection(StoreCollection.Name)]
public sealed class BulkRolloutTests
{
    [Fact]
    public async Task FortyUnits_Parallelism5_NeverMoreThanFiveChildrenAtOnce_AndAllSucceed()
    {
        await using var f = new BulkFixture(units: 40, maxTasks: 20, runFor: TimeSpan.FromMilliseconds(15));
        var parent = await f.Submit(HoldOn(f.UnitIds, rollout: new BulkRollout(Parallelism: BulkParallelism.Of(5))));
        Assert.Equal((BulkTasks.ParentKind, "running", (int?)null), (parent.Kind, parent.State, parent.Slot));

        var ended = await f.Ended(parent.Id);

        Assert.Equal(("succeeded", 1.0), (ended.State, ended.Progress));
        var summary = Summary(ended);
        Assert.Equal((40, 40, 0, 0), (summary.Total, summary.Succeeded, summary.Failed, summary.Pending));
        var children = f.Children(parent.Id);
        Assert.Equal(40, children.Total);
        Assert.All(children.Items, c => Assert.Equal("succeeded", c.State));
        // From the engine's own timestamps: a child holds its place from admission to its end.
        var spans = children.Items.Select(c => f.H.View(c.TaskId!.Value)).Select(v => (v.CreatedAt, End: v.EndedAt!.Value)).ToList();
        var events = spans.SelectMany(s => new[] { (At: s.CreatedAt, Delta: 1), (At: s.End, Delta: -1) }).OrderBy(e => e.At).ThenBy(e => e.Delta);
        int now = 0, most = 0;
        foreach (var e in events) most = Math.Max(most, now += e.Delta);
        Assert.InRange(most, 1, 5);
        Assert.InRange(f.Agents.MaxAtOnce, 2, 5);
        // The parent held no slot and no lock at any time.
        Assert.Empty(ended.HeldLocks);
        Assert.Null(ended.Slot);
    }

    [Fact]
    public async Task FailureBudget3_StopsAfterTheThirdFailure_RunningOnesFinish_RestSkipped()
    {
        string[] failing = ["u03", "u05", "u07", "u09", "u11"];
        await using var f = new BulkFixture(units: 20, fails: failing.Contains);
        var parent = await f.Submit(HoldOn(f.UnitIds, rollout: new BulkRollout(Parallelism: BulkParallelism.Of(1), Order: BulkOrders.Name, MaxFailures: 3, KeepGoing: true)));

        var ended = await f.Ended(parent.Id);

        Assert.Equal(("failed", "stopped after 3 failures (budget 3)"), (ended.State, ended.Error));
        var summary = Summary(ended);
        Assert.Equal((3, 4, 13, 0), (summary.Failed, summary.Succeeded, summary.Skipped, summary.Active));
        Assert.Equal(["u03", "u05", "u07"], f.Children(parent.Id, "failed").Items.Select(c => c.Unit));
        Assert.False(f.Agents.StartedOn.ContainsKey("u08"));
    }

    [Fact]
    public async Task KeepGoingFalse_WithoutBudget_StopsAtTheFirstFailure_AndARefusedChildCountsAsOne()
    {
        await using var f = new BulkFixture(units: 5);
        // 'ghost' is no unit: its child is refused like any task on it would be, and that is the one failure allowed.
        var parent = await f.Submit(HoldOn(["u01", "ghost", "u02", "u03"], rollout: new BulkRollout(Parallelism: BulkParallelism.Of(1))));

        var ended = await f.Ended(parent.Id);

        Assert.Equal(("failed", "stopped after 1 failure (budget 1)"), (ended.State, ended.Error));
        var ghost = Assert.Single(f.Children(parent.Id, "failed").Items);
        Assert.Equal(("ghost", (long?)null), (ghost.Unit, ghost.TaskId));
        Assert.Contains("ghost", ghost.Error);
        Assert.Equal(2, f.Children(parent.Id, "skipped").Total);
    }

    [Fact]
    public async Task CancelOnTheParent_CancelsChildrenNotEnded_AndStartsNoMore()
    {
        await using var f = new BulkFixture(units: 10, runFor: TimeSpan.FromMinutes(10));
        var parent = await f.Submit(HoldOn(f.UnitIds, rollout: new BulkRollout(Parallelism: BulkParallelism.OfPercent(20))));
        await f.Until(parent.Id, p => p.Items.Count(c => c.State == TaskStateNames.Running) == 2);

        var cancel = await f.Bulk.CancelAsync(parent.Id, EngineHarness.Alice).WaitAsync(EngineHarness.Limit);
        Assert.True(cancel.Ok, cancel.Error?.Message);
        var ended = await f.Ended(parent.Id);

        Assert.Equal("cancelled", ended.State);
        var summary = Summary(ended);
        Assert.Equal((2, 8, 0), (summary.Cancelled, summary.Skipped, summary.Succeeded));
        Assert.Equal(2, f.Agents.StartedOn.Count);
        var again = await f.Bulk.CancelAsync(parent.Id, EngineHarness.Alice).WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.Conflict, again.Error?.Kind);
    }

    [Fact]
    public async Task CancelOnSomeoneElsesParent_IsRefused()
    {
        await using var f = new BulkFixture(units: 2, runFor: TimeSpan.FromMinutes(10));
        var parent = await f.Submit(HoldOn(f.UnitIds, rollout: new BulkRollout(Parallelism: BulkParallelism.Of(1))));

        var refused = await f.Bulk.CancelAsync(parent.Id, EngineHarness.Bob).WaitAsync(EngineHarness.Limit);

        Assert.Equal(StationErrorKind.NotFound, refused.Error?.Kind);
        Assert.Equal("running", f.H.View(parent.Id).State);
    }

    [Fact]
    public async Task StationRestartedMidRollout_Resumes_NoChildAdmittedOrRunTwice()
    {
        await using var f = new BulkFixture(units: 40, maxTasks: 20, runFor: TimeSpan.FromMilliseconds(30));
        var parent = await f.Submit(HoldOn(f.UnitIds, rollout: new BulkRollout(Parallelism: BulkParallelism.Of(5), KeepGoing: true)));
        await f.Until(parent.Id, p => p.Summary.Succeeded >= 10);

        // Stopped as if killed between admitting a child and saving its task id: the child row forgets its task.
        await f.Restart(() =>
        {
            using var c = f.H.Db.Open();
            Assert.Equal(1, c.Execute("UPDATE bulk_children SET task_id=NULL, state='pending' WHERE parent_id=@id AND position=(SELECT MAX(position) FROM bulk_children WHERE parent_id=@id AND state='admitted')",
                new { id = parent.Id }));
        });
        var ended = await f.Ended(parent.Id);

        Assert.Equal("succeeded", ended.State);
        Assert.Equal(40, Summary(ended).Succeeded);
        using var db = f.H.Db.Open();
        var perUnit = db.Query<(string Target, long N)>("SELECT target, COUNT(*) FROM tasks WHERE kind=@kind GROUP BY target", new { kind = TaskKinds.MaintenanceHold }).ToList();
        Assert.Equal(40, perUnit.Count);
        Assert.All(perUnit, u => Assert.Equal(1, u.N));
        Assert.All(f.Agents.StartedOn.Values, started => Assert.Single(started));
        Assert.Equal(40, f.Agents.StartedOn.Count);
    }

    [Fact]
    public async Task RetryFailed_MakesANewParentOverTheFailedUnitsOnly()
    {
        var failNow = new HashSet<string>(["u02", "u04"]);
        await using var f = new BulkFixture(units: 5, fails: u => { lock (failNow) return failNow.Contains(u); });
        var first = await f.Ended((await f.Submit(HoldOn(f.UnitIds, rollout: new BulkRollout(Parallelism: BulkParallelism.Of(2), KeepGoing: true)))).Id);
        Assert.Equal(("failed", "2 of 5 children failed"), (first.State, first.Error));
        lock (failNow) failNow.Clear();

        var retry = f.Bulk.RetryFailed(first.Id, EngineHarness.Alice);
        Assert.True(retry.Ok, retry.Error?.Message);
        var second = await f.Ended(retry.Value!.Id);

        Assert.Equal("succeeded", second.State);
        Assert.Equal(["u02", "u04"], f.Children(second.Id).Items.Select(c => c.Unit));
        Assert.Equal(StationErrorKind.Conflict, f.Bulk.RetryFailed(second.Id, EngineHarness.Alice).Error?.Kind);
    }

    [Fact]
    public async Task Selector_UsesTheUnitsListFilter_NamePatternAndTag()
    {
        await using var f = new BulkFixture(units: 12, runFor: TimeSpan.FromMilliseconds(5));
        f.H.Units.SetTags("u11", ["db"]);
        f.H.Units.SetTags("u12", ["db"]);

        var byName = await f.Ended((await f.Submit(HoldOn(selector: new BulkSelector(Name: "U0*"), rollout: new BulkRollout(Parallelism: BulkParallelism.OfPercent(50))))).Id);
        var byTag = await f.Ended((await f.Submit(HoldOn(selector: new BulkSelector(Tag: "db")))).Id);

        Assert.Equal(9, Summary(byName).Total);
        Assert.Equal(5, Summary(byName).Parallelism);
        Assert.Equal(["u11", "u12"], f.Children(byTag.Id).Items.Select(c => c.Unit));
    }

    [Fact]
    public async Task SameIdempotencyKey_AnswersTheFirstParent()
    {
        await using var f = new BulkFixture(units: 2, runFor: TimeSpan.FromMilliseconds(5));
        var request = HoldOn(f.UnitIds) with { IdempotencyKey = "nightly-1" };

        var first = await f.Submit(request);
        var again = await f.Submit(request);

        Assert.Equal(first.Id, again.Id);
        await f.Ended(first.Id);
        Assert.Equal(2, f.Agents.StartedOn.Count);
    }

    [Fact]
    public async Task BatchWait_FillsAFreedPlaceOnlyThatLongAfterTheEnd()
    {
        await using var f = new BulkFixture(units: 3, runFor: TimeSpan.FromMilliseconds(5));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var ended = await f.Ended((await f.Submit(HoldOn(f.UnitIds, rollout: new BulkRollout(Parallelism: BulkParallelism.Of(1), BatchWaitSeconds: 0.3)))).Id);

        Assert.Equal("succeeded", ended.State);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(600), $"three children one at a time with 0.3 s between took only {started.Elapsed}");
    }
}
