using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>
/// Every way a task ends without success leaves its error kind on the task: what the agent reported, or what the
/// engine itself knows (unit gone, wait too long, cancelled, interrupted by a restart). It is stored, survives a
/// restart and reaches the API's JSON as one more field.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TaskErrorKindTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8, graceSeconds: 1);

    public TaskErrorKindTests() => _h.Online("a");

    public void Dispose() => _h.Dispose();

    private string? StoredKind(long id)
    {
        using var c = _h.Db.Open();
        return c.ExecuteScalar<string?>("SELECT error_kind FROM tasks WHERE id=@id", new { id });
    }

    [Fact]
    public async Task The_agents_kind_is_kept_in_the_store_through_a_restart_and_shown_in_the_api_json()
    {
        var task = await _h.SubmitOk(Checksum("/srv/data/missing"));
        var ok = await _h.SubmitOk(Checksum("/srv/data/there"));

        await _h.Engine.OnResultAsync("a", new TaskResult(task.Id, TaskOutcome.Failed, null, "'/srv/data/missing' does not exist", DateTimeOffset.UtcNow, TaskErrorKind.NotFound)).WaitAsync(Limit);
        await _h.Engine.OnResultAsync("a", new TaskResult(ok.Id, TaskOutcome.Succeeded, "{}", null, DateTimeOffset.UtcNow)).WaitAsync(Limit);
        _h.Restart();

        var view = _h.View(task.Id);
        Assert.Equal(("failed", "'/srv/data/missing' does not exist", TaskErrorKind.NotFound), (view.State, view.Error, view.ErrorKind));
        Assert.Equal("notFound", StoredKind(task.Id));
        Assert.Null(_h.View(ok.Id).ErrorKind);
        Assert.Null(StoredKind(ok.Id));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(view, JsonSerializerOptions.Web));
        Assert.Equal("notFound", json.RootElement.GetProperty("errorKind").GetString());
        Assert.Equal("failed", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("'/srv/data/missing' does not exist", json.RootElement.GetProperty("error").GetString());
        using var okJson = JsonDocument.Parse(JsonSerializer.Serialize(_h.View(ok.Id), JsonSerializerOptions.Web));
        Assert.Equal(JsonValueKind.Null, okJson.RootElement.GetProperty("errorKind").ValueKind);
    }

    [Fact]
    public async Task An_agent_that_says_no_kind_gets_the_kind_of_its_outcome()
    {
        var failed = await _h.SubmitOk(Hold("disks/sdb"));
        var cancelled = await _h.SubmitOk(Hold("disks/sdc"));

        await _h.Engine.OnResultAsync("a", new TaskResult(failed.Id, TaskOutcome.Failed, null, "disk is busy", DateTimeOffset.UtcNow)).WaitAsync(Limit);
        await _h.Engine.OnResultAsync("a", new TaskResult(cancelled.Id, TaskOutcome.Cancelled, null, "cancelled", DateTimeOffset.UtcNow)).WaitAsync(Limit);

        Assert.Equal(TaskErrorKind.Failed, _h.View(failed.Id).ErrorKind);
        Assert.Equal(TaskErrorKind.Cancelled, _h.View(cancelled.Id).ErrorKind);
    }

    [Fact]
    public async Task A_unit_gone_at_dispatch_is_Unavailable()
    {
        _h.Dispatcher.Connected = false;

        var submitted = await _h.SubmitOk(Hold("disks/sdb"));
        _h.Dispatcher.Settle();

        var task = _h.View(submitted.Id);
        Assert.Equal(("failed", TaskErrorKind.Unavailable), (task.State, task.ErrorKind));
        Assert.Equal("unavailable", StoredKind(task.Id));
    }

    [Fact]
    public async Task A_wait_past_its_limit_is_Timeout_and_a_cancelled_waiter_is_Cancelled()
    {
        await _h.SubmitOk(Hold("disks/sdb"));
        var impatient = await _h.SubmitOk(Hold("disks/sdb", waitSeconds: 0.5), Bob);
        var patient = await _h.SubmitOk(Hold("disks/sdb"), Bob);

        var cancel = await _h.Engine.CancelAsync(patient.Id, Bob).WaitAsync(Limit);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(800));
        await _h.Engine.TickAsync().WaitAsync(Limit);

        Assert.True(cancel.Ok, cancel.Error?.Message);
        Assert.Equal(("failed", TaskErrorKind.Timeout), (_h.View(impatient.Id).State, _h.View(impatient.Id).ErrorKind));
        Assert.Equal(("cancelled", TaskErrorKind.Cancelled), (_h.View(patient.Id).State, _h.View(patient.Id).ErrorKind));
    }

    [Fact]
    public async Task A_task_no_unit_claims_after_a_restart_is_Interrupted()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));

        _h.Restart();
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1300));
        await _h.Engine.TickAsync().WaitAsync(Limit);

        var view = _h.View(task.Id);
        Assert.Equal(("interrupted", TaskErrorKind.Interrupted), (view.State, view.ErrorKind));
        Assert.Equal("interrupted", StoredKind(task.Id));
    }

    [Fact]
    public async Task A_station_run_change_that_is_refused_keeps_its_refusals_kind()
    {
        var change = await _h.Engine.RunAndWaitAsync(new SubmitTask(TaskKinds.AuthUser, TaskEngine.StationTarget, Json(new { action = "delete", username = "nobody-here" })),
            new Caller("root", true), Limit).WaitAsync(Limit);

        Assert.True(change.Ok, change.Error?.Message);
        Assert.Equal(("failed", "there is no user 'nobody-here'", TaskErrorKind.NotFound), (change.Value!.State, change.Value.Error, change.Value.ErrorKind));
    }
}
