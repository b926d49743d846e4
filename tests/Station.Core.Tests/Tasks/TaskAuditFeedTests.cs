using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Tasks;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>
/// The task engine's audit lines (starts, cancels, ends) reach the live audit feed the console's audit page
/// listens to, as the store holds them, and follow the audit log's length rule.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TaskAuditFeedTests : IDisposable
{
    private readonly EngineHarness _h;
    private readonly ConcurrentQueue<AuditEntry> _feed = new();
    private readonly IDisposable _subscription;

    public TaskAuditFeedTests()
    {
        _h = new EngineHarness(maxTasks: 8);
        _h.Online("a");
        _subscription = _h.Audit.Subscribe(_feed.Enqueue);
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _h.Dispose();
    }

    [Fact]
    public async Task SubmitCancelAndEnd_AppearInTheLiveFeed_AsStored()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));
        string target = $"task {task.Id} {task.Kind} on a";

        var start = await Heard("task.start", target);
        Assert.Equal(("alice", AuditOutcomes.Allowed), (start.Actor, start.Outcome));
        // The order goes out on the dispatch worker: cancel once the unit has it, so the unit's answer ends the task.
        var deadline = DateTime.UtcNow + Limit;
        while (!_h.Dispatcher.SentSoFar.Any(o => o.Order.TaskId == task.Id))
        {
            Assert.True(DateTime.UtcNow < deadline, $"task {task.Id}'s order was not sent within {Limit}");
            await Task.Delay(10);
        }

        var cancel = await _h.Engine.CancelAsync(task.Id, Alice).WaitAsync(Limit);
        Assert.True(cancel.Ok, cancel.Error?.Message);
        await Heard("task.cancel", target);

        await _h.Engine.EndAsync(task.Id, TaskState.Cancelled, null, "cancelled by alice").WaitAsync(Limit);
        var end = await Heard("task.end", target);
        Assert.Equal(("alice", AuditOutcomes.Cancelled, "cancelled: cancelled by alice"), (end.Actor, end.Outcome, end.Detail));

        // What the feed said is what the audit page reads back: same ids, same lines.
        var stored = _h.Audit.Query(new AuditQuery(Text: target));
        Assert.Equal(stored.OrderBy(e => e.Id), _feed.Where(e => e.Target == target).OrderBy(e => e.Id));
    }

    [Fact]
    public async Task UsersCancelOfAWaitingTask_IsAuditedAsCancelled_NotFailed_AndFiltersAsSuch()
    {
        var holder = await _h.SubmitOk(Hold("disks/sdb"));
        var waiter = await _h.SubmitOk(Hold("disks/sdb"), Bob);
        Assert.Equal(TaskStateNames.WaitingForLocks, waiter.State);

        var cancel = await _h.Engine.CancelAsync(waiter.Id, Bob).WaitAsync(Limit);
        Assert.True(cancel.Ok, cancel.Error?.Message);
        Assert.Equal(TaskStateNames.Cancelled, _h.View(waiter.Id).State);

        // Read back from the SQLite file the audit page reads.
        var end = Assert.Single(_h.Audit.Query(new AuditQuery(Action: "task.end", Text: $"task {waiter.Id} ")));
        Assert.Equal(("bob", AuditOutcomes.Cancelled, "cancelled: cancelled by bob"), (end.Actor, end.Outcome, end.Detail));
        Assert.Single(_h.Audit.Query(new AuditQuery(Outcome: AuditOutcomes.Cancelled)));
        Assert.Empty(_h.Audit.Query(new AuditQuery(Outcome: AuditOutcomes.Failed)));

        // A task that really fails is still audited as failed; a bare "cancelled" error is not said twice.
        await _h.Engine.EndAsync(holder.Id, TaskState.Failed, null, "the unit said no").WaitAsync(Limit);
        Assert.Equal(AuditOutcomes.Failed, Assert.Single(_h.Audit.Query(new AuditQuery(Outcome: AuditOutcomes.Failed))).Outcome);
        var third = await _h.SubmitOk(Hold("disks/sdc"));
        await _h.Engine.EndAsync(third.Id, TaskState.Cancelled, null, "cancelled").WaitAsync(Limit);
        Assert.Equal("cancelled", Assert.Single(_h.Audit.Query(new AuditQuery(Action: "task.end", Text: $"task {third.Id} "))).Detail);
    }

    [Fact]
    public async Task ConcurrentSubmits_OneBatch_EachStartIsHeardWithItsStoredId()
    {
        var views = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _h.Engine.SubmitAsync(Hold($"disks/sd{(char)('b' + i)}"), Operator(i)))).WaitAsync(Limit);
        Assert.All(views, v => Assert.True(v.Ok, v.Error?.Message));

        foreach (var v in views) await Heard("task.start", $"task {v.Value!.Id} {v.Value.Kind} on a");
        var stored = _h.Audit.Query(new AuditQuery(Action: "task.start"));
        Assert.Equal(6, stored.Count);
        Assert.Equal(stored.OrderBy(e => e.Id), _feed.Where(e => e.Action == "task.start").OrderBy(e => e.Id));
    }

    [Fact]
    public async Task OverlongEndDetail_IsCutExactlyAsTheAuditLogCutsIt()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));
        string error = "the unit said: " + new string('x', 3 * AuditWriter.MaxDetailLength);

        await _h.Engine.EndAsync(task.Id, TaskState.Failed, null, error).WaitAsync(Limit);
        var written = _h.Audit.Write("alice", "test.same-detail", "x", AuditOutcomes.Failed, "failed: " + error);

        var end = Assert.Single(_h.Audit.Query(new AuditQuery(Action: "task.end")));
        var same = Assert.Single(_h.Audit.Query(new AuditQuery(Action: "test.same-detail")));
        Assert.Equal(AuditWriter.MaxDetailLength, end.Detail!.Length);
        Assert.Equal(same.Detail, end.Detail);
        Assert.Equal(written.Detail, end.Detail);
        Assert.Equal(end, await Heard("task.end", $"task {task.Id} {task.Kind} on a"));
    }

    private static Caller Operator(int i) => new(Operators[i % Operators.Length], false);

    /// <summary>Waits (bounded) until the feed carried the line.</summary>
    private async Task<AuditEntry> Heard(string action, string target)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var entry = _feed.FirstOrDefault(e => e.Action == action && e.Target == target);
            if (entry is not null) return entry;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the live audit feed did not carry {action} for {target}; it carried: {string.Join("; ", _feed.Select(e => $"{e.Action} {e.Target}"))}");
            await Task.Delay(5);
        }
    }
}
