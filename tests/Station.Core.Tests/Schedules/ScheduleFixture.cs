using System.Text.Json;
using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Schedules;
using Ccdsvm.Station.Core.Tests.Bulk;
using Microsoft.Extensions.Time.Testing;

namespace Ccdsvm.Station.Core.Tests.Schedules;

/// <summary>
/// A <see cref="BulkFixture"/> (engine on a real SQLite file, units u01…, fake agents) with the schedule service over it on a
/// clock of its own (<see cref="Clock"/>, a <see cref="FakeTimeProvider"/>): tests move it to a run's instant and wait until
/// the service has looked (<see cref="Settled"/>). <see cref="Restart"/> stops everything and starts it again on the same file.
/// </summary>
internal sealed class ScheduleFixture : IAsyncDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public ScheduleFixture(DateTimeOffset start, TimeSpan? runFor = null)
    {
        Clock = new FakeTimeProvider(start);
        F = new BulkFixture(units: 2, runFor: runFor);
        Service = NewService();
        Settled().WaitAsync(Limit).GetAwaiter().GetResult();
    }

    public FakeTimeProvider Clock { get; }
    public BulkFixture F { get; }
    public ScheduleService Service { get; private set; }

    private ScheduleService NewService()
    {
        var service = new ScheduleService(F.H.Db, F.Bulk, F.H.Engine, F.H.Access, Clock);
        service.StartAsync(CancellationToken.None).WaitAsync(Limit).GetAwaiter().GetResult();
        return service;
    }

    /// <summary>A maintenance hold on u01 (the fake agents end it after their run time).</summary>
    public static ScheduleTemplate HoldOnU01 { get; } =
        new(Shared.Contracts.TaskKinds.MaintenanceHold, "u01", JsonSerializer.SerializeToElement(new { resource = "disks/sdb", seconds = 600, reason = "scheduled" }));

    public ScheduleView Create(string cron, string zone = "UTC", string missed = ScheduleMissedRuns.RunOnce, Caller? owner = null, string name = "nightly")
    {
        var outcome = Service.Create(new ScheduleRequest(name, cron, zone, HoldOnU01, true, missed), owner ?? EngineHarness.Alice);
        Assert.True(outcome.Ok, outcome.Error?.Message);
        Settled().WaitAsync(Limit).GetAwaiter().GetResult(); // the service sleeps until this schedule's first run from now on
        return outcome.Value!;
    }

    /// <summary>
    /// Moves the clock to <paramref name="at"/> (firing the timers due by then) and waits (bounded) until the service has
    /// handled everything due up to it. At a run's instant (<paramref name="due"/>) the service's own timer must wake it;
    /// elsewhere nothing would, so it is nudged to look.
    /// </summary>
    public async Task MoveTo(DateTimeOffset at, bool due = true)
    {
        Clock.SetUtcNow(at);
        await Settled(nudge: !due);
    }

    public async Task Settled(bool nudge = true)
    {
        var now = Clock.GetUtcNow();
        long ticket = nudge ? Service.Nudge() : 0;
        var deadline = DateTime.UtcNow + Limit;
        while (Service.CheckedAt < now || Service.Handled < ticket)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the schedules were not looked at up to {now:O} (last pass at {Service.CheckedAt:O})");
            await Task.Delay(5);
        }
    }

    public IReadOnlyList<ScheduleRunView> Runs(long id)
    {
        var runs = Service.History(id, Caller.System);
        Assert.True(runs.Ok, runs.Error?.Message);
        return [.. runs.Value!.Reverse()];
    }

    /// <summary>Waits (bounded) until the task has ended.</summary>
    public async Task TaskEnded(long taskId)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (F.H.View(taskId).EndedAt is null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"task {taskId} did not end");
            await Task.Delay(5);
        }
    }

    public ScheduleView View(long id) => Service.Get(id, Caller.System).Value!;

    /// <summary>The station stops (schedules, rollouts, engine) and starts again on the same store; the clock moves to <paramref name="at"/> while it is down.</summary>
    public async Task Restart(DateTimeOffset at)
    {
        await Service.StopAsync(CancellationToken.None).WaitAsync(Limit);
        Service.Dispose();
        await F.Restart(() => Clock.SetUtcNow(at));
        Service = NewService();
        await Settled();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Service.StopAsync(CancellationToken.None).WaitAsync(Limit);
            Service.Dispose();
        }
        finally
        {
            await F.DisposeAsync();
        }
    }
}
