using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Store;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// A unit's connection as its tasks see it: leases, order receipts, a reconnect (reattach what it still runs, send
/// again what it never received, stop what the station gave up), a lost connection (the grace before its locks go
/// on), and results that come after the station gave a task up. What lets the station hand a cut-off unit's locks
/// on safely.
/// </summary>
internal sealed class UnitLeases
{
    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly TaskWriter _writer;
    private readonly TaskTable _table;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly Dictionary<string, IStationExecutor> _stationExecutors;
    private readonly TaskAnnouncer _announcer;
    private readonly OrderDispatcher _orders;
    private readonly StationOptions _options;
    private readonly TimeProvider _time;
    /// <summary>Per unit: when the station last renewed its lease (its clock) and for how long.</summary>
    // Concurrent, outside the engine's gate: every connected unit renews every few seconds, and a renewal must not
    // queue behind admission or recovery work (10,000 units renew 2,000 times a second).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset LastContact, int Seconds)> _leases = new(StringComparer.Ordinal);

    private readonly Audit.AuditLog _audit;

    public UnitLeases(object gate, SqliteConnection db, TaskWriter writer, TaskTable table, Dictionary<string, IStationExecutor> stationExecutors,
        TaskAnnouncer announcer, OrderDispatcher orders, Audit.AuditLog audit, StationOptions options, TimeProvider time)
    {
        _audit = audit;
        _gate = gate;
        _db = db;
        _writer = writer;
        _table = table;
        _active = table.Active;
        _stationExecutors = stationExecutors;
        _announcer = announcer;
        _orders = orders;
        _options = options;
        _time = time;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Renews a unit's lease: granted for what it asks (0: the longest), at most <see cref="StationOptions.MaxLeaseSeconds"/>, so the
    /// lease always ends before a restored task's grace does. The station counts it from now, the agent from when
    /// it sent the request (earlier), so the station's view of the end is never before the agent's.
    /// </summary>
    public LeaseGrant OnLeaseRenewed(string unitId, LeaseRequest request)
    {
        int seconds = request.LeaseSeconds <= 0 ? _options.MaxLeaseSeconds : Math.Clamp(request.LeaseSeconds, 1, _options.MaxLeaseSeconds);
        var now = Now;
        _leases[unitId] = (now, seconds);
        return new LeaseGrant(seconds, now);
    }

    /// <summary>The unit received an order: it is not sent again by the receipt timer.</summary>
    public void OnOrderReceived(string unitId, OrderReceipt receipt)
    {
        lock (_gate)
        {
            if (_table.OwnedBy(unitId, receipt.TaskId) is { } a) a.Received = true;
        }
    }

    /// <summary>
    /// When a lost unit's tasks give their locks back, and the words the task ends with: the lease end plus the
    /// margin after the last contact, never before the grace.
    /// </summary>
    private (DateTimeOffset Deadline, string Reason) LostDeadline(string unitId, DateTimeOffset now)
    {
        var graceEnd = now.AddSeconds(_options.RecoveryGraceSeconds);
        string head = $"unit '{unitId}' became unreachable at {now:HH:mm:ss} UTC";
        string waited = $"did not report the task within {_options.RecoveryGraceSeconds} s";
        if (!_leases.TryGetValue(unitId, out var lease)) return (graceEnd, $"{head} and {waited}; locks released");
        var leaseEnd = lease.LastContact.AddSeconds(lease.Seconds);
        var afterLease = leaseEnd.AddSeconds(_options.EffectiveLeaseMarginSeconds);
        return (afterLease > graceEnd ? afterLease : graceEnd,
            $"{head} (last contact {lease.LastContact:HH:mm:ss} UTC) and {waited}; its lease ended at {leaseEnd:HH:mm:ss} UTC, locks released");
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
                if (_table.OwnedBy(unitId, r.TaskId) is not { } a) { stale.Add(r.TaskId); continue; }
                if (a.Deadline is null) continue;
                a.Deadline = null;
                a.DeadlineReason = null;
                a.Row.State = TaskState.Running;
                a.Row.Stage = r.Stage ?? TaskState.Running.ToApi();
                TaskStore.Update(_db, null, a.Row);
                TaskStore.Event(_db, null, a.Row.Id, Now, "reattached", a.Row.State, message: $"unit '{unitId}' reported the task still running; reattached");
                reattached.Add(a.Row.Id);
            }
        }
        foreach (var id in reattached) _announcer.Announce(id);
        foreach (var id in stale) _orders.Cancel(unitId, id);
        foreach (var id in resend) _announcer.Announce(id);
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
            if (!_table.Reaches(unitId, a.Row.Target) || a.Deadline is null || claimed.Contains(a.Row.Id) || a.CancelRequested) continue;
            if (a.Row.State is not (TaskState.Dispatched or TaskState.Running) || _stationExecutors.ContainsKey(a.Row.Kind)) continue;
            a.Deadline = null;
            a.DeadlineReason = null;
            a.Received = false;
            a.LastPersisted = now;
            a.Row.State = TaskState.Dispatched;
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
            foreach (var a in _active.Values.Where(a => _table.Reaches(unitId, a.Row.Target) && a.Row.State is TaskState.Dispatched or TaskState.Running))
            {
                (a.Deadline, a.DeadlineReason) = LostDeadline(unitId, now);
                a.Row.Stage = $"running (unit unreachable since {now:HH:mm:ss} UTC)";
                TaskStore.Event(_db, null, a.Row.Id, now, "unitUnreachable", stage: a.Row.Stage);
                touched.Add(a.Row.Id);
            }
        }
        foreach (var id in touched) _announcer.Announce(id);
    }

    /// <summary>
    /// A result for a task that is no longer active. When the task was interrupted (the station gave it up and
    /// handed its locks on) the result is kept: its JSON in the task's result, and a "lateResult" event saying what
    /// the unit reported and when. The state stays interrupted: others may have held its locks since, so the task did
    /// not have them throughout. Other ended tasks ignore repeats of their result.
    /// </summary>
    public void RecordLateResult(string unitId, TaskResult result)
    {
        Audit.AuditEntry late;
        lock (_gate)
        {
            var row = TaskStore.Get(_db, result.TaskId);
            if (row is null || !_table.Reaches(unitId, row.Target) || row.State != TaskState.Interrupted) return;
            if (TaskStore.Events(_db, row.Id, 0).Any(e => e.Type == "lateResult")) return;
            string outcome = result.Outcome switch
            {
                TaskOutcome.Succeeded => TaskState.Succeeded.ToApi(),
                TaskOutcome.Cancelled => TaskState.Cancelled.ToApi(),
                TaskOutcome.Interrupted => "stopped",
                _ => TaskState.Failed.ToApi(),
            };
            string message = $"unit '{unitId}' reported the task {outcome} at {result.At:HH:mm:ss} UTC{(result.Error is null ? "" : $" ({result.Error})")}, " +
                "after it was interrupted; the state stays interrupted because its locks had been released";
            if (result.ResultJson is not null) row.Result = result.ResultJson;
            var now = Now;
            using var tx = _db.BeginTransaction();
            TaskStore.Update(_db, tx, row);
            TaskStore.Event(_db, tx, row.Id, now, "lateResult", row.State, message: message);
            late = _writer.InsertAudit(tx, StoreTime.Format(now), row.Owner, "task.late-result", $"task {row.Id} {row.Kind} on {row.Target}", result.Outcome == TaskOutcome.Succeeded ? Audit.AuditOutcomes.Succeeded : Audit.AuditOutcomes.Failed, message);
            tx.Commit();
        }
        _audit.Publish(late);
        _announcer.Announce(result.TaskId);
    }
}
