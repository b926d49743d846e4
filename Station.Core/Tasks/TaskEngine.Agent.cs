using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Store;

namespace Ccdsvm.Station.Core.Tasks;

public sealed partial class TaskEngine
{
    /// <summary>Persist live progress at most this often; stage changes and log lines are kept at once.</summary>
    private static readonly TimeSpan ProgressPersistInterval = TimeSpan.FromSeconds(1);

    /// <summary>Finds an active task that belongs to <paramref name="unitId"/>: an agent may only report its own tasks.</summary>
    private ActiveTask? OwnTask(string unitId, long taskId) =>
        _active.TryGetValue(taskId, out var a) && a.Row.Target == unitId ? a : null;

    /// <summary>Kind, state and parameters of an active task that runs on <paramref name="unitId"/>; null for any other task.</summary>
    public (string Kind, string State, string Parameters)? ActiveOn(string unitId, long taskId)
    {
        lock (_gate) return OwnTask(unitId, taskId) is { } a ? (a.Row.Kind, a.Row.State, a.Row.Parameters) : null;
    }

    public void OnStarted(string unitId, TaskStarted started)
    {
        lock (_gate)
        {
            if (OwnTask(unitId, started.TaskId) is not { } a) return;
            a.Row.State = TaskState.Running.ToApi();
            a.Row.StartedAt ??= StoreTime.Format(started.At);
            a.Row.DedicatedThread = started.DedicatedThread ? 1 : 0;
            a.Row.Stage = "running";
            using var tx = _db.BeginTransaction();
            TaskStore.Update(_db, tx, a.Row);
            TaskStore.Event(_db, tx, a.Row.Id, started.At, "state", a.Row.State, message: started.DedicatedThread ? "runs on a dedicated thread" : "runs as async work on the thread pool");
            tx.Commit();
        }
        Announce(started.TaskId);
    }

    public void OnProgress(string unitId, TaskProgress progress)
    {
        lock (_gate)
        {
            if (OwnTask(unitId, progress.TaskId) is not { } a) return;
            bool stageChanged = a.Row.StageIndex != progress.StageIndex;
            a.Row.Progress = Math.Clamp(progress.Fraction, 0, 1);
            a.Row.Stage = progress.Stage ?? a.Row.Stage;
            a.Row.StageIndex = progress.StageIndex;
            if (a.Row.State == TaskState.Dispatched.ToApi()) a.Row.State = TaskState.Running.ToApi();
            var now = Now;
            if (stageChanged || progress.LogLines.Count > 0 || now - a.LastPersisted >= ProgressPersistInterval)
            {
                using var tx = _db.BeginTransaction();
                TaskStore.Update(_db, tx, a.Row);
                if (stageChanged) TaskStore.Event(_db, tx, a.Row.Id, progress.At, "stage", progress: a.Row.Progress, stage: a.Row.Stage);
                foreach (var line in progress.LogLines.Take(100))
                    TaskStore.Event(_db, tx, a.Row.Id, progress.At, "log", message: line.Length > 2000 ? line[..2000] : line);
                tx.Commit();
                a.LastPersisted = now;
            }
        }
        Announce(progress.TaskId, progress.LogLines);
    }

    /// <summary>Staged release: frees the locks tied to the finished stage and starts tasks waiting for them.</summary>
    public Task OnStageDoneAsync(string unitId, TaskStageDone done)
    {
        IReadOnlyList<long> granted;
        lock (_gate)
        {
            if (OwnTask(unitId, done.TaskId) is not { } a) return Task.CompletedTask;
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
        Announce(done.TaskId);
        AfterGrant(granted);
        return Task.CompletedTask;
    }

    public Task OnResultAsync(string unitId, TaskResult result)
    {
        string owner, kind;
        lock (_gate)
        {
            if (OwnTask(unitId, result.TaskId) is not { } a)
            {
                RecordLateResult(unitId, result);
                return Task.CompletedTask;
            }
            (owner, kind) = (a.Row.Owner, a.Row.Kind);
        }
        // The unit checked the station's ticket and its own policy, and said no: a security decision.
        if (result.Outcome == TaskOutcome.Failed && UnitRefusal.Is(result.Error))
            _tickets.RecordRefusal(owner, unitId, result.TaskId, kind, result.Error!);
        var (state, error) = result.Outcome switch
        {
            TaskOutcome.Succeeded => (TaskState.Succeeded, (string?)null),
            TaskOutcome.Cancelled => (TaskState.Cancelled, result.Error ?? "cancelled"),
            TaskOutcome.Interrupted => (TaskState.Interrupted, result.Error ?? "stopped by the unit"),
            _ => (TaskState.Failed, result.Error ?? "failed without a message"),
        };
        return EndAsync(result.TaskId, state, result.ResultJson, error);
    }

    /// <summary>Ends a task: final state, slot and locks given back, waiters queued for dispatch. Never waits for an agent.</summary>
    public Task EndAsync(long taskId, TaskState state, string? resultJson, string? error)
    {
        IReadOnlyList<long> granted;
        Audit.AuditEntry ended;
        lock (_gate)
        {
            if (!_active.Remove(taskId, out var a)) return Task.CompletedTask;
            var now = Now;
            a.Row.State = state.ToApi();
            a.Row.Result = resultJson;
            a.Row.Error = error;
            a.Row.EndedAt = StoreTime.Format(now);
            if (state == TaskState.Succeeded) a.Row.Progress = 1;
            a.Row.Stage = state switch
            {
                TaskState.Succeeded => "done",
                TaskState.Cancelled => "cancelled",
                TaskState.Interrupted => "interrupted",
                _ => "failed",
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
                state == TaskState.Succeeded ? Audit.AuditOutcomes.Succeeded : Audit.AuditOutcomes.Failed, error is null ? a.Row.State : $"{a.Row.State}: {error}");
            MarkGranted(tx, granted, now);
            tx.Commit();
            LogEnded(taskId, a.Row.State, error ?? "");
        }
        _access.Audit.Publish(ended);
        Announce(taskId);
        AfterGrant(granted);
        return Task.CompletedTask;
    }

    /// <summary>Cancels a task: at once when it has not reached its agent, otherwise by asking the agent.</summary>
    public async Task<Outcome<TaskView>> CancelAsync(long taskId, Caller caller)
    {
        string target;
        bool atAgent;
        Audit.AuditEntry cancelled;
        lock (_gate)
        {
            if (!_active.TryGetValue(taskId, out var a))
            {
                var ended = TaskStore.Get(_db, taskId);
                if (ended is null || !CanSee(caller, ended)) return StationError.NotFound($"task {taskId} does not exist");
                return StationError.Conflict($"task {taskId} has already ended ({ended.State}); nothing to cancel");
            }
            if (a.Row.Owner != caller.Name && !_access.Allows(caller, ResourcePath.Unit(a.Row.Target), Security.Privileges.TasksCancelAny))
            {
                if (!CanSee(caller, a.Row)) return StationError.NotFound($"task {taskId} does not exist");
                _access.Audit.Write(caller.Name, "task.cancel", $"task {taskId} {a.Row.Kind} on {a.Row.Target}", Audit.AuditOutcomes.Refused, $"belongs to {a.Row.Owner}; lacks {Security.Privileges.TasksCancelAny}");
                return StationError.Forbidden($"task {taskId} belongs to {a.Row.Owner}; only they or someone with {Security.Privileges.TasksCancelAny} on {ResourcePath.Unit(a.Row.Target)} may cancel it");
            }
            target = a.Row.Target;
            // A kind the station runs itself ends here at once; its executor hears the end and stops.
            atAgent = a.Row.State is TaskStateNames.Dispatched or TaskStateNames.Running && !_stationExecutors.ContainsKey(a.Row.Kind) && _units.ConnectionOf(target) is not null;
            a.CancelRequested = true;
            TaskStore.Event(_db, null, taskId, Now, "cancelRequested", message: $"{caller.Name} asked to cancel");
            cancelled = _access.Audit.Write(_db, null, caller.Name, "task.cancel", $"task {taskId} {a.Row.Kind} on {a.Row.Target}", Audit.AuditOutcomes.Allowed, a.Row.Owner == caller.Name ? null : "owned by " + a.Row.Owner);
        }
        _access.Audit.Publish(cancelled);
        if (atAgent)
        {
            _orders.Cancel(target, taskId);
            Announce(taskId, [$"cancel requested by {caller.Name}"]);
        }
        else
        {
            await EndAsync(taskId, TaskState.Cancelled, null, $"cancelled by {caller.Name}").ConfigureAwait(false);
        }
        return View(taskId)!;
    }

    /// <summary>An agent (re)connected: reattach the tasks it still runs, and stop those the station has given up on.</summary>
    public Task OnAnnounceAsync(string unitId, IReadOnlyList<RunningTaskInfo> running)
    {
        var stale = new List<long>();
        var reattached = new List<long>();
        List<long> resend;
        lock (_gate)
        {
            var claimed = running.Select(r => r.TaskId).ToHashSet();
            resend = SendAgainUnclaimed(unitId, claimed);
            foreach (var r in running)
            {
                if (OwnTask(unitId, r.TaskId) is not { } a) { stale.Add(r.TaskId); continue; }
                if (a.Deadline is null) continue;
                a.Deadline = null;
                a.DeadlineReason = null;
                a.Row.State = TaskState.Running.ToApi();
                a.Row.Stage = r.Stage ?? "running";
                TaskStore.Update(_db, null, a.Row);
                TaskStore.Event(_db, null, a.Row.Id, Now, "reattached", a.Row.State, message: $"unit '{unitId}' reported the task still running; reattached");
                reattached.Add(a.Row.Id);
            }
        }
        foreach (var id in reattached) Announce(id);
        foreach (var id in stale) _orders.Cancel(unitId, id);
        foreach (var id in resend) Announce(id);
        _orders.Granted(resend);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The unit's tasks waiting for it (restored, or unreachable) that it does not report running: it never
    /// received their order, or it ended them while the station did not hear. They are sent again with a fresh
    /// ticket; the unit runs an order it never received and answers one it knows from its record.
    /// </summary>
    private List<long> SendAgainUnclaimed(string unitId, HashSet<long> claimed)
    {
        var resend = new List<long>();
        var now = Now;
        foreach (var a in _active.Values)
        {
            if (a.Row.Target != unitId || a.Deadline is null || claimed.Contains(a.Row.Id) || a.CancelRequested) continue;
            if (a.Row.State is not (TaskStateNames.Dispatched or TaskStateNames.Running) || _stationExecutors.ContainsKey(a.Row.Kind)) continue;
            a.Deadline = null;
            a.DeadlineReason = null;
            a.Received = false;
            a.LastPersisted = now;
            a.Row.State = TaskState.Dispatched.ToApi();
            a.Row.Stage = "dispatched to " + unitId + " again";
            TaskStore.Update(_db, null, a.Row);
            TaskStore.Event(_db, null, a.Row.Id, now, "resent", a.Row.State, message: $"unit '{unitId}' is back and does not report the task running; its order is sent again (the unit runs it only if it never received it)");
            resend.Add(a.Row.Id);
        }
        return resend;
    }

    /// <summary>An agent's connection dropped: its tasks keep slots and locks for the grace period.</summary>
    public void OnUnitLost(string unitId)
    {
        var touched = new List<long>();
        lock (_gate)
        {
            var now = Now;
            foreach (var a in _active.Values.Where(a => a.Row.Target == unitId && a.Row.State is TaskStateNames.Dispatched or TaskStateNames.Running))
            {
                (a.Deadline, a.DeadlineReason) = LostDeadline(unitId, now);
                a.Row.Stage = $"running (unit unreachable since {now:HH:mm:ss} UTC)";
                TaskStore.Event(_db, null, a.Row.Id, now, "unitUnreachable", stage: a.Row.Stage);
                touched.Add(a.Row.Id);
            }
        }
        foreach (var id in touched) Announce(id);
    }

    private void MarkGranted(Microsoft.Data.Sqlite.SqliteTransaction tx, IReadOnlyList<long> granted, DateTimeOffset now)
    {
        foreach (var id in granted)
        {
            if (!_active.TryGetValue(id, out var w)) continue;
            w.Row.State = TaskState.Dispatched.ToApi();
            w.Row.Stage = "dispatched to " + w.Row.Target;
            TaskStore.GrantLocks(_db, tx, id, now);
            TaskStore.Update(_db, tx, w.Row);
            TaskStore.Event(_db, tx, id, now, "state", w.Row.State, message: "locks granted");
        }
    }

    /// <summary>Announces tasks a release granted and queues their orders: the caller (often an agent's hub call) never signs or sends them.</summary>
    private void AfterGrant(IReadOnlyList<long> granted)
    {
        if (granted.Count == 0) return;
        foreach (var id in granted) Announce(id);
        _orders.Granted(granted);
    }
}
