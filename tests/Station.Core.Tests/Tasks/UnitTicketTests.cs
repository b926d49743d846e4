using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>The station's half of level 2: what the ticket of a dispatch says, and how a unit's refusal is recorded.</summary>
[Collection(StoreCollection.Name)]
public sealed class UnitTicketTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public UnitTicketTests() => _h.Online("a");

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Dispatch_TicketNamesTheOwnersGroupsAndTheTasksLockResources()
    {
        using (var c = _h.Db.Open())
        {
            Dapper.SqlMapper.Execute(c, "INSERT INTO users(name, password_hash, created_at) VALUES ('alice', 'x', '2025-01-01T00:00:00Z')");
            Dapper.SqlMapper.Execute(c, "INSERT INTO groups(name, created_at) VALUES ('ops', '2025-01-01T00:00:00Z')");
            Dapper.SqlMapper.Execute(c, "INSERT INTO group_members(group_name, username) VALUES ('ops', 'alice')");
        }
        // The harness built its ACL snapshot before the rows above: a fresh one sees the group.
        var tickets = new UnitTickets(_h.Keys, new AccessControl(_h.Db, _h.Audit), _h.Audit, Microsoft.Extensions.Options.Options.Create(_h.Options));
        var signed = tickets.Issue(9, TaskKinds.FsChecksum, "a", "alice", ["/units/a/fs/srv/x", "/units/a/fs/srv/x"], "{}");

        using var pinned = TicketSigning.ImportPublicKey(_h.Keys.PublicKey);
        var ticket = TicketSigning.Open(signed, pinned)!;
        Assert.Equal(["ops"], ticket.Groups);
        Assert.Equal(["/units/a/fs/srv/x"], ticket.Resources);

        var task = await _h.SubmitOk(Checksum("/srv/data/f"));
        var (_, order) = Assert.Single(_h.Dispatcher.Orders);
        var sent = TicketSigning.Open(order.Ticket!, pinned)!;
        Assert.Equal((task.Id, "alice", "a"), (sent.TaskId, sent.User, sent.Target));
        Assert.Equal(["/units/a/fs/srv/data/f"], sent.Resources);
    }

    [Fact]
    public async Task WaitersGrantedByOneRelease_ShareOneSignature_AndEachTicketNamesItsOwnTask()
    {
        var hold = await _h.SubmitOk(Hold("fs/srv/data"));
        var waiters = new List<Ccdsvm.Station.Core.Tasks.TaskView>();
        foreach (var f in new[] { "f1", "f2", "f3" })
            waiters.Add(await _h.SubmitOk(Checksum("/srv/data/" + f)));
        Assert.All(waiters, w => Assert.Equal("waitingForLocks", w.State));

        await _h.Engine.OnResultAsync("a", new TaskResult(hold.Id, TaskOutcome.Succeeded, null, null, DateTimeOffset.UtcNow)).WaitAsync(Limit);

        var orders = _h.Dispatcher.Orders.Select(o => o.Order).Where(o => o.TaskId != hold.Id).OrderBy(o => o.TaskId).ToList();
        Assert.Equal(waiters.Select(w => w.Id), orders.Select(o => o.TaskId));
        using var pinned = TicketSigning.ImportPublicKey(_h.Keys.PublicKey);
        foreach (var (order, f) in orders.Zip(new[] { "f1", "f2", "f3" }))
        {
            var ticket = TicketSigning.Open(order.Ticket!, pinned);
            Assert.NotNull(ticket);
            Assert.Equal((order.TaskId, TaskKinds.FsChecksum, "a"), (ticket.TaskId, ticket.Kind, ticket.Target));
            Assert.Equal(["/units/a/fs/srv/data/" + f], ticket.Resources);
            Assert.Equal(TaskTicket.HashParameters(order.ParametersJson), ticket.ParametersSha256);
        }
        // One signature over a manifest of the three tickets' hashes, not three signatures.
        Assert.Single(orders.Select(o => Convert.ToBase64String(o.Ticket!.Signature)).Distinct());
        Assert.All(orders, o => Assert.Equal(orders[0].Ticket!.Batch, o.Ticket!.Batch));
        // A ticket the station did not put on the manifest is not genuine under the batch's signature.
        var other = TicketSigning.Open(orders[1].Ticket!, pinned)! with { TaskId = 99 };
        var forged = orders[0].Ticket! with { Payload = MessagePack.MessagePackSerializer.Serialize(other) };
        Assert.Null(TicketSigning.Open(forged, pinned));
    }

    [Fact]
    public async Task UnitRefusal_EndsTheTaskFailed_AndIsAuditedAgainstTheOwner()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));

        await _h.Engine.OnResultAsync("a", new TaskResult(task.Id, TaskOutcome.Failed, null, "refused by the unit: the ticket expired at 10:00:00 UTC", DateTimeOffset.UtcNow, TaskErrorKind.Refused)).WaitAsync(Limit);

        Assert.Equal("failed", _h.View(task.Id).State);
        Assert.Equal(TaskErrorKind.Refused, _h.View(task.Id).ErrorKind);
        var entry = Assert.Single(_h.Audit.Query(new AuditQuery(Action: UnitTickets.RefusedAction)));
        Assert.Equal(("alice", "a", AuditOutcomes.Refused), (entry.Actor, entry.Target, entry.Outcome));
        Assert.Contains("the ticket expired", entry.Detail);
    }

    [Fact]
    public async Task OrdinaryFailure_OrAReportForAnotherUnitsTask_IsNotARefusal()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));

        await _h.Engine.OnResultAsync("b", new TaskResult(task.Id, TaskOutcome.Failed, null, "refused by the unit: forged", DateTimeOffset.UtcNow, TaskErrorKind.Refused)).WaitAsync(Limit);
        await _h.Engine.OnResultAsync("a", new TaskResult(task.Id, TaskOutcome.Failed, null, "disk is busy", DateTimeOffset.UtcNow, TaskErrorKind.Conflict)).WaitAsync(Limit);

        Assert.Equal("failed", _h.View(task.Id).State);
        Assert.Equal(TaskErrorKind.Conflict, _h.View(task.Id).ErrorKind);
        Assert.Empty(_h.Audit.Query(new AuditQuery(Action: UnitTickets.RefusedAction)));
    }

    [Fact]
    public async Task A_refusal_is_told_by_its_kind_not_by_its_words()
    {
        var worded = await _h.SubmitOk(Hold("disks/sdb"));
        var kinded = await _h.SubmitOk(Hold("disks/sdc"));

        // Words that look like a refusal, from a task that ran and failed; then a refusal worded like anything else.
        await _h.Engine.OnResultAsync("a", new TaskResult(worded.Id, TaskOutcome.Failed, null, "refused by the unit: tool output", DateTimeOffset.UtcNow, TaskErrorKind.Failed)).WaitAsync(Limit);
        await _h.Engine.OnResultAsync("a", new TaskResult(kinded.Id, TaskOutcome.Failed, null, "the ticket names another unit", DateTimeOffset.UtcNow, TaskErrorKind.Refused)).WaitAsync(Limit);

        var entry = Assert.Single(_h.Audit.Query(new AuditQuery(Action: UnitTickets.RefusedAction)));
        Assert.Contains($"task {kinded.Id}", entry.Detail);
        Assert.Equal((TaskErrorKind.Failed, TaskErrorKind.Refused), (_h.View(worded.Id).ErrorKind, _h.View(kinded.Id).ErrorKind));
    }
}
