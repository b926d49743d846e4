using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Store;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Leases, receipts and late results: what lets the station hand a cut-off unit's locks on safely, send again an
/// order its unit never received, and keep what a unit reports after the station gave its task up.
/// </summary>
public sealed partial class TaskEngine
{
    /// <summary>Per unit: when the station last renewed its lease (its clock) and for how long.</summary>
    private readonly Dictionary<string, (DateTimeOffset LastContact, int Seconds)> _leases = new(StringComparer.Ordinal);

    /// <summary>
    /// Renews a unit's lease: granted for what it asks (0: the longest), at most <see cref="StationOptions.MaxLeaseSeconds"/>, so the
    /// lease always ends before a restored task's grace does. The station counts it from now, the agent from when
    /// it sent the request (earlier), so the station's view of the end is never before the agent's.
    /// </summary>
    public LeaseGrant OnLeaseRenewed(string unitId, LeaseRequest request)
    {
        int seconds = request.LeaseSeconds <= 0 ? _options.MaxLeaseSeconds : Math.Clamp(request.LeaseSeconds, 1, _options.MaxLeaseSeconds);
        var now = Now;
        lock (_gate) _leases[unitId] = (now, seconds);
        return new LeaseGrant(seconds, now);
    }

    /// <summary>The unit received an order: it is not sent again by the receipt timer.</summary>
    public void OnOrderReceived(string unitId, OrderReceipt receipt)
    {
        lock (_gate)
        {
            if (OwnTask(unitId, receipt.TaskId) is { } a) a.Received = true;
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

    /// <summary>
    /// A result for a task that is no longer active. When the task was interrupted (the station gave it up and
    /// handed its locks on) the result is kept: its JSON in the task's result, and a "lateResult" event saying what
    /// the unit reported and when. The state stays interrupted: others may have held its locks since, so the task did
    /// not have them throughout. Other ended tasks ignore repeats of their result.
    /// </summary>
    private void RecordLateResult(string unitId, TaskResult result)
    {
        Audit.AuditEntry late;
        lock (_gate)
        {
            var row = TaskStore.Get(_db, result.TaskId);
            if (row is null || row.Target != unitId || row.State != TaskState.Interrupted.ToApi()) return;
            if (TaskStore.Events(_db, row.Id, 0).Any(e => e.Type == "lateResult")) return;
            string outcome = result.Outcome switch
            {
                TaskOutcome.Succeeded => "succeeded",
                TaskOutcome.Cancelled => "cancelled",
                TaskOutcome.Interrupted => "stopped",
                _ => "failed",
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
        _access.Audit.Publish(late);
        Announce(result.TaskId);
    }
}
