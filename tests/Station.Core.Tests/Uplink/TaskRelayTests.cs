using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Uplink;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>
/// A mid station's side of a task routed down from above (README, "Layered stations"), on a real engine and store: the
/// upper user is user@label here and gets nothing until this station grants it; granted, the task is admitted into this
/// station's list under that name, its progress and end go back up, a repeat of the same order is the same task, a
/// cancel from above cancels it here, and a wait for a lock held by a local task says it waits at this station.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TaskRelayTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly TaskRelay _relay;
    private readonly List<TaskUpdate> _updates = [];

    public TaskRelayTests()
    {
        _h.Online("leaf");
        _relay = new TaskRelay(_h.Engine, _h.Notifier, _h.Access, _h.Units, new UpstreamOptions { Url = "https://top.example:5080", Name = "mid-1", Label = "top" },
            confirmations: new TaskConfirmations(_h.Engine, _h.Access, _h.Dispatcher));
    }

    public void Dispose() => _h.Dispose();

    private static RelayRequest Checksum(long upperId, string user = "zed", string target = "leaf") =>
        new(upperId, TaskKinds.FsChecksum, target, """{"path":"/srv/data/x.bin"}""", user);

    private Task<RelayEnd> Run(RelayRequest request, CancellationToken ct = default) =>
        _relay.RunAsync(request, u => { lock (_updates) _updates.Add(u); }, ct);

    private void GrantUpstream(string subject, string path = "/units/leaf", string role = "Operator")
    {
        using (var c = _h.Db.Open()) AccessControl.Grant(c, null, path, subject, role, "test", DateTimeOffset.UtcNow);
        _h.Access.Reload();
    }

    private async Task<long> OrderedAsync(int count)
    {
        using var limit = new CancellationTokenSource(EngineHarness.Limit);
        while (_h.Dispatcher.SentSoFar.Count < count) await Task.Delay(20, limit.Token);
        return _h.Dispatcher.SentSoFar[count - 1].Order.TaskId;
    }

    [Fact]
    public async Task WithoutAGrant_TheUpperUserIsRefusedHere_InWordsNamingThisStation()
    {
        Assert.Equal("zed@top", _relay.SubjectOf("zed"));
        Assert.Equal("zed@top", _relay.SubjectOf("zed@top"));
        Assert.True(_relay.Reaches("leaf") && _relay.Reaches("mid-1") && !_relay.Reaches("nowhere") && !_relay.Reaches("station"));

        var end = await Run(Checksum(41)).WaitAsync(EngineHarness.Limit);

        Assert.Equal((TaskState.Failed, TaskErrorKind.Forbidden), (end.State, end.ErrorKind));
        Assert.StartsWith("refused at mid-1: zed@top has no rights on /units/leaf there", end.Error, StringComparison.Ordinal);
        Assert.Empty(_h.Dispatcher.SentSoFar);
    }

    [Fact]
    public async Task Granted_TheTaskRunsHereUnderTheUpperName_ReportsUp_AndARepeatedOrderIsTheSameTask()
    {
        GrantUpstream("@" + AccessControl.UpstreamGroup);
        var running = Run(Checksum(42));
        long id = await OrderedAsync(1);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal("zed@top", _h.View(id).Owner);
        _h.Engine.OnStarted("leaf", new TaskStarted(id, false, now));
        _h.Engine.OnProgress("leaf", new TaskProgress(id, 1, 0.5, "hashing", 1, 1, ["read 1 MiB"], now));
        await _h.Engine.OnResultAsync("leaf", new TaskResult(id, TaskOutcome.Succeeded, """{"path":"/srv/data/x.bin","sha256":"abc123","bytes":3}""", null, now)).WaitAsync(EngineHarness.Limit);

        var end = await running.WaitAsync(EngineHarness.Limit);
        Assert.Equal(TaskState.Succeeded, end.State);
        Assert.Equal("abc123", end.Result!.Value.GetProperty("sha256").GetString());
        lock (_updates) Assert.Contains(_updates, u => u.Task.Progress == 0.5 && u.Task.Stage == "hashing");

        // The same order again (the mid station restarted, the top sent it again): the same task, ended, not run twice.
        var again = await Run(Checksum(42)).WaitAsync(EngineHarness.Limit);
        Assert.Equal(TaskState.Succeeded, again.State);
        Assert.Single(_h.Dispatcher.Orders);
    }

    [Fact]
    public async Task ACancelFromAbove_CancelsTheTaskHere()
    {
        GrantUpstream("zed@top");
        using var cancel = new CancellationTokenSource();
        var running = Run(Checksum(43), cancel.Token);
        long id = await OrderedAsync(1);
        _h.Engine.OnStarted("leaf", new TaskStarted(id, false, DateTimeOffset.UtcNow));

        await cancel.CancelAsync();
        using (var limit = new CancellationTokenSource(EngineHarness.Limit))
            while (!_h.Dispatcher.SentSoFar.Any() || !_h.Dispatcher.Cancels.Any(c => c.TaskId == id)) await Task.Delay(20, limit.Token);
        await _h.Engine.OnResultAsync("leaf", new TaskResult(id, TaskOutcome.Cancelled, null, "cancelled", DateTimeOffset.UtcNow, TaskErrorKind.Cancelled)).WaitAsync(EngineHarness.Limit);

        Assert.Equal(TaskState.Cancelled, (await running.WaitAsync(EngineHarness.Limit)).State);
    }

    [Fact]
    public async Task ALockHeldByALocalTask_MakesTheRelayedTaskWait_SayingItWaitsAtThisStation()
    {
        GrantUpstream("zed@top");
        var hold = await _h.SubmitOk(EngineHarness.Hold("/units/leaf", target: "leaf"), EngineHarness.Bob);
        using var cancel = new CancellationTokenSource();
        var running = Run(Checksum(44), cancel.Token);

        using (var limit = new CancellationTokenSource(EngineHarness.Limit))
            while (true)
            {
                lock (_updates) if (_updates.Any(u => u.Task.Stage?.StartsWith("waiting at mid-1 for ", StringComparison.Ordinal) == true)) break;
                await Task.Delay(20, limit.Token);
            }
        string stage;
        lock (_updates) stage = _updates.Last(u => u.Task.Stage?.StartsWith("waiting at mid-1", StringComparison.Ordinal) == true).Task.Stage!;
        Assert.Contains($"task {hold.Id}", stage, StringComparison.Ordinal);
        Assert.Contains("bob", stage, StringComparison.Ordinal);
        Assert.DoesNotContain(_h.Dispatcher.SentSoFar, o => o.Order.Kind == TaskKinds.FsChecksum);

        await cancel.CancelAsync();
        Assert.Equal(TaskState.Cancelled, (await running.WaitAsync(EngineHarness.Limit)).State);
    }

    [Fact]
    public async Task AConfirmationFromAbove_ConfirmsTheRelayedChangeHere_OnlyWhileItWaits_AndOnlyForItsOwner()
    {
        GrantUpstream("zed@top", role: Roles.Administrator.Name);
        using var cancel = new CancellationTokenSource();
        var running = Run(new RelayRequest(45, TaskKinds.NetConfigure, "leaf", """{"interfaces":[{"name":"eth0","mtu":9000}]}""", "zed"), cancel.Token);
        long id = await OrderedAsync(1);
        var now = DateTimeOffset.UtcNow;
        _h.Engine.OnStarted("leaf", new TaskStarted(id, true, now));

        var early = await _relay.ConfirmAsync(45, "zed").WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.Conflict, early.Error!.Kind);
        Assert.StartsWith("at mid-1: task ", early.Error.Message, StringComparison.Ordinal);
        Assert.Empty(_h.Dispatcher.Confirms);

        _h.Engine.OnProgress("leaf", new TaskProgress(id, 1, 0.2, NetConfigure.WaitingStage + " (48 s left)", 3, 3, [], now));
        // Another upper user's confirmation finds no task of theirs here; an upper task never relayed here neither.
        Assert.Equal(StationErrorKind.NotFound, (await _relay.ConfirmAsync(45, "eve").WaitAsync(EngineHarness.Limit)).Error!.Kind);
        Assert.Equal(StationErrorKind.NotFound, (await _relay.ConfirmAsync(99, "zed").WaitAsync(EngineHarness.Limit)).Error!.Kind);
        Assert.Empty(_h.Dispatcher.Confirms);

        var kept = await _relay.ConfirmAsync(45, "zed").WaitAsync(EngineHarness.Limit);
        Assert.True(kept.Ok, kept.Error?.Message);
        Assert.Equal([("leaf", id)], _h.Dispatcher.Confirms);
        Assert.Contains(_h.Engine.Events(id, new Caller("root", true)).Value!, e => e.Message?.Contains("zed@top confirmed the change", StringComparison.Ordinal) == true);

        await cancel.CancelAsync();
        await _h.Engine.OnResultAsync("leaf", new TaskResult(id, TaskOutcome.Cancelled, null, "cancelled", DateTimeOffset.UtcNow, TaskErrorKind.Cancelled)).WaitAsync(EngineHarness.Limit);
        await running.WaitAsync(EngineHarness.Limit);
    }

    [Fact]
    public async Task ATerminalTheStationAboveRecords_IsRefusedHere_UnlessThisStationRecordsToo()
    {
        GrantUpstream("zed@top", role: Roles.Administrator.Name);
        var refused = await Run(new RelayRequest(46, TaskKinds.SystemTerminal, "leaf", """{"cols":100,"record":true}""", "zed")).WaitAsync(EngineHarness.Limit);
        Assert.Equal((TaskState.Failed, TaskErrorKind.Forbidden), (refused.State, refused.ErrorKind));
        Assert.StartsWith("refused at mid-1: the station above records terminal sessions and this one does not", refused.Error, StringComparison.Ordinal);
        Assert.Empty(_h.Dispatcher.SentSoFar);

        // Recording here too: admitted as the upper user's terminal, with what a user may send; this station's own policy adds the rest at dispatch.
        var recording = new TaskRelay(_h.Engine, _h.Notifier, _h.Access, _h.Units, new UpstreamOptions { Url = "https://top.example:5080", Name = "mid-1", Label = "top" },
            station: Microsoft.Extensions.Options.Options.Create(new StationOptions { Terminal = new StationTerminalOptions { Record = true } }));
        using var cancel = new CancellationTokenSource();
        var running = recording.RunAsync(new RelayRequest(47, TaskKinds.SystemTerminal, "leaf", """{"cols":100,"record":true}""", "zed"), _ => { }, cancel.Token);
        long id = await OrderedAsync(1);
        var admitted = SystemTerminal.Contract.Read(_h.View(id).Parameters!.Value);
        Assert.Equal((100, (bool?)null), (admitted.Cols, admitted.Record));
        Assert.Equal("zed@top", _h.View(id).Owner);

        await cancel.CancelAsync();
        await _h.Engine.OnResultAsync("leaf", new TaskResult(id, TaskOutcome.Cancelled, null, "cancelled", DateTimeOffset.UtcNow, TaskErrorKind.Cancelled)).WaitAsync(EngineHarness.Limit);
        await running.WaitAsync(EngineHarness.Limit);
    }
}
