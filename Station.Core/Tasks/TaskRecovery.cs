using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Recovery and the clock: after a restart every unended task is back with its slot and locks; once a second,
/// tasks past their grace are interrupted, waits past their limit fail, locks released by another process are
/// released here too, and unacknowledged orders are sent again.
/// </summary>
internal sealed class TaskRecovery
{
    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly TaskTable _table;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly LockManager _locks;
    private readonly TaskQueries _queries;
    private readonly TaskLifecycle _lifecycle;
    private readonly OrderDispatcher _orders;
    private readonly UnitRegistry _units;
    private readonly Dictionary<string, IStationExecutor> _stationExecutors;
    private readonly StationOptions _options;
    private readonly TimeProvider _time;

    public TaskRecovery(object gate, SqliteConnection db, TaskTable table, LockManager locks, TaskQueries queries, TaskLifecycle lifecycle,
        OrderDispatcher orders, UnitRegistry units, Dictionary<string, IStationExecutor> stationExecutors, StationOptions options, TimeProvider time)
    {
        _gate = gate;
        _db = db;
        _table = table;
        _active = table.Active;
        _locks = locks;
        _queries = queries;
        _lifecycle = lifecycle;
        _orders = orders;
        _units = units;
        _stationExecutors = stationExecutors;
        _options = options;
        _time = time;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// After a restart: every unended task is back with its slot and locks before anything new is admitted.
    /// Tasks that had reached an agent wait for it to claim them within the grace period.
    /// </summary>
    public void Restore()
    {
        var now = Now;
        var rows = TaskStore.Active(_db);
        var locks = TaskStore.LocksOf(_db, rows.Select(r => r.Id)).ToLookup(l => l.TaskId);
        foreach (var row in rows)
        {
            // A bulk parent takes no slot and holds no lock: its rollout resumes it.
            if (row.Kind == Shared.Contracts.Bulk.BulkTasks.ParentKind) continue;
            // A browser transfer lives only as long as its HTTP request, which the restart ended.
            if (BrowserTransferKinds.Is(row.Kind)) { InterruptAtRestore(row, now, "the station restarted; the browser's request that streamed the file is gone"); continue; }
            if (row.Slot is not { } slot || !_table.IsFree((int)slot))
            {
                // The list shrank (MaxTasks lowered) or the slot is taken: keep the task, give it any free slot.
                if (_table.FreeSlotCount == 0) { InterruptAtRestore(row, now, "the task list has fewer slots after the restart"); continue; }
                row.Slot = _table.LowestFreeSlot;
            }
            _table.TakeSlot((int)row.Slot!, row.Owner);
            var active = new ActiveTask(row) { LastPersisted = now };
            var plan = locks[row.Id].ToList();
            if (plan.Count > 0)
            {
                var requests = plan.Select(l => new LockRequest(l.Resource, LockModes.FromApi(l.Mode), (int)l.ReleaseStage)).ToList();
                bool granted = plan.All(l => l.Granted == 1);
                _locks.Restore(row.Id, requests, granted, StoreTime.Parse(plan[0].RequestedAt), plan[0].GrantedAt is { } g ? StoreTime.Parse(g) : null);
            }
            if (row.State is TaskState.Dispatched or TaskState.Running)
            {
                // Safe without knowing the unit's lease: it was granted at most the grace less the margin, and its
                // last renewal came before this restart, so it has surely ended when the grace from now has passed.
                active.Deadline = now.AddSeconds(_options.RecoveryGraceSeconds);
                active.DeadlineReason = $"no unit claimed the task within {_options.RecoveryGraceSeconds} s after the station restarted";
                row.Stage = "recovering: waiting for the unit to report the task";
            }
            else if (row.State == TaskState.Queued)
            {
                row.State = TaskState.WaitingForLocks;
            }
            TaskStore.Update(_db, null, row);
            TaskStore.Event(_db, null, row.Id, now, "restored", row.State, message: "station restarted; task restored with its slot and locks");
            _active[row.Id] = active;
        }
    }

    private void InterruptAtRestore(TaskRow row, DateTimeOffset now, string reason)
    {
        row.State = TaskState.Interrupted;
        row.Error = reason;
        row.ErrorKind = TaskErrorKind.Interrupted;
        row.EndedAt = StoreTime.Format(now);
        row.Slot = null;
        TaskStore.Update(_db, null, row);
        using var tx = _db.BeginTransaction();
        TaskStore.DeleteLocks(_db, tx, row.Id);
        tx.Commit();
    }

    /// <summary>
    /// Locks released in the store by another process (see <see cref="LockMaintenance"/>) are released here
    /// too, and their waiters start. Returns the tasks granted as a result.
    /// </summary>
    private List<long> ReconcileExternalReleases(DateTimeOffset now)
    {
        var granted = new List<long>();
        var inStore = TaskStore.GrantedLockResources(_db).ToLookup(l => l.TaskId, l => l.Resource);
        foreach (var held in _locks.Held().GroupBy(h => h.TaskId))
        {
            var stored = inStore[held.Key].ToHashSet(StringComparer.Ordinal);
            var gone = held.Where(h => !stored.Contains(h.Resource)).Select(h => h.Resource).ToHashSet(StringComparer.Ordinal);
            if (gone.Count == 0) continue;
            granted.AddRange(_locks.ReleaseWhere(held.Key, r => gone.Contains(r.Resource), now));
        }
        if (granted.Count > 0)
        {
            using var tx = _db.BeginTransaction();
            _lifecycle.MarkGranted(tx, granted, now);
            tx.Commit();
        }
        return granted;
    }

    /// <summary>Called about once a second: interrupts unclaimed tasks past their grace, fails waits past their limit, starts grantable waiters.</summary>
    public async Task TickAsync()
    {
        IReadOnlyList<long> externallyGranted;
        lock (_gate) externallyGranted = ReconcileExternalReleases(Now);
        _lifecycle.AfterGrant(externallyGranted);

        var ends = new List<(long Id, TaskState State, string Reason, TaskErrorKind Kind)>();
        var pendingDispatch = new List<long>();
        lock (_gate)
        {
            var now = Now;
            foreach (var a in _active.Values)
            {
                if (a.Deadline is { } d && d <= now)
                    ends.Add((a.Row.Id, TaskState.Interrupted, a.DeadlineReason ?? "the unit did not report the task in time", TaskErrorKind.Interrupted));
                else if (a.Row.State == TaskState.WaitingForLocks && a.Row.WaitSeconds is { } w && StoreTime.Parse(a.Row.CreatedAt).AddSeconds(w) <= now)
                    ends.Add((a.Row.Id, TaskState.Failed, $"gave up after waiting {w:0.#} s for locks: {_queries.WaitingForText(a.Row.Id) ?? "locks were busy"}", TaskErrorKind.Timeout));
                else if (a.Row.State == TaskState.Dispatched && a.Deadline is null && !a.CancelRequested && !a.Received && !_stationExecutors.ContainsKey(a.Row.Kind)
                         && a.Row.StartedAt is null && now - a.LastPersisted > TimeSpan.FromSeconds(_options.OrderReceiptSeconds)
                         && _units.RouteConnectionOf(a.Row.Target) is not null)
                    pendingDispatch.Add(a.Row.Id);
            }
        }
        foreach (var (id, state, reason, kind) in ends) await _lifecycle.EndAsync(id, state, null, reason, kind).ConfigureAwait(false);
        if (pendingDispatch.Count > 0)
        {
            // An order the unit never acknowledged (lost in a reconnect): send it again; the unit answers a repeat from its record.
            lock (_gate) foreach (var id in pendingDispatch) if (_active.TryGetValue(id, out var a)) a.LastPersisted = Now;
            _orders.Granted(pendingDispatch);
        }
    }

    /// <summary>Starts waiters that became grantable (after a restore) and dispatches restored tasks whose locks were granted but never sent.</summary>
    public Task ResumeAfterRestoreAsync()
    {
        IReadOnlyList<long> granted;
        lock (_gate)
        {
            var now = Now;
            granted = _locks.Reexamine(now);
            using var tx = _db.BeginTransaction();
            _lifecycle.MarkGranted(tx, granted, now);
            tx.Commit();
        }
        _lifecycle.AfterGrant(granted);
        return Task.CompletedTask;
    }
}
