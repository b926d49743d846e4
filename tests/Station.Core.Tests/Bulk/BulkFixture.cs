using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Bulk;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Bulk;

/// <summary>
/// A task engine on a real SQLite file (<see cref="EngineHarness"/>) with units u01…uNN online, the bulk rollouts over it, and
/// fake agents that run what is ordered. <see cref="Restart"/> stops the rollouts and the engine and starts both again on the same file.
/// </summary>
internal sealed class BulkFixture : IAsyncDisposable
{
    public BulkFixture(int units, int maxTasks = 20, Func<string, bool>? fails = null, TimeSpan? runFor = null)
    {
        H = new EngineHarness(maxTasks: maxTasks);
        UnitIds = Enumerable.Range(1, units).Select(i => $"u{i:00}").ToList();
        foreach (var u in UnitIds) H.Online(u);
        Agents = new FakeAgents(H) { Fails = fails ?? (_ => false), RunFor = runFor ?? TimeSpan.FromMilliseconds(20) };
        Agents.Start();
        Bulk = NewRollouts();
    }

    public EngineHarness H { get; }
    public IReadOnlyList<string> UnitIds { get; }
    public FakeAgents Agents { get; }
    public BulkRollouts Bulk { get; private set; }

    private BulkRollouts NewRollouts()
    {
        var bulk = new BulkRollouts(H.Db, H.Engine, new UnitDirectory(H.Units, H.Access), H.Access, H.Notifier) { PollInterval = TimeSpan.FromMilliseconds(20) };
        bulk.StartAsync(CancellationToken.None).WaitAsync(EngineHarness.Limit).GetAwaiter().GetResult();
        return bulk;
    }

    /// <summary>The station stops (rollouts, then the engine) and starts again on the same store; <paramref name="whileDown"/> runs in between.</summary>
    public async Task Restart(Action? whileDown = null)
    {
        await Bulk.StopAsync(CancellationToken.None).WaitAsync(EngineHarness.Limit);
        Bulk.Dispose();
        await Agents.StopAsync();
        whileDown?.Invoke();
        H.Restart();
        foreach (var u in UnitIds) H.Online(u);
        Bulk = NewRollouts();
        Agents.Start();
    }

    public static SubmitTask HoldOn(IReadOnlyList<string>? targets = null, BulkSelector? selector = null, BulkRollout? rollout = null) =>
        EngineHarness.Hold("disks/sdb", target: null!, seconds: 600) with { Target = null, Targets = targets, Selector = selector, Rollout = rollout ?? new BulkRollout() };

    public async Task<TaskView> Submit(SubmitTask request, Caller? caller = null)
    {
        var outcome = await Bulk.SubmitAsync(request, caller ?? EngineHarness.Alice).WaitAsync(EngineHarness.Limit);
        Assert.True(outcome.Ok, outcome.Error?.Message);
        return outcome.Value!;
    }

    /// <summary>Waits (bounded) until the parent has ended; returns its view.</summary>
    public async Task<TaskView> Ended(long parentId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var view = H.View(parentId);
            if (view.EndedAt is not null) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"bulk task {parentId} did not end: {view.State}, {view.Stage}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits (bounded) until <paramref name="done"/> holds of the parent's children.</summary>
    public async Task<BulkChildPage> Until(long parentId, Func<BulkChildPage, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var page = Children(parentId);
            if (done(page)) return page;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"bulk task {parentId}'s children did not get there: {page.Summary}");
            await Task.Delay(10);
        }
    }

    public BulkChildPage Children(long parentId, string? state = null)
    {
        var page = Bulk.Children(parentId, EngineHarness.Alice, state, 0, 1000);
        Assert.True(page.Ok, page.Error?.Message);
        return page.Value!;
    }

    public static BulkSummary Summary(TaskView parent) => System.Text.Json.JsonSerializer.Deserialize<BulkSummary>(parent.Result!.Value, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Bulk.StopAsync(CancellationToken.None).WaitAsync(EngineHarness.Limit);
            Bulk.Dispose();
            await Agents.StopAsync();
        }
        finally
        {
            H.Dispose();
        }
    }
}
