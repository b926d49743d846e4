using Ccdsvm.Shared.Contracts;
using Dapper;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests;

/// <summary>
/// Live progress is kept at most once a second per task; a tick of progress alone commits without a sync of its own
/// (docs/BENCHMARKS.md, "Console circuits at scale"), and is still in the store for the next reader.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class ProgressTickTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly EngineHarness _h;

    public ProgressTickTests()
    {
        _h = new EngineHarness();
        _h.Online("a");
    }

    public void Dispose() => _h.Dispose();

    private (double Progress, string? Stage) Stored(long id)
    {
        using var c = _h.Db.Open();
        return c.QuerySingle<(double, string?)>("SELECT progress, stage FROM tasks WHERE id=@id", new { id });
    }

    [Fact]
    public async Task A_progress_tick_is_stored_once_a_second_and_the_stores_later_commits_still_land()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));
        var at = _h.Clock.GetUtcNow();
        _h.Engine.OnStarted("a", new TaskStarted(task.Id, false, at));

        _h.Engine.OnProgress("a", new TaskProgress(task.Id, 1, 0.25, "holding: 30 s left", 1, 1, [], at));
        var first = Stored(task.Id);
        _h.Engine.OnProgress("a", new TaskProgress(task.Id, 2, 0.3, "holding: 28 s left", 1, 1, [], at));
        var withinTheSecond = Stored(task.Id);
        _h.Clock.Advance(TimeSpan.FromSeconds(1.5));
        _h.Engine.OnProgress("a", new TaskProgress(task.Id, 3, 0.5, "holding: 15 s left", 1, 1, [], at));
        var aSecondLater = Stored(task.Id);

        Assert.Equal((0.25, "holding: 30 s left"), first);
        Assert.Equal(first, withinTheSecond);
        Assert.Equal((0.5, "holding: 15 s left"), aSecondLater);
        Assert.Equal(0.5, _h.View(task.Id).Progress);

        // The connection's own commits afterwards (a log line, an admission, an end) are written as before.
        _h.Engine.OnProgress("a", new TaskProgress(task.Id, 4, 0.6, "holding: 12 s left", 1, 1, ["12:00:03 still holding"], at));
        var next = await _h.SubmitOk(Hold("disks/sdc"));
        await _h.Engine.OnResultAsync("a", new TaskResult(task.Id, TaskOutcome.Succeeded, null, null, at)).WaitAsync(Limit);
        using var c = _h.Db.Open();
        Assert.Equal("succeeded", c.QuerySingle<string>("SELECT state FROM tasks WHERE id=@id", new { id = task.Id }));
        Assert.Equal(1, c.QuerySingle<long>("SELECT COUNT(*) FROM tasks WHERE id=@id", new { id = next.Id }));
        Assert.Contains(_h.Engine.Events(task.Id, new Caller("root", true)).Value!, e => e.Type == "log" && e.Message == "12:00:03 still holding");
    }
}
