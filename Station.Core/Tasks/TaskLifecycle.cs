using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// What happens to an admitted task until it ends: started, progress, a stage done (with the staged release of its
/// locks), its result and its end. Each change is committed under the write gate before it is announced; the
/// waiters a release grants are queued to the <see cref="OrderDispatcher"/>, so no caller waits for an agent.
/// </summary>
internal sealed class TaskLifecycle
{
    /// <summary>Persist live progress at most this often; stage changes and log lines are kept at once.</summary>
    private static readonly TimeSpan ProgressPersistInterval = TimeSpan.FromSeconds(1);

    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly TaskWriter _writer;
    private readonly TaskTable _table;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly LockManager _locks;
    private readonly TaskAnnouncer _announcer;
    private readonly OrderDispatcher _orders;
    private readonly UnitLeases _leases;
    private readonly UnitTickets _tickets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StationMetrics? _metrics;

    private readonly Audit.AuditLog _audit;

    public TaskLifecycle(object gate, SqliteConnection db, TaskWriter writer, TaskTable table, LockManager locks, TaskAnnouncer announcer,
        OrderDispatcher orders, UnitLeases leases, UnitTickets tickets, Audit.AuditLog audit, TimeProvider time, ILogger logger, StationMetrics? metrics = null)
    {
        _metrics = metrics;
        _audit = audit;
        _gate = gate;
        _db = db;
        _writer = writer;
        _table = table;
        _active = table.Active;
        _locks = locks;
        _announcer = announcer;
        _orders = orders;
        _leases = leases;
        _tickets = tickets;
        _time = time;
        _logger = logger;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Under the gate, outside a transaction: whether the writer connection's commits sync (FULL, its setting) or not (NORMAL).</summary>
    private void SyncOnCommit(bool full)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
        cmd.ExecuteNonQuery();
    }

    /// <summary>Kind, state and parameters of an active task that runs on <paramref name="unitId"/>; null for any other task.</summary>
    public (string Kind, string State, string Parameters)? ActiveOn(string unitId, long taskId)
    {
        lock (_gate) return _table.OwnedBy(unitId, taskId) is { } a ? (a.Row.Kind, a.Row.State.ToApi(), a.Row.Parameters) : null;
    }

    public void OnStarted(string unitId, TaskStarted started)
    {
        lock (_gate)
        {
            if (_table.OwnedBy(unitId, started.TaskId) is not { } a) return;
            a.Row.State = TaskState.Running;
            a.Row.StartedAt ??= StoreTime.Format(started.At);
            a.Row.DedicatedThread = started.DedicatedThread ? 1 : 0;
            a.Row.Stage = TaskState.Running.ToApi();
            using var tx = _db.BeginTransaction();
            TaskStore.Update(_db, tx, a.Row);
            TaskStore.Event(_db, tx, a.Row.Id, started.At, "state", a.Row.State, message: started.DedicatedThread ? "runs on a dedicated thread" : "runs as async work on the thread pool");
            tx.Commit();
        }
        _announcer.Announce(started.TaskId);
    }

    public void OnProgress(string unitId, TaskProgress progress)
    {
        lock (_gate)
        {
            if (_table.OwnedBy(unitId, progress.TaskId) is not { } a) return;
            bool stageChanged = a.Row.StageIndex != progress.StageIndex;
            a.Row.Progress = Math.Clamp(progress.Fraction, 0, 1);
            a.Row.Stage = progress.Stage ?? a.Row.Stage;
            a.Row.StageIndex = progress.StageIndex;
            if (a.Row.State == TaskState.Dispatched) a.Row.State = TaskState.Running;
            // The link down (a mid station's uplink ran it as a task there): kept once, as a "relayed" event.
            var relayed = progress.RelayedTo is { } to && to != a.Row.RelayedTo ? to : null;
            if (relayed is not null) a.Row.RelayedTo = relayed;
            var now = Now;
            bool kept = stageChanged || relayed is not null || progress.LogLines.Count > 0;
            if (kept || now - a.LastPersisted >= ProgressPersistInterval)
            {
                // A tick of progress alone is written without its own sync (the next synced commit or checkpoint takes it to
                // disk): after a power cut a task shows the fraction of a moment earlier and its unit reports again. One
                // fsync per running task per second under the engine's gate was what the agents' reports queued behind.
                if (!kept) SyncOnCommit(full: false);
                try
                {
                    using var tx = _db.BeginTransaction();
                    TaskStore.Update(_db, tx, a.Row);
                    if (relayed is not null) TaskStore.Relayed(_db, tx, a.Row.Id, progress.At, relayed);
                    if (stageChanged) TaskStore.Event(_db, tx, a.Row.Id, progress.At, "stage", progress: a.Row.Progress, stage: a.Row.Stage);
                    foreach (var line in progress.LogLines.Take(100))
                        TaskStore.Event(_db, tx, a.Row.Id, progress.At, "log", message: line.Length > 2000 ? line[..2000] : line);
                    tx.Commit();
                }
                finally
                {
                    if (!kept) SyncOnCommit(full: true);
                }
                a.LastPersisted = now;
            }
        }
        _announcer.Announce(progress.TaskId, progress.LogLines);
    }

    /// <summary>Staged release: frees the locks tied to the finished stage and starts tasks waiting for them.</summary>
    public Task OnStageDoneAsync(string unitId, TaskStageDone done)
    {
        IReadOnlyList<long> granted;
        lock (_gate)
        {
            if (_table.OwnedBy(unitId, done.TaskId) is not { } a) return Task.CompletedTask;
            var before = _locks.RemainingPlan(a.Row.Id);
            var now = Now;
            granted = _locks.Release(a.Row.Id, done.Stage, now);
            var released = before.Select(r => r.Resource).Except(_locks.RemainingPlan(a.Row.Id).Select(r => r.Resource)).ToList();
            using var tx = _db.BeginTransaction();
            TaskStore.DeleteLocks(_db, tx, a.Row.Id, released);
            TaskStore.Event(_db, tx, a.Row.Id, done.At, "stageDone", stage: $"stage {done.Stage} done",
                message: released.Count == 0 ? null : "released " + string.Join(", ", released));
            MarkGranted(tx, granted, now);
            tx.Commit();
        }
        _announcer.Announce(done.TaskId);
        AfterGrant(granted);
        return Task.CompletedTask;
    }

    public Task OnResultAsync(string unitId, TaskResult result)
    {
        string owner, kind;
        lock (_gate)
        {
            if (_table.OwnedBy(unitId, result.TaskId) is not { } a)
            {
                _leases.RecordLateResult(unitId, result);
                return Task.CompletedTask;
            }
            (owner, kind) = (a.Row.Owner, a.Row.Kind);
        }
        if (result.Outcome == TaskOutcome.Succeeded && kind == TaskKinds.DataMove) _metrics?.DataMoved(unitId, MovedBytes(result.ResultJson));
        // The unit checked the station's ticket and its own policy, and said no: a security decision.
        if (result.Outcome == TaskOutcome.Failed && result.ErrorKind == TaskErrorKind.Refused)
            _tickets.RecordRefusal(owner, unitId, result.TaskId, kind, result.Error!);
        var (state, error) = result.Outcome switch
        {
            TaskOutcome.Succeeded => (TaskState.Succeeded, (string?)null),
            TaskOutcome.Cancelled => (TaskState.Cancelled, result.Error ?? TaskState.Cancelled.ToApi()),
            TaskOutcome.Interrupted => (TaskState.Interrupted, result.Error ?? "stopped by the unit"),
            _ => (TaskState.Failed, result.Error ?? "failed without a message"),
        };
        return EndAsync(result.TaskId, state, result.ResultJson, error, result.ErrorKind);
    }

    /// <summary>
    /// Ends a task: final state, slot and locks given back, waiters queued for dispatch. Never waits for an agent.
    /// <paramref name="errorKind"/> says why it did not succeed; left None, the end state says it.
    /// </summary>
    public Task EndAsync(long taskId, TaskState state, string? resultJson, string? error, TaskErrorKind errorKind = TaskErrorKind.None)
    {
        IReadOnlyList<long> granted;
        Audit.AuditEntry ended;
        lock (_gate)
        {
            if (!_active.Remove(taskId, out var a)) return Task.CompletedTask;
            var now = Now;
            a.Row.State = state;
            a.Row.Result = resultJson;
            a.Row.Error = error;
            a.Row.ErrorKind = TaskErrorKindExtensions.ForEnd(state, errorKind);
            a.Row.EndedAt = StoreTime.Format(now);
            if (state == TaskState.Succeeded) a.Row.Progress = 1;
            a.Row.Stage = state switch
            {
                TaskState.Succeeded => "done",
                TaskState.Cancelled or TaskState.Interrupted => state.ToApi(),
                _ => TaskState.Failed.ToApi(),
            };
            int slot = (int)(a.Row.Slot ?? -1);
            a.Row.Slot = null;
            _table.FreeSlot(slot, a.Row.Owner);
            granted = _locks.Remove(taskId, now);
            using var tx = _db.BeginTransaction();
            TaskStore.Update(_db, tx, a.Row);
            TaskStore.DeleteLocks(_db, tx, taskId);
            TaskStore.Event(_db, tx, taskId, now, "state", a.Row.State, a.Row.Progress, a.Row.Stage, error);
            ended = _writer.InsertAudit(tx, StoreTime.Format(now), a.Row.Owner, "task.end", $"task {taskId} {a.Row.Kind} on {a.Row.Target}",
                Audit.AuditOutcomes.OfEnd(state), EndDetail(a.Row.State, error));
            MarkGranted(tx, granted, now);
            tx.Commit();
            _metrics?.Ended(a.Row.Kind, state);
            // The end line is logged inside the task's end span, so it carries the task's trace (not the hub call's).
            StationTelemetry.Record("task.end", a.Row.SpanSubject, state: a.Row.State.ToApi(), inside: () =>
            {
                using (_logger.BeginTaskScope(taskId, a.Row.Target))
                    TaskLog.LogEnded(_logger, taskId, a.Row.State.ToApi(), error ?? "");
            });
        }
        _audit.Publish(ended);
        _announcer.Announce(taskId);
        AfterGrant(granted);
        return Task.CompletedTask;
    }

    /// <summary>The bytes a data.move result reports (its <c>bytes</c>), 0 when it says none.</summary>
    private static long MovedBytes(string? resultJson)
    {
        if (string.IsNullOrEmpty(resultJson)) return 0;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(resultJson);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("bytes", out var bytes) && bytes.TryGetInt64(out var n) ? n : 0;
        }
        catch (System.Text.Json.JsonException) { return 0; }
    }

    /// <summary>The end line's detail: the state, and the error unless it only repeats the state ("cancelled: cancelled").</summary>
    private static string EndDetail(TaskState state, string? error) =>
        error is null || error == state.ToApi() ? state.ToApi() : $"{state.ToApi()}: {error}";

    /// <summary>Waiters a release granted are dispatched: their locks, rows and events, in the release's transaction. Under the gate.</summary>
    public void MarkGranted(SqliteTransaction tx, IReadOnlyList<long> granted, DateTimeOffset now)
    {
        foreach (var id in granted)
        {
            if (!_active.TryGetValue(id, out var w)) continue;
            w.Row.State = TaskState.Dispatched;
            w.Row.Stage = "dispatched to " + w.Row.Target;
            // The wait from admission to this grant, as a span of the task's trace and a sample of the wait histogram.
            var since = StoreTime.Parse(w.Row.CreatedAt);
            _metrics?.LockGranted(w.Row.Kind, now - since);
            StationTelemetry.Record("task.lock_wait", w.Row.SpanSubject, since);
            TaskStore.GrantLocks(_db, tx, id, now);
            TaskStore.Update(_db, tx, w.Row);
            TaskStore.Event(_db, tx, id, now, "state", w.Row.State, message: "locks granted");
        }
    }

    /// <summary>Announces tasks a release granted and queues their orders: the caller (often an agent's hub call) never signs or sends them.</summary>
    public void AfterGrant(IReadOnlyList<long> granted)
    {
        if (granted.Count == 0) return;
        foreach (var id in granted) _announcer.Announce(id);
        _orders.Granted(granted);
    }
}
