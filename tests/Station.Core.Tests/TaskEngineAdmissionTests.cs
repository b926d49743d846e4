using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests;

[Collection(StoreCollection.Name)]
public sealed class TaskEngineAdmissionTests : IDisposable
{
    private readonly EngineHarness _h;

    public TaskEngineAdmissionTests()
    {
        _h = new EngineHarness(maxTasks: 4, maxTasksPerUser: 0);
        _h.Online("a");
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Submit_WhenListFull_RefusesTooManyTasks()
    {
        string[] users = ["alice", "bob", "carol", "dave"];
        var admitted = new List<TaskView>();
        for (int i = 0; i < 4; i++)
            admitted.Add(await _h.SubmitOk(Hold($"disks/sd{(char)('b' + i)}"), new Caller(users[i], false)));

        var refusal = await _h.SubmitRefused(Hold("disks/sdz"), new Caller("erin", false));

        Assert.Equal(StationErrorKind.TooManyTasks, refusal.Kind);
        Assert.StartsWith("task list is full: 4 of 4 slots in use", refusal.Message);
        Assert.Equal([0, 1, 2, 3], admitted.Select(t => t.Slot!.Value));
        Assert.All(admitted, t => Assert.Equal("dispatched", t.State));
        Assert.Equal(4, _h.Engine.ActiveCount);
        using var c = _h.Db.Open();
        Assert.Equal(4, c.ExecuteScalar<long>("SELECT COUNT(*) FROM tasks"));
    }

    [Fact]
    public async Task Submit_OverPerUserCap_RefusesNamingTheLimit()
    {
        _h.Dispose();
        using var h = new EngineHarness(maxTasks: 4, maxTasksPerUser: 2);
        h.Online("a");
        await h.SubmitOk(Hold("disks/sdb"));
        await h.SubmitOk(Hold("disks/sdc"));

        var refusal = await h.SubmitRefused(Hold("disks/sdd"));

        Assert.Equal(StationErrorKind.TooManyTasks, refusal.Kind);
        Assert.Equal("you already run 2 tasks, the limit per user is 2; wait for one to end or cancel one", refusal.Message);
        var bobs = await h.SubmitOk(Hold("disks/sdd"), Bob);
        Assert.Equal(2, bobs.Slot);
    }

    [Fact]
    public async Task Submit_AfterTasksEnd_TakesTheLowestFreeSlot()
    {
        var t0 = await _h.SubmitOk(Hold("disks/sdb"));
        var t1 = await _h.SubmitOk(Hold("disks/sdc"));
        var t2 = await _h.SubmitOk(Hold("disks/sdd"));
        Assert.Equal([0, 1, 2], new[] { t0.Slot!.Value, t1.Slot!.Value, t2.Slot!.Value });

        await _h.Engine.EndAsync(t1.Id, TaskState.Succeeded, null, null).WaitAsync(Limit);
        var reused = await _h.SubmitOk(Hold("disks/sde"));
        var next = await _h.SubmitOk(Hold("disks/sdf"));

        Assert.Equal(1, reused.Slot);
        Assert.Equal(3, next.Slot);
        Assert.Null(_h.View(t1.Id).Slot);
    }

    [Fact]
    public async Task Submit_SameIdempotencyKey_ReturnsTheSameTaskOnce()
    {
        var first = await _h.SubmitOk(Hold("disks/sdb", key: "retry-1"));
        var again = await _h.SubmitOk(Hold("disks/sdb", key: "retry-1"));
        var bobs = await _h.SubmitOk(Hold("disks/sdc", key: "retry-1"), Bob);

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, bobs.Id);
        Assert.Equal(2, _h.Engine.ActiveCount);
        Assert.Equal([first.Id, bobs.Id], _h.Dispatcher.OrderedTaskIds);
    }

    [Fact]
    public async Task Submit_UnknownKind_RefusedListingKnownKinds()
    {
        var refusal = await _h.SubmitRefused(new SubmitTask("disk.explode", "a", Json(new { })));

        Assert.Equal(StationErrorKind.BadRequest, refusal.Kind);
        Assert.Equal($"unknown task kind 'disk.explode'; known kinds: {new TaskKindCatalog().KnownKinds}", refusal.Message);
        Assert.Contains("fs.checksum, ", refusal.Message);
    }

    [Fact]
    public async Task Submit_MissingKind_RefusedListingKnownKinds()
    {
        var refusal = await _h.SubmitRefused(new SubmitTask(null, "a", null));

        Assert.Equal(StationErrorKind.BadRequest, refusal.Kind);
        Assert.Equal($"'kind' is required; known kinds: {new TaskKindCatalog().KnownKinds}", refusal.Message);
    }

    [Fact]
    public async Task Submit_BadParameters_RefusedNamingEveryProblemAndTheSpec()
    {
        var refusal = await _h.SubmitRefused(new SubmitTask(TaskKinds.MaintenanceHold, "a", Json(new { resource = "disks/sdb", colour = "red" })));

        Assert.Equal(StationErrorKind.BadRequest, refusal.Kind);
        Assert.Equal("unknown parameter 'colour'; missing parameter 'seconds' (number: how long to hold it). " +
            "maintenance.hold takes: resource (string), seconds (number), reason (string, optional)", refusal.Message);
    }

    [Theory]
    [InlineData(0, "parameter 'seconds' must be at least 1")]
    [InlineData(604801, "parameter 'seconds' must be at most 604800")]
    public async Task Submit_SecondsOutOfRange_RefusedWithTheBound(double seconds, string expected)
    {
        var refusal = await _h.SubmitRefused(Hold("disks/sdb", seconds: seconds));

        Assert.Equal(StationErrorKind.BadRequest, refusal.Kind);
        Assert.StartsWith(expected, refusal.Message);
    }

    [Fact]
    public async Task Submit_ParametersNotAnObject_Refused()
    {
        var refusal = await _h.SubmitRefused(new SubmitTask(TaskKinds.FsChecksum, "a", Json(new[] { 1, 2 })));

        Assert.Equal("parameters must be a JSON object; fs.checksum takes: path (string)", refusal.Message);
    }

    [Fact]
    public async Task Submit_UnknownUnit_NotFoundListingKnownUnits()
    {
        _h.Online("b");
        var refusal = await _h.SubmitRefused(Hold("disks/sdb", target: "zz"));

        Assert.Equal(StationErrorKind.NotFound, refusal.Kind);
        Assert.Equal("unit 'zz' is not known; known units: a, b", refusal.Message);
    }

    [Fact]
    public async Task Submit_OfflineUnit_ConflictSayingSinceWhen()
    {
        _h.Online("b");
        var wentAway = new DateTimeOffset(2025, 6, 1, 8, 30, 15, TimeSpan.Zero);
        Assert.Equal("b", _h.Units.Offline("conn-b", wentAway));

        var refusal = await _h.SubmitRefused(Hold("disks/sdb", target: "b"));

        Assert.Equal(StationErrorKind.Conflict, refusal.Kind);
        Assert.Equal("unit 'b' is offline since 2025-06-01 08:30:15 UTC; start its agent or choose another unit", refusal.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(86401)]
    public async Task Submit_WaitSecondsOutOfRange_Refused(double wait)
    {
        var refusal = await _h.SubmitRefused(Hold("disks/sdb", waitSeconds: wait));

        Assert.Equal(StationErrorKind.BadRequest, refusal.Kind);
        Assert.Equal("'waitSeconds' must be between 0 and 86400", refusal.Message);
    }

    [Fact]
    public async Task Submit_Admitted_SendsASignedOrderAndRecordsEvents()
    {
        var before = DateTimeOffset.UtcNow;
        var task = await _h.SubmitOk(Hold("disks/sdb"));

        var (unit, order) = Assert.Single(_h.Dispatcher.Orders);
        Assert.Equal("a", unit);
        Assert.Equal((task.Id, TaskKinds.MaintenanceHold, "alice"), (order.TaskId, order.Kind, order.Owner));
        using var pinned = TicketSigning.ImportPublicKey(_h.Keys.PublicKey);
        var ticket = TicketSigning.Open(order.Ticket!, pinned);
        Assert.NotNull(ticket);
        Assert.Equal((task.Id, TaskKinds.MaintenanceHold, "a", "alice"), (ticket.TaskId, ticket.Kind, ticket.Target, ticket.User));
        Assert.Equal(["/units/a/disks/sdb"], ticket.Resources);
        Assert.Equal(TaskTicket.HashParameters(order.ParametersJson), ticket.ParametersSha256);
        Assert.InRange(ticket.ExpiresAt - ticket.IssuedAt, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
        Assert.Equal(32, ticket.Nonce.Length);
        Assert.Equal("dispatched to a", task.Stage);
        Assert.InRange(task.CreatedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var held = Assert.Single(task.HeldLocks);
        Assert.Equal(("/units/a/disks/sdb", "exclusive", "alice", TaskKinds.MaintenanceHold), (held.Resource, held.Mode, held.Owner, held.Kind));

        var events = _h.Engine.Events(task.Id, Alice).Value!;
        // Admission writes one event carrying the state the task was admitted into.
        Assert.Equal("alice submitted maintenance.hold on a into slot 0", events[0].Message);
        Assert.Equal(("submitted", "dispatched"), (events[0].Type, events[0].State));
    }

    [Fact]
    public async Task Submit_UnitUnreachableAtDispatch_FailsSayingSo()
    {
        _h.Dispatcher.Connected = false;

        var submitted = await _h.SubmitOk(Hold("disks/sdb"));
        // The answer does not wait for the send: the task is admitted, and fails when its unit's worker finds no connection.
        Assert.Equal("dispatched", submitted.State);
        _h.Dispatcher.Settle();
        var task = _h.View(submitted.Id);

        Assert.Equal("failed", task.State);
        Assert.Equal("unit 'a' went offline before the task could start", task.Error);
        Assert.Null(task.Slot);
        Assert.NotNull(task.EndedAt);
        Assert.Equal(0, _h.Engine.ActiveCount);
    }

    [Fact]
    public async Task AgentReports_StartedProgressResult_EndSucceededWithResult()
    {
        var task = await _h.SubmitOk(Checksum("/srv/data/f.bin"));
        var startedAt = _h.Clock.GetUtcNow();

        _h.Engine.OnStarted("a", new TaskStarted(task.Id, true, startedAt));
        _h.Engine.OnProgress("a", new TaskProgress(task.Id, 1, 0.5, "hashing: 32 of 64 MiB", 1, 1, ["12:00:00 hashing"], startedAt));
        var running = _h.View(task.Id);
        await _h.Engine.OnResultAsync("a", new TaskResult(task.Id, TaskOutcome.Succeeded, """{"sha256":"ab"}""", null, DateTimeOffset.UtcNow)).WaitAsync(Limit);
        var done = _h.View(task.Id);

        Assert.Equal(("running", true, 0.5, "hashing: 32 of 64 MiB"), (running.State, running.DedicatedThread, running.Progress, running.Stage));
        Assert.Equal(startedAt, running.StartedAt);
        Assert.Equal(("succeeded", 1.0, "done"), (done.State, done.Progress, done.Stage));
        Assert.Equal("ab", done.Result!.Value.GetProperty("sha256").GetString());
        Assert.NotNull(done.EndedAt);
        Assert.True(done.EndedAt >= done.StartedAt);
        Assert.Null(done.Slot);
        Assert.Contains(_h.Engine.Events(task.Id, Alice).Value!, e => e.Type == "log" && e.Message == "12:00:00 hashing");
    }

    [Fact]
    public async Task AgentReports_FromAnotherUnit_AreIgnored()
    {
        _h.Online("b");
        var task = await _h.SubmitOk(Hold("disks/sdb"));

        _h.Engine.OnStarted("b", new TaskStarted(task.Id, false, DateTimeOffset.UtcNow));
        await _h.Engine.OnResultAsync("b", new TaskResult(task.Id, TaskOutcome.Succeeded, null, null, DateTimeOffset.UtcNow)).WaitAsync(Limit);

        var view = _h.View(task.Id);
        Assert.Equal("dispatched", view.State);
        Assert.Null(view.StartedAt);
        Assert.Equal(1, _h.Engine.ActiveCount);
    }

    [Fact]
    public async Task Cancel_DispatchedTask_AsksTheAgentAndEndsOnItsAnswer()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));
        // Its order has reached the agent (a task cancelled while its order is still queued ends at once: OrderDispatchTests).
        _h.Dispatcher.Settle();

        var asked = await _h.Engine.CancelAsync(task.Id, Alice).WaitAsync(Limit);

        Assert.True(asked.Ok);
        Assert.Equal(("a", task.Id), Assert.Single(_h.Dispatcher.Cancels));
        Assert.Equal("dispatched", _h.View(task.Id).State);
        await _h.Engine.OnResultAsync("a", new TaskResult(task.Id, TaskOutcome.Cancelled, null, "cancelled", DateTimeOffset.UtcNow)).WaitAsync(Limit);
        Assert.Equal(("cancelled", "cancelled"), (_h.View(task.Id).State, _h.View(task.Id).Error));
    }

    [Fact]
    public async Task Cancel_SomeoneElsesTask_NotFoundForUsersAllowedForAdmins()
    {
        var task = await _h.SubmitOk(Hold("disks/sdb"));
        var waiting = await _h.SubmitOk(Hold("disks/sdb"));

        var bobs = await _h.Engine.CancelAsync(waiting.Id, Bob).WaitAsync(Limit);
        var admins = await _h.Engine.CancelAsync(waiting.Id, new Caller("root", true)).WaitAsync(Limit);
        var again = await _h.Engine.CancelAsync(waiting.Id, Alice).WaitAsync(Limit);

        Assert.Equal(StationError.NotFound($"task {waiting.Id} does not exist"), bobs.Error);
        Assert.Equal(("cancelled", "cancelled by root"), (admins.Value!.State, admins.Value.Error));
        Assert.Equal(StationErrorKind.Conflict, again.Error!.Kind);
        Assert.Equal($"task {waiting.Id} has already ended (cancelled); nothing to cancel", again.Error.Message);
        Assert.Equal("dispatched", _h.View(task.Id).State);
    }

    [Fact]
    public async Task Notifier_EveryUpdate_IsCommittedBeforeItIsAnnounced()
    {
        var mismatches = new List<string>();
        int updates = 0;
        using var subscription = _h.Notifier.Subscribe(u =>
        {
            Interlocked.Increment(ref updates);
            using var c = _h.Db.Open();
            var stored = c.ExecuteScalar<string>("SELECT state FROM tasks WHERE id=@id", new { id = u.Task.Id });
            if (stored != u.Task.State) lock (mismatches) mismatches.Add($"task {u.Task.Id}: announced {u.Task.State}, stored {stored}");
        });

        var first = await _h.SubmitOk(Hold("disks/sdb"));
        var second = await _h.SubmitOk(Hold("disks/sdb"), Bob);
        await _h.Engine.EndAsync(first.Id, TaskState.Succeeded, null, null).WaitAsync(Limit);
        await _h.Engine.CancelAsync(second.Id, Bob).WaitAsync(Limit);

        Assert.True(updates >= 4, $"only {updates} updates");
        Assert.Empty(mismatches);
    }
}
