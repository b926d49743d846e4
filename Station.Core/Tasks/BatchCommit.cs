using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Admission, the writer's side: one batch of submissions as one transaction on the engine's writer connection,
/// under the write gate. Each gets its idempotent repeat, a quota or limit refusal, or the lowest free slot, its
/// lock plan, its row, first event and audit line. On a file store the commit leaves the sync to the WAL flush.
/// </summary>
internal sealed class BatchCommit
{
    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly TaskWriter _writer;
    private readonly WalFlush? _walFlush;
    private readonly TaskTable _table;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly int _maxTasks;
    private readonly LockManager _locks;
    private readonly TaskQueries _queries;
    private readonly TaskSender _sender;
    private readonly IOrderPreparer? _preparer;
    private readonly StationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public BatchCommit(object gate, SqliteConnection db, TaskWriter writer, WalFlush? walFlush, TaskTable table, LockManager locks,
        TaskQueries queries, TaskSender sender, IOrderPreparer? preparer, StationOptions options, TimeProvider time, ILogger logger)
    {
        _gate = gate;
        _db = db;
        _writer = writer;
        _walFlush = walFlush;
        _table = table;
        _active = table.Active;
        _maxTasks = table.MaxTasks;
        _locks = locks;
        _queries = queries;
        _sender = sender;
        _preparer = preparer;
        _options = options;
        _time = time;
        _logger = logger;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Writes a batch as one transaction under the write gate; on failure nothing of it stays, on disk or in memory.</summary>
    public CommittedBatch Commit(PendingSubmission[] batch)
    {
        var results = new Outcome<AdmittedSubmission>[batch.Length];
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
                for (int i = 0; i < batch.Length; i++)
                    if (batch[i].Warnings is { } warnings && outcomes[i].Ok && !outcomes[i].Value.Existing)
                        foreach (var warning in warnings)
                            TaskStore.Event(_db, null, outcomes[i].Value.Row.Id, now, TaskStore.WarningEvent, message: warning);
                var granted = new List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)>();
                var checkedAs = new List<PendingSubmission>();
                for (int i = 0; i < batch.Length; i++)
                {
                    builtAt[i] = -1;
                    if (!outcomes[i].Ok) { results[i] = outcomes[i].Error!; continue; }
                    var (row, isGranted, existing, plan) = outcomes[i].Value;
                    if (isGranted && !existing)
                    {
                        builtAt[i] = granted.Count;
                        granted.Add((row.Clone(), plan!));
                        checkedAs.Add(batch[i]);
                    }
                    else results[i] = new AdmittedSubmission(_queries.ToView(row), row.Clone(), isGranted, existing);
                }
                // Granted tasks' views and signed orders need nothing shared: on a file store a pool thread builds them
                // while the disk syncs the batch (in memory there is no wait to hide, and Answer builds them inline);
                // nothing is sent before the commit is on disk.
                if (granted.Count > 0)
                {
                    work = new AdmittedWork(_sender, granted, checkedAs, now);
                    if (_walFlush is not null) ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
                }
                _writer.Commit();
                audits = _writer.TakeCommittedAudits();
                if (_walFlush is not null) durableAt = _walFlush.Written();
                else _table.MarkDurable(_table.LastId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failure = ex;
                try { _writer.RollbackIfOpen(); }
                catch (Exception rollback) when (rollback is not OutOfMemoryException) { TaskLog.LogRollbackFailed(_logger, rollback); }
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

    /// <summary>One submission inside the open batch transaction: the row, whether its plan was granted, whether it already existed (idempotency), and its plan as the lock manager holds it.</summary>
    private Outcome<(TaskRow, bool, bool, IReadOnlyList<LockRequest>?)> AdmitOne(PendingSubmission p, DateTimeOffset now, string at, List<(TaskRow, bool)> admitted)
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
        if (mine >= _options.EffectiveMaxTasksPerUser)
            return StationError.TooMany($"you already run {mine} tasks, the limit per user is {_options.EffectiveMaxTasksPerUser}; wait for one to end or cancel one");

        int slot = _table.LowestFreeSlot;
        var row = new TaskRow
        {
            Id = ++_table.LastId, Kind = p.Definition.Kind, Target = p.Target, Owner = p.Caller.Name, Parameters = p.ParametersJson, Slot = slot,
            StageCount = p.Definition.StageCount, IdempotencyKey = p.IdempotencyKey, WaitSeconds = p.WaitSeconds, CreatedAt = at,
            TraceParent = p.TraceParent,
        };
        bool granted = _locks.Request(row.Id, p.Plan, now);
        row.State = granted ? TaskState.Dispatched : TaskState.WaitingForLocks;
        row.Stage = granted ? "dispatched to " + p.Target : "waiting for locks";
        _table.TakeSlot(slot, row.Owner);
        _active[row.Id] = new ActiveTask(row) { LastPersisted = now };
        admitted.Add((row, granted));

        _writer.QueueTask(row);
        var plan = _locks.RemainingPlan(row.Id);
        _writer.QueueLocks(row.Id, plan, granted, at);
        _writer.QueueFirstEvent(row.Id, at, "submitted", row.State.ToApi(), row.Stage, $"{p.Caller.Name} submitted {row.Kind} on {p.Target} into slot {slot}");
        _writer.QueueAudit(at, p.Caller.Name, "task.start", $"task {row.Id} {row.Kind} on {p.Target}", Audit.AuditOutcomes.Allowed, null);
        return (row, granted, false, plan);
    }

    /// <summary>The writer connection's <c>PRAGMA synchronous</c> (2 = FULL) between transactions.</summary>
    public long WriterSynchronous()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "PRAGMA synchronous";
            return (long)cmd.ExecuteScalar()!;
        }
    }
}
