using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Locks;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Statements for the admission hot path on the engine's single writer connection: the transaction itself,
/// the task rows of a batch, their lock plans, first events and audit lines. They are prepared once on the
/// connection's native handle and bound by position, because per-execution name lookups and parameter binding
/// in the ADO.NET layer cost more than the inserts themselves (see docs/BENCHMARKS.md). A batch queues its rows
/// and writes each table with multi-row INSERTs (<see cref="Flush"/>). Admission opens its transaction here
/// (<see cref="Begin"/>, <see cref="Commit"/>) rather than through <see cref="SqliteConnection.BeginTransaction()"/>,
/// which prepares BEGIN and COMMIT again on every call.
/// <see cref="InsertAudit(SqliteTransaction, string, string, string, string, string, string?)"/> writes an audit
/// line inside an ADO.NET transaction for the engine's other transitions. Audit rows take their statement, columns
/// and length rule from <see cref="AuditWriter"/>; the lines a batch wrote are handed back once it committed
/// (<see cref="TakeCommittedAudits"/>), for the engine to announce.
/// </summary>
internal sealed partial class TaskWriter : IDisposable
{
    private const int MaxRowsPerInsert = 16;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;
    private readonly sqlite3_stmt _syncNormal;
    private readonly sqlite3_stmt _syncFull;
    private readonly sqlite3_stmt _insertAudit;
    // A batch's rows of each table go in multi-row INSERTs of up to MaxRowsPerInsert rows, one statement prepared per row count.
    private readonly MultiInsert _tasks;
    private readonly MultiInsert _locks;
    private readonly MultiInsert _events;
    private readonly MultiInsert _audits;
    // What the open batch will write at Flush, in order.
    private readonly List<TaskRow> _pendingTasks = [];
    private readonly List<(long TaskId, LockRequest Lock, bool Granted, string At)> _pendingLocks = [];
    private readonly List<(long TaskId, string At, string Type, string? State, string? Stage, string? Message)> _pendingEvents = [];
    private readonly List<AuditLine> _pendingAudits = [];
    // The audit lines the open transaction wrote, with their ids; handed out once it committed.
    private readonly List<WrittenAudit> _writtenAudits = [];
    private readonly List<WrittenAudit> _committedAudits = [];
    // Whether the transaction begun by Begin is still open (a failed COMMIT leaves it open until RollbackIfOpen).
    private bool _open;
    // Whether the open transaction commits without syncing (synchronous=NORMAL), to be synced by the caller.
    private bool _deferred;

    public TaskWriter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the writer connection is not open");
        // IMMEDIATE, as Microsoft.Data.Sqlite's serializable transactions: the write lock is taken at BEGIN.
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _syncNormal = Prepare("PRAGMA synchronous=NORMAL");
        _syncFull = Prepare("PRAGMA synchronous=FULL");
        _insertAudit = Prepare(AuditWriter.InsertSql(1));
        _tasks = new MultiInsert(this,
            "INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, progress, stage, stage_index, stage_count, idempotency_key, wait_seconds, created_at, trace_parent) VALUES ",
            13, b => $"(?{b + 1}, ?{b + 2}, ?{b + 3}, ?{b + 4}, ?{b + 5}, ?{b + 6}, ?{b + 7}, 0, ?{b + 8}, 0, ?{b + 9}, ?{b + 10}, ?{b + 11}, ?{b + 12}, ?{b + 13})");
        _locks = new MultiInsert(this,
            "INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at, granted_at) VALUES ",
            7, b => $"(?{b + 1}, ?{b + 2}, ?{b + 3}, ?{b + 4}, ?{b + 5}, ?{b + 6}, ?{b + 7})");
        _events = new MultiInsert(this,
            "INSERT INTO task_events(task_id, id, at, type, state, progress, stage, message) VALUES ",
            6, b => $"(?{b + 1}, 1, ?{b + 2}, ?{b + 3}, ?{b + 4}, NULL, ?{b + 5}, ?{b + 6})");
        _audits = new MultiInsert(this, AuditWriter.InsertSql, AuditWriter.ValuesPerRow);
    }

    /// <summary>Whether a transaction is open on the connection (begun here or through ADO.NET).</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(_db) == 0;

    /// <summary>
    /// Opens the writer's transaction. With <paramref name="deferSync"/> its COMMIT writes the WAL frames without
    /// syncing them (synchronous=NORMAL for this one transaction): the caller must have the WAL synced
    /// (<see cref="Store.WalFlush"/>) before it reports the commit as done. The connection's other transactions keep
    /// synchronous=FULL.
    /// </summary>
    public void Begin(bool deferSync = false)
    {
        if (InTransaction) throw new InvalidOperationException("a transaction is already open on the writer connection");
        // The safety level cannot change inside a transaction: it is set before BEGIN and restored after the end.
        if (deferSync) Step(_syncNormal);
        _deferred = deferSync;
        _writtenAudits.Clear();
        try { Step(_begin); }
        catch
        {
            RestoreSync();
            throw;
        }
        _open = true;
    }

    /// <summary>Commits the transaction begun by <see cref="Begin"/>; unless it was begun deferred, it is on disk when this returns.</summary>
    public void Commit()
    {
        Step(_commit);
        _open = false;
        _committedAudits.AddRange(_writtenAudits);
        _writtenAudits.Clear();
        RestoreSync();
    }

    /// <summary>The audit lines written by the transactions committed since the last call, oldest first.</summary>
    public IReadOnlyList<WrittenAudit> TakeCommittedAudits()
    {
        if (_committedAudits.Count == 0) return [];
        WrittenAudit[] written = [.. _committedAudits];
        _committedAudits.Clear();
        return written;
    }

    /// <summary>Rolls back whatever is still open (after a failed statement or a failed commit); does nothing otherwise.</summary>
    public void RollbackIfOpen()
    {
        _open = false;
        ClearPending();
        _writtenAudits.Clear();
        if (InTransaction) Step(_rollback);
        RestoreSync();
    }

    private void RestoreSync()
    {
        if (!_deferred) return;
        _deferred = false;
        Step(_syncFull);
    }

    // Admission queues its rows here while it decides each submission of a batch, then writes them all with Flush
    // before Commit: a batch costs a few multi-row statements, not four per task.

    public void QueueTask(TaskRow t) => _pendingTasks.Add(t);

    public void QueueLocks(long taskId, IReadOnlyList<LockRequest> plan, bool granted, string at)
    {
        foreach (var r in plan) _pendingLocks.Add((taskId, r, granted, at));
    }

    /// <summary>The first event of a task admitted in this batch: its id within the task is 1 (later events: <see cref="TaskStore.Event"/>).</summary>
    public void QueueFirstEvent(long taskId, string at, string type, string? state, string? stage, string? message) =>
        _pendingEvents.Add((taskId, at, type, state, stage, message));

    /// <summary>An audit line in the same transaction as the change it records, written at <see cref="Flush"/> in the order queued.</summary>
    public void QueueAudit(string at, string actor, string action, string target, string outcome, string? detail) =>
        _pendingAudits.Add(AuditWriter.Line(at, actor, action, target, outcome, detail));

    /// <summary>Writes what the batch queued inside the open transaction: tasks first (the other rows refer to them), then locks, events and audit lines.</summary>
    public void Flush()
    {
        try
        {
            _tasks.Write(_pendingTasks.Count, (s, b, i) =>
            {
                var t = _pendingTasks[i];
                BindInt(s, b + 1, t.Id);
                BindText(s, b + 2, t.Kind);
                BindText(s, b + 3, t.Target);
                BindText(s, b + 4, t.Owner);
                BindText(s, b + 5, t.Parameters);
                BindInt(s, b + 6, t.Slot);
                BindText(s, b + 7, Shared.Contracts.TaskStateExtensions.ToApi(t.State));
                BindText(s, b + 8, t.Stage);
                BindInt(s, b + 9, t.StageCount);
                BindText(s, b + 10, t.IdempotencyKey);
                BindReal(s, b + 11, t.WaitSeconds);
                BindText(s, b + 12, t.CreatedAt);
                BindText(s, b + 13, t.TraceParent);
            });
            _locks.Write(_pendingLocks.Count, (s, b, i) =>
            {
                var (taskId, r, granted, at) = _pendingLocks[i];
                BindInt(s, b + 1, taskId);
                BindText(s, b + 2, r.Resource);
                BindText(s, b + 3, r.Mode.ToApi());
                BindInt(s, b + 4, r.ReleaseAfterStage);
                BindInt(s, b + 5, granted ? 1L : 0L);
                BindText(s, b + 6, at);
                BindText(s, b + 7, granted ? at : null);
            });
            _events.Write(_pendingEvents.Count, (s, b, i) =>
            {
                var e = _pendingEvents[i];
                BindInt(s, b + 1, e.TaskId);
                BindText(s, b + 2, e.At);
                BindText(s, b + 3, e.Type);
                BindText(s, b + 4, e.State);
                BindText(s, b + 5, e.Stage);
                BindText(s, b + 6, e.Message);
            });
            _audits.Write(_pendingAudits.Count, (s, b, i) => AuditWriter.Bind(_pendingAudits[i], b + 1, (this, s), BindAuditValue),
                (offset, n) => Written(_pendingAudits, offset, n));
        }
        finally { ClearPending(); }
    }

    private void ClearPending()
    {
        _pendingTasks.Clear();
        _pendingLocks.Clear();
        _pendingEvents.Clear();
        _pendingAudits.Clear();
    }

    /// <summary>
    /// The rows <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="n"/> of <paramref name="lines"/> were
    /// just inserted by one statement: inside the transaction's write lock they took consecutive ids ending at the last insert's.
    /// </summary>
    private void Written(List<AuditLine> lines, int offset, int n)
    {
        long last = raw.sqlite3_last_insert_rowid(_db);
        for (int k = 0; k < n; k++) _writtenAudits.Add(new WrittenAudit(last - n + 1 + k, lines[offset + k]));
    }

    /// <summary>
    /// An audit line inside an ADO.NET transaction on the same connection, written now. The entry is returned for the
    /// caller to announce once that transaction committed (<see cref="AuditLog"/>'s notification).
    /// </summary>
    public AuditEntry InsertAudit(SqliteTransaction tx, string at, string actor, string action, string target, string outcome, string? detail)
    {
        if (tx.Connection is null) throw new InvalidOperationException("the transaction has already ended");
        var line = AuditWriter.Line(at, actor, action, target, outcome, detail);
        var s = Open(_insertAudit);
        AuditWriter.Bind(line, 1, (this, s), BindAuditValue);
        Step(s);
        return line.ToEntry(raw.sqlite3_last_insert_rowid(_db));
    }

    private static readonly Action<(TaskWriter Writer, sqlite3_stmt Statement), int, string?> BindAuditValue =
        static (w, at, value) => w.Writer.BindText(w.Statement, at, value);

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _syncNormal.Dispose();
        _syncFull.Dispose();
        _insertAudit.Dispose();
        _tasks.Dispose();
        _locks.Dispose();
        _events.Dispose();
        _audits.Dispose();
    }
}
