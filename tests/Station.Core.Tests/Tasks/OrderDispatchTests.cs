using Ccdsvm.Shared.Contracts;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>
/// Orders go out on the engine's dispatch workers: a unit whose connection is stuck holds up neither the REST
/// admission of another unit's task nor another agent's report that grants a task to the stuck unit.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class OrderDispatchTests : IDisposable
{
    /// <summary>Far below the harness limit: a call that waited for the stuck send would not return in this time.</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly TaskCompletionSource _unstickA = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OrderDispatchTests()
    {
        _h.Online("a");
        _h.Online("b");
        _h.Dispatcher.BeforeSend = unit => unit == "a" ? _unstickA.Task : Task.CompletedTask;
    }

    public void Dispose()
    {
        _unstickA.TrySetResult();
        _h.Dispose();
    }

    [Fact]
    public async Task SendToUnitA_Stuck_AdmissionOnBAndStageDoneFromB_DoNotWait()
    {
        var onA = (await _h.Engine.SubmitAsync(Hold("disks/sdb", "a"), Alice).WaitAsync(Quick)).Value!;
        Assert.Equal("dispatched", onA.State);

        var checksumOnB = await _h.Engine.SubmitAsync(Checksum("/srv/data/f.bin", "b"), Alice).WaitAsync(Quick);
        Assert.True(checksumOnB.Ok, checksumOnB.Error?.Message);
        var checksum = checksumOnB.Value!;
        // A task for unit a that waits for the checksum's lock on unit b: b's stage done grants it.
        var waiter = (await _h.Engine.SubmitAsync(Hold("/units/b/fs/srv/data/f.bin", "a"), Bob).WaitAsync(Quick)).Value!;
        Assert.Equal("waitingForLocks", waiter.State);
        await WaitUntil(() => _h.Dispatcher.SentSoFar.Any(o => o.Order.TaskId == checksum.Id));

        _h.Engine.OnStarted("b", new TaskStarted(checksum.Id, true, DateTimeOffset.UtcNow));
        await _h.Engine.OnStageDoneAsync("b", new TaskStageDone(checksum.Id, 1, DateTimeOffset.UtcNow)).WaitAsync(Quick);

        Assert.Equal("dispatched", _h.View(waiter.Id).State);
        Assert.DoesNotContain(_h.Dispatcher.SentSoFar, o => o.Unit == "a");

        _unstickA.SetResult();
        var toA = _h.Dispatcher.Orders.Where(o => o.Unit == "a").Select(o => o.Order.TaskId);
        Assert.Equal([onA.Id, waiter.Id], toA);
        Assert.Equal(("dispatched", "dispatched"), (_h.View(onA.Id).State, _h.View(waiter.Id).State));
    }

    [Fact]
    public async Task Cancel_OfATaskStillQueuedForItsUnit_AnswersAtOnceAndTheOrderIsNeverSent()
    {
        var first = (await _h.Engine.SubmitAsync(Hold("disks/sdb", "a"), Alice).WaitAsync(Quick)).Value!;
        var second = (await _h.Engine.SubmitAsync(Hold("disks/sdc", "a"), Alice).WaitAsync(Quick)).Value!;

        var asked = await _h.Engine.CancelAsync(second.Id, Alice).WaitAsync(Quick);
        Assert.True(asked.Ok, asked.Error?.Message);

        _unstickA.SetResult();
        Assert.Equal([first.Id], _h.Dispatcher.OrderedTaskIds);
        Assert.Equal(("a", second.Id), Assert.Single(_h.Dispatcher.Cancels));
        var cancelled = _h.View(second.Id);
        Assert.Equal(("cancelled", "cancelled before its order was sent"), (cancelled.State, cancelled.Error));
        Assert.Null(cancelled.Slot);
        Assert.Equal("dispatched", _h.View(first.Id).State);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Quick;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in time");
            await Task.Delay(10);
        }
    }
}
