using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Store;

namespace Ccdsvm.Station.Core.Tasks;

public sealed partial class TaskEngine
{
    private readonly object _queueGate = new();
    private readonly List<Pending> _queue = [];
    private bool _leaderActive;

    /// <summary>What the leader hands back: the committed task as a view and a copy of its row, so followers need not take the monitor again.</summary>
    private sealed record Admitted(TaskView View, TaskRow Row, bool Granted, bool Existing, ReadyOrder? Order = null);

    private sealed record Pending(TaskKindDefinition Definition, string Target, string ParametersJson, IReadOnlyList<LockRequest> Plan,
        Caller Caller, string? IdempotencyKey, double? WaitSeconds)
    {
        public TaskCompletionSource<Outcome<Admitted>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Admits a task: validates it, takes the lowest free slot, commits it with its lock plan, and dispatches
    /// it if the plan was granted. Concurrent submitters share one commit (group commit): the first becomes
    /// the leader and commits everything queued meanwhile; nobody hears 202 before their task is on disk,
    /// and nobody waits for the order to reach the agent.
    /// </summary>
    public async Task<Outcome<TaskView>> SubmitAsync(SubmitTask request, Caller caller)
    {
        var checkedRequest = Check(request, caller);
        if (!checkedRequest.Ok) return checkedRequest.Error!;
        var (definition, target, parametersJson, plan) = checkedRequest.Value!;
        var pending = new Pending(definition, target, parametersJson, plan, caller, string.IsNullOrEmpty(request.IdempotencyKey) ? null : request.IdempotencyKey, request.WaitSeconds);

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
        if (existing) return view;
        LogAdmitted(row.Id, row.Kind, row.Target, row.Owner, row.Slot ?? -1, granted);
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
            Pending[] batch;
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
            var committed = CommitBatch(batch);
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

    /// <summary>
    /// A committed batch waiting for its answers: what each submission gets, the granted tasks' views and orders
    /// being built, the failure if the batch did not commit, and the WAL commit to wait for (0: nothing to wait for).
    /// </summary>
    private sealed record CommittedBatch(Pending[] Batch, Outcome<Admitted>[] Results, int[] BuiltAt, AdmittedWork? Work, Exception? Failure, long DurableAt,
        long[] AdmittedIds, IReadOnlyList<Audit.WrittenAudit> Audits);

    private CommittedBatch CommitBatch(Pending[] batch)
    {
        var results = new Outcome<Admitted>[batch.Length];
        // Index into the overlapped work's tasks of each granted submission of the batch (-1: none).
        var builtAt = new int[batch.Length];
        AdmittedWork? work = null;
        var admitted = new List<(TaskRow Row, bool Granted)>(batch.Length);
        Exception? failure = null;
        long durableAt = 0;
        IReadOnlyList<Audit.WrittenAudit> audits = [];
        var now = Now;
        string at = StoreTime.Format(now);
        lock (_gate)
        {
            try
            {
                // The writer's own BEGIN IMMEDIATE/COMMIT: the same transaction as SqliteConnection.BeginTransaction, without preparing them again each time.
                // On a file store the commit leaves the sync to the WAL flush, outside the monitor.
                _writer.Begin(deferSync: _walFlush is not null);
                var outcomes = new Outcome<(TaskRow Row, bool Granted, bool Existing, IReadOnlyList<LockRequest>? Plan)>[batch.Length];
                for (int i = 0; i < batch.Length; i++)
                    outcomes[i] = AdmitOne(batch[i], now, at, admitted);
                _writer.Flush();
                var granted = new List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)>();
                for (int i = 0; i < batch.Length; i++)
                {
                    builtAt[i] = -1;
                    if (!outcomes[i].Ok) { results[i] = outcomes[i].Error!; continue; }
                    var (row, isGranted, existing, plan) = outcomes[i].Value;
                    if (isGranted && !existing)
                    {
                        builtAt[i] = granted.Count;
                        granted.Add((row.Clone(), plan!));
                    }
                    else results[i] = new Admitted(ToView(row), row.Clone(), isGranted, existing);
                }
                // Granted tasks' views and signed orders need nothing shared: on a file store a pool thread builds them
                // while the disk syncs the batch (in memory there is no wait to hide, and Answer builds them inline);
                // nothing is sent before the commit is on disk.
                if (granted.Count > 0)
                {
                    work = new AdmittedWork(this, granted, now);
                    if (_walFlush is not null) ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
                }
                _writer.Commit();
                audits = _writer.TakeCommittedAudits();
                if (_walFlush is not null) durableAt = _walFlush.Written();
                else MarkDurable(_table.LastId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failure = ex;
                try { _writer.RollbackIfOpen(); }
                catch (Exception rollback) when (rollback is not OutOfMemoryException) { LogRollbackFailed(rollback); }
                // Nothing of the batch reached the disk: undo it in memory too.
                foreach (var (row, _) in admitted)
                {
                    _locks.Remove(row.Id, now);
                    _active.Remove(row.Id);
                    _table.FreeSlot((int)row.Slot!, row.Owner);
                }
            }
        }
        long[] admittedIds = failure is null ? [.. admitted.Select(a => a.Row.Id)] : [];
        return new CommittedBatch(batch, results, builtAt, work, failure, durableAt, admittedIds, failure is null ? audits : []);
    }

    /// <summary>Waits until the batch is on disk, then gives every submitter of the batch its answer.</summary>
    private void Answer(CommittedBatch c)
    {
        var failure = c.Failure;
        if (failure is null && c.DurableAt > 0)
        {
            try
            {
                _walFlush!.WaitDurable(c.DurableAt);
                if (c.AdmittedIds.Length > 0) MarkDurable(c.AdmittedIds.Max());
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Committed but not known to be on disk: nobody hears 202 and nothing is sent, and the tasks end failed
                // with the reason, so no slot or lock stays with a task nobody was told about.
                LogSyncFailed(ex);
                failure = ex;
                foreach (var id in c.AdmittedIds) _ = EndUnsyncedAsync(id, ex);
            }
        }
        // The batch's audit lines (starts, refusals) go to the live audit log once they are on disk.
        if (failure is null) _access.Audit.Announce(c.Audits);
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
            if (failure is not null) { c.Batch[i].Done.TrySetException(failure); continue; }
            var result = c.Results[i];
            if (c.BuiltAt[i] >= 0)
            {
                int k = c.BuiltAt[i];
                result = new Admitted(views![k], c.Work!.Tasks[k].Row, true, false, orders?[k]);
            }
            c.Batch[i].Done.TrySetResult(result);
        }
    }

    private async Task EndUnsyncedAsync(long taskId, Exception cause)
    {
        try
        {
            await EndAsync(taskId, TaskState.Failed, null, $"the station could not make the admission durable: {cause.Message}").ConfigureAwait(false);
            // Its end was written with a sync of its own: the failed task may be shown now.
            MarkDurable(taskId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { LogSyncFailed(ex); }
    }

    /// <summary>One submission inside the open batch transaction: the row, whether its plan was granted, whether it already existed (idempotency), and its plan as the lock manager holds it.</summary>
    private Outcome<(TaskRow, bool, bool, IReadOnlyList<LockRequest>?)> AdmitOne(Pending p, DateTimeOffset now, string at, List<(TaskRow, bool)> admitted)
    {
        if (p.IdempotencyKey is { } key)
        {
            TaskRow? again = null;
            foreach (var (r, _) in admitted)
                if (r.Owner == p.Caller.Name && r.IdempotencyKey == key) { again = r; break; }
            // Inside the writer's open transaction (begun on the native handle, so ADO.NET takes no transaction object).
            again ??= TaskStore.ByIdempotencyKey(_db, null, p.Caller.Name, key);
            if (again is not null) return (again, false, true, null);
        }
        // After the idempotency check: a retried submit gets its task back even when what it named is used up.
        if (_preparer?.CheckSubmit(p.Definition.Kind, p.ParametersJson, p.Caller, _table.Rows) is { } refusal)
        {
            if (refusal.Kind == StationErrorKind.Forbidden)
                _writer.QueueAudit(at, p.Caller.Name, "task.submit " + p.Definition.Kind, p.Target, Audit.AuditOutcomes.Refused, refusal.Message);
            return refusal;
        }
        if (_active.Count >= _maxTasks)
            return StationError.TooMany($"task list is full: {_active.Count} of {_maxTasks} slots in use; wait for a task to end or cancel one");
        int mine = _table.CountOf(p.Caller.Name);
        if (mine >= MaxTasksPerUser)
            return StationError.TooMany($"you already run {mine} tasks, the limit per user is {MaxTasksPerUser}; wait for one to end or cancel one");

        int slot = _table.LowestFreeSlot;
        var row = new TaskRow
        {
            Id = ++_table.LastId, Kind = p.Definition.Kind, Target = p.Target, Owner = p.Caller.Name, Parameters = p.ParametersJson, Slot = slot,
            StageCount = p.Definition.StageCount, IdempotencyKey = p.IdempotencyKey, WaitSeconds = p.WaitSeconds, CreatedAt = at,
        };
        bool granted = _locks.Request(row.Id, p.Plan, now);
        row.State = (granted ? TaskState.Dispatched : TaskState.WaitingForLocks).ToApi();
        row.Stage = granted ? "dispatched to " + p.Target : "waiting for locks";
        _table.TakeSlot(slot, row.Owner);
        _active[row.Id] = new ActiveTask(row) { LastPersisted = now };
        admitted.Add((row, granted));

        _writer.QueueTask(row);
        var plan = _locks.RemainingPlan(row.Id);
        _writer.QueueLocks(row.Id, plan, granted, at);
        _writer.QueueFirstEvent(row.Id, at, "submitted", row.State, row.Stage, $"{p.Caller.Name} submitted {row.Kind} on {p.Target} into slot {slot}");
        _writer.QueueAudit(at, p.Caller.Name, "task.start", $"task {row.Id} {row.Kind} on {p.Target}", Audit.AuditOutcomes.Allowed, null);
        return (row, granted, false, plan);
    }
}
