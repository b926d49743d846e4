using Ccdsvm.Shared.Contracts;
using System.Diagnostics;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Admission, the submitters' side: the submit queue, the leader that hands its batches to the <see cref="BatchCommit"/>,
/// the wait for the WAL sync that makes a batch durable, and the answers. A 202 means the task, its slot and its locks
/// are on disk; the order goes out on the <see cref="OrderDispatcher"/>, so no submitter waits for an agent.
/// </summary>
internal sealed class TaskAdmission : IDisposable
{
    private readonly object _queueGate = new();
    private readonly List<PendingSubmission> _queue = [];
    private bool _leaderActive;
    private readonly SubmissionCheck _check;
    private readonly BatchCommit _commit;
    private readonly TaskTable _table;
    private readonly TaskLifecycle _lifecycle;
    private readonly OrderDispatcher _orders;
    private readonly TaskNotifier _notifier;
    private readonly ILogger _logger;
    // File stores only: admission batches commit without a sync of their own, and are answered once the WAL is synced.
    private readonly WalFlush? _walFlush;
    private readonly AdmissionFlusher? _flusher;

    private readonly Audit.AuditLog _audit;
    private readonly StoreSpace _space;
    private readonly StationMetrics? _metrics;
    private readonly Units.NetAddressBook? _addresses;

    public TaskAdmission(SubmissionCheck check, BatchCommit commit, WalFlush? walFlush, TaskTable table, TaskLifecycle lifecycle,
        OrderDispatcher orders, TaskNotifier notifier, Audit.AuditLog audit, ILogger logger, StoreSpace space, StationMetrics? metrics = null,
        Units.NetAddressBook? addresses = null)
    {
        _addresses = addresses;
        _metrics = metrics;
        _space = space;
        _audit = audit;
        _check = check;
        _commit = commit;
        _walFlush = walFlush;
        _table = table;
        _lifecycle = lifecycle;
        _orders = orders;
        _notifier = notifier;
        _logger = logger;
        if (walFlush is not null) _flusher = new AdmissionFlusher(this);
    }

    /// <summary>
    /// Admits a task: validates it, takes the lowest free slot, commits it with its lock plan, and dispatches
    /// it if the plan was granted. Concurrent submitters share one commit (group commit): the first becomes
    /// the leader and commits everything queued meanwhile; nobody hears 202 before their task is on disk,
    /// and nobody waits for the order to reach the agent.
    /// </summary>
    public async Task<Outcome<TaskView>> SubmitAsync(SubmitTask request, Caller caller)
    {
        long started = Stopwatch.GetTimestamp();
        // A child of the REST call (or whatever submits); its traceparent is stored with the task for the spans that follow.
        using var admit = StationTelemetry.Source.StartActivity("task.admit");
        admit?.SetTag(StationTelemetry.KindTag, request.Kind).SetTag(StationTelemetry.UnitIdTag, request.Target);
        var checkedRequest = _check.Check(request, caller);
        if (!checkedRequest.Ok) return checkedRequest.Error!;
        // A nearly full store refuses new work before it takes a slot, keeping room for what already runs.
        if (_space.Shortage() is { } shortage) return StationError.StoreUnavailable(shortage);
        var (definition, target, parametersJson, plan, parameters, ticketResources) = checkedRequest.Value!;
        var pending = new PendingSubmission(definition, target, parametersJson, plan, caller, string.IsNullOrEmpty(request.IdempotencyKey) ? null : request.IdempotencyKey, request.WaitSeconds,
            StationTelemetry.TraceParentOf(admit ?? Activity.Current))
        {
            Parameters = parameters, TicketResources = ticketResources,
            // Read before the batch's transaction: the fleet's addresses come from the store and the unit registry.
            Warnings = NetDuplicates.Warnings(definition.Kind, target, parameters, _addresses, unit => _check.MaySee(caller, unit)),
        };

        bool lead;
        lock (_queueGate)
        {
            _queue.Add(pending);
            lead = !_leaderActive;
            _leaderActive = true;
        }
        if (lead) LeadCommits();

        var outcome = await pending.Done.Task.ConfigureAwait(false);
        if (!outcome.Ok) return outcome.Error!;
        var (view, row, granted, existing, order) = outcome.Value!;
        admit?.SetTag(StationTelemetry.TaskIdTag, row.Id);
        if (existing) return view;
        _metrics?.Admitted(row.Kind, Stopwatch.GetElapsedTime(started), !granted);
        using (_logger.BeginTaskScope(row.Id, row.Target))
            TaskLog.LogAdmitted(_logger, row.Id, row.Kind, row.Target, row.Owner, row.Slot ?? -1, granted);
        if (_notifier.SubscriberCount > 0) _notifier.Publish(new TaskUpdate(view, []));
        // Committed and durable: the send happens on the unit's dispatch worker, never on the submitter's thread.
        if (granted) _orders.Order(row, order);
        return view;
    }

    /// <summary>
    /// The leader's loop: takes everything queued, commits it as one batch, and repeats until the queue is
    /// empty. On a file store the batch's commit writes the WAL without syncing it; when more submissions wait,
    /// the sync and the answers go to the flusher and the leader writes the next batch while the disk works.
    /// </summary>
    private void LeadCommits()
    {
        while (true)
        {
            PendingSubmission[] batch;
            lock (_queueGate)
            {
                if (_queue.Count == 0)
                {
                    _leaderActive = false;
                    return;
                }
                batch = [.. _queue];
                _queue.Clear();
            }
            var committed = _commit.Commit(batch);
            if (committed.DurableAt == 0)
            {
                Answer(committed);
                continue;
            }
            bool more;
            lock (_queueGate)
            {
                more = _queue.Count > 0;
                // Nobody waits: stop leading, and wait for this batch's sync here (a newcomer leads meanwhile).
                if (!more) _leaderActive = false;
            }
            if (!more)
            {
                Answer(committed);
                return;
            }
            _flusher!.Add(committed);
        }
    }

    /// <summary>Waits until the batch is on disk, then gives every submitter of the batch its answer.</summary>
    public void Answer(CommittedBatch c)
    {
        var failure = c.Failure;
        if (failure is null && c.DurableAt > 0)
        {
            try
            {
                _walFlush!.WaitDurable(c.DurableAt);
                if (c.AdmittedIds.Length > 0) _table.MarkDurable(c.AdmittedIds.Max());
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Committed but not known to be on disk: nobody hears 202 and nothing is sent, and the tasks end failed
                // with the reason, so no slot or lock stays with a task nobody was told about.
                TaskLog.LogSyncFailed(_logger, ex);
                failure = ex;
                foreach (var id in c.AdmittedIds) _ = EndUnsyncedAsync(id, ex);
            }
        }
        // The batch's audit lines (starts, refusals) go to the live audit log once they are on disk.
        if (failure is null) _audit.Announce(c.Audits);
        TaskView[]? views = null;
        ReadyOrder?[]? orders = null;
        if (c.Work is not null)
        {
            // After a failed commit the work's result is not used, but it is waited for: it runs on this batch's rows.
            try { (views, orders) = c.Work.Join(); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { failure ??= ex; }
        }
        for (int i = 0; i < c.Batch.Length; i++)
        {
            if (failure is not null)
            {
                // A full disk is the station's state, not a bug: the submitters hear 503 with what to do, and nothing was saved.
                if (StoreSpace.IsDiskFull(failure)) c.Batch[i].Done.TrySetResult(StationError.StoreUnavailable(_space.FullMessage()));
                else c.Batch[i].Done.TrySetException(failure);
                continue;
            }
            var result = c.Results[i];
            if (c.BuiltAt[i] >= 0)
            {
                int k = c.BuiltAt[i];
                result = new AdmittedSubmission(views![k], c.Work!.Tasks[k].Row, true, false, orders?[k]);
            }
            c.Batch[i].Done.TrySetResult(result);
        }
    }

    private async Task EndUnsyncedAsync(long taskId, Exception cause)
    {
        try
        {
            await _lifecycle.EndAsync(taskId, TaskState.Failed, null, $"the station could not make the admission durable: {cause.Message}").ConfigureAwait(false);
            // Its end was written with a sync of its own: the failed task may be shown now.
            _table.MarkDurable(taskId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { TaskLog.LogSyncFailed(_logger, ex); }
    }

    /// <summary>Batches already handed to the flusher are still answered before the store closes.</summary>
    public void Dispose() => _flusher?.Dispose();
}
