using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Tasks;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests;

/// <summary>
/// Orders that never reached their unit are sent again, results that come after the station gave up are kept,
/// and the locks of a cut-off unit are handed on only once the agent's lease has surely ended.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TaskEngineLeaseTests : IDisposable
{
    private readonly EngineHarness _h;

    public TaskEngineLeaseTests()
    {
        _h = new EngineHarness(maxTasks: 4, graceSeconds: 1);
        _h.Online("a");
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Restart_TaskItsUnitDoesNotReportRunning_IsSentAgainWhenTheUnitAnnounces()
    {
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));
        var firstTicket = Assert.Single(_h.Dispatcher.Orders).Order.Ticket;

        _h.Restart();
        _h.Online("a");
        await _h.Engine.OnAnnounceAsync("a", []).WaitAsync(Limit);

        var (unit, order) = Assert.Single(_h.Dispatcher.Orders);
        Assert.Equal(("a", t1.Id), (unit, order.TaskId));
        Assert.NotEqual(firstTicket!.Payload, order.Ticket!.Payload);
        Assert.Contains(_h.Engine.Events(t1.Id, Alice).Value!, e => e.Type == "resent");

        // The unit runs it this time: it reports it started and it stays past the grace.
        _h.Engine.OnStarted("a", new TaskStarted(t1.Id, false, DateTimeOffset.UtcNow));
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1300));
        await _h.Engine.TickAsync().WaitAsync(Limit);
        Assert.Equal("running", _h.View(t1.Id).State);
    }

    [Fact]
    public async Task Restart_AfterAStagedRelease_TheResentOrdersTicketStillNamesEveryPathOfItsParameters()
    {
        // fs.checksum releases its only lock when hashing (stage 1) is done, before its result is in.
        var t1 = await _h.SubmitOk(Checksum("/srv/data/source.txt"));
        _h.Engine.OnStarted("a", new TaskStarted(t1.Id, false, DateTimeOffset.UtcNow));
        await _h.Engine.OnStageDoneAsync("a", new TaskStageDone(t1.Id, 1, DateTimeOffset.UtcNow)).WaitAsync(Limit);
        Assert.Empty(_h.Locks.RemainingPlan(t1.Id));

        // The station restarts before the result; the unit's announce does not list the task, so the order goes again.
        _h.Restart();
        _h.Online("a");
        await _h.Engine.OnAnnounceAsync("a", []).WaitAsync(Limit);

        var (_, order) = Assert.Single(_h.Dispatcher.Orders, o => o.Order.TaskId == t1.Id);
        using var pinned = TicketSigning.ImportPublicKey(_h.Keys.PublicKey);
        var ticket = TicketSigning.Open(order.Ticket!, pinned);
        Assert.NotNull(ticket);
        // The unit refuses an order whose ticket does not name a path of its parameters, even a repeat it answers from its record.
        Assert.Contains("/units/a/fs/srv/data/source.txt", ticket.Resources);
    }

    [Fact]
    public async Task ResultAfterTheTaskWasInterrupted_IsRecorded_AndTheStateStaysInterrupted()
    {
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));
        _h.Engine.OnUnitLost("a");
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1300));
        await _h.Engine.TickAsync().WaitAsync(Limit);
        Assert.Equal("interrupted", _h.View(t1.Id).State);

        await _h.Engine.OnResultAsync("a", new TaskResult(t1.Id, TaskOutcome.Succeeded, "{\"late\":true}", null, DateTimeOffset.UtcNow)).WaitAsync(Limit);
        // Another unit may not write into it.
        await _h.Engine.OnResultAsync("b", new TaskResult(t1.Id, TaskOutcome.Failed, "{\"other\":1}", "no", DateTimeOffset.UtcNow)).WaitAsync(Limit);

        var view = _h.View(t1.Id);
        Assert.Equal(("interrupted", "{\"late\":true}"), (view.State, view.Result?.GetRawText()));
        var late = Assert.Single(_h.Engine.Events(t1.Id, Alice).Value!, e => e.Type == "lateResult");
        Assert.StartsWith("unit 'a' reported the task succeeded at ", late.Message);
        Assert.Contains("after it was interrupted; the state stays interrupted", late.Message);
    }

    [Fact]
    public async Task UnacknowledgedOrder_IsSentAgainAfterTheReceiptTime_AndNotOnceAcknowledged()
    {
        _h.Options.OrderReceiptSeconds = 1;
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));
        var t2 = await _h.SubmitOk(Hold("disks/sdc"));
        _h.Engine.OnOrderReceived("a", new OrderReceipt(t2.Id, OrderReceiptStatus.Accepted, DateTimeOffset.UtcNow));

        _h.Clock.Advance(TimeSpan.FromMilliseconds(1300));
        await _h.Engine.TickAsync().WaitAsync(Limit);

        Assert.Equal([t1.Id, t2.Id, t1.Id], _h.Dispatcher.OrderedTaskIds);
    }

    [Fact]
    public async Task UnitLost_LocksAreKeptUntilItsLeaseEndedPlusTheMargin_AndTheTaskSaysSo()
    {
        _h.Options.RecoveryGraceSeconds = 2;
        _h.Options.LeaseMarginSeconds = 1;
        var grant = _h.Engine.OnLeaseRenewed("a", new LeaseRequest(5));
        Assert.Equal(1, grant.LeaseSeconds);
        var t1 = await _h.SubmitOk(Hold("disks/sdb"));

        _h.Engine.OnUnitLost("a");
        // The lease (1 s, all the grace leaves after the margin) plus the margin (1 s) after the last contact have not passed yet.
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1500));
        await _h.Engine.TickAsync().WaitAsync(Limit);
        Assert.NotEqual("interrupted", _h.View(t1.Id).State);
        Assert.Single(_h.View(t1.Id).HeldLocks);

        _h.Clock.Advance(TimeSpan.FromMilliseconds(1800));
        await _h.Engine.TickAsync().WaitAsync(Limit);
        var view = _h.View(t1.Id);
        Assert.Equal("interrupted", view.State);
        Assert.Empty(view.HeldLocks);
        Assert.Matches(@"^unit 'a' became unreachable at \d\d:\d\d:\d\d UTC \(last contact \d\d:\d\d:\d\d UTC\) and did not report the task within 2 s; its lease ended at \d\d:\d\d:\d\d UTC, locks released$", view.Error);
    }

    [Fact]
    public void Lease_IsGrantedAtMostTheGraceLessTheMargin_AndThatMuchWhenTheUnitLeavesItToTheStation()
    {
        _h.Options.RecoveryGraceSeconds = 60;
        _h.Options.LeaseMarginSeconds = 5;
        Assert.Equal(30, _h.Engine.OnLeaseRenewed("a", new LeaseRequest(30)).LeaseSeconds);
        Assert.Equal(55, _h.Engine.OnLeaseRenewed("a", new LeaseRequest(600)).LeaseSeconds);
        Assert.Equal(55, _h.Engine.OnLeaseRenewed("a", new LeaseRequest(0)).LeaseSeconds);
        // A short grace (a lab, a test) keeps a lease: the margin counts at most half the grace.
        _h.Options.RecoveryGraceSeconds = 5;
        Assert.Equal(3, _h.Engine.OnLeaseRenewed("a", new LeaseRequest(0)).LeaseSeconds);
    }
}
