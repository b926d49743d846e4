using Ccdsvm.Station.Core.Locks;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Statements for the admission hot path on the engine's single writer connection: the transaction itself,
/// a task row, its lock plan, its first event and its audit line. They are prepared once on the connection's
/// native handle and bound by position, because per-execution name lookups and parameter binding in the
/// ADO.NET layer cost more than the inserts themselves (see docs/BENCHMARKS.md). Admission opens its
/// transaction here (<see cref="Begin"/>, <see cref="Commit"/>) rather than through
/// <see cref="SqliteConnection.BeginTransaction()"/>, which prepares BEGIN and COMMIT again on every call;
/// the statements then run inside it. <see cref="InsertAudit(SqliteTransaction, string, string, string, string, string, string?)"/>
/// also runs inside an ADO.NET transaction for the engine's other transitions.
/// </summary>
internal sealed class TaskWriter : IDisposable
{
    private const int MaxRowsPerLockInsert = 8;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;
    private readonly sqlite3_stmt _insertTask;
    private readonly sqlite3_stmt _insertEvent;
    private readonly sqlite3_stmt _insertAudit;
    // One prepared multi-row INSERT per plan size: a plan's locks cost one statement, not one each.
    private readonly Dictionary<int, sqlite3_stmt> _insertLocks = [];
    // Whether the transaction begun by Begin is still open (a failed COMMIT leaves it open until RollbackIfOpen).
    private bool _open;

    public TaskWriter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the writer connection is not open");
        // IMMEDIATE, as Microsoft.Data.Sqlite's serializable transactions: the write lock is taken at BEGIN.
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _insertTask = Prepare("""
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, progress, stage, stage_index, stage_count, idempotency_key, wait_seconds, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, 0, ?9, ?10, ?11, ?12)
            """);
        _insertEvent = Prepare("INSERT INTO task_events(task_id, at, type, state, progress, stage, message) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)");
        _insertAudit = Prepare("INSERT INTO audit(at, actor, action, target, outcome, detail, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)");
    }

    /// <summary>Whether a transaction is open on the connection (begun here or through ADO.NET).</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(_db) == 0;

    public void Begin()
    {
        if (InTransaction) throw new InvalidOperationException("a transaction is already open on the writer connection");
        Step(_begin);
        _open = true;
    }

    /// <summary>Commits the transaction begun by <see cref="Begin"/>; with synchronous=FULL it is on disk when this returns.</summary>
    public void Commit()
    {
        Step(_commit);
        _open = false;
    }

    /// <summary>Rolls back whatever is still open (after a failed statement or a failed commit); does nothing otherwise.</summary>
    public void RollbackIfOpen()
    {
        _open = false;
        if (InTransaction) Step(_rollback);
    }

    public void InsertTask(TaskRow t)
    {
        var s = Open(_insertTask);
        BindInt(s, 1, t.Id);
        BindText(s, 2, t.Kind);
        BindText(s, 3, t.Target);
        BindText(s, 4, t.Owner);
        BindText(s, 5, t.Parameters);
        BindInt(s, 6, t.Slot);
        BindText(s, 7, t.State);
        BindText(s, 8, t.Stage);
        BindInt(s, 9, t.StageCount);
        BindText(s, 10, t.IdempotencyKey);
        BindReal(s, 11, t.WaitSeconds);
        BindText(s, 12, t.CreatedAt);
        Step(s);
    }

    public void InsertLocks(long taskId, IReadOnlyList<LockRequest> plan, bool granted, string at)
    {
        for (int offset = 0; offset < plan.Count; offset += MaxRowsPerLockInsert)
        {
            int n = Math.Min(MaxRowsPerLockInsert, plan.Count - offset);
            if (!_insertLocks.TryGetValue(n, out var stmt))
            {
                var rows = Enumerable.Range(0, n).Select(i => $"(?1, ?{5 + 3 * i}, ?{6 + 3 * i}, ?{7 + 3 * i}, ?2, ?3, ?4)");
                _insertLocks[n] = stmt = Prepare("INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at, granted_at) VALUES " + string.Join(", ", rows));
            }
            var s = Open(stmt);
            BindInt(s, 1, taskId);
            BindInt(s, 2, granted ? 1L : 0L);
            BindText(s, 3, at);
            BindText(s, 4, granted ? at : null);
            for (int i = 0; i < n; i++)
            {
                var r = plan[offset + i];
                BindText(s, 5 + 3 * i, r.Resource);
                BindText(s, 6 + 3 * i, r.Mode.ToApi());
                BindInt(s, 7 + 3 * i, r.ReleaseAfterStage);
            }
            Step(s);
        }
    }

    public void InsertEvent(long taskId, string at, string type, string? state, string? stage, string? message)
    {
        var s = Open(_insertEvent);
        BindInt(s, 1, taskId);
        BindText(s, 2, at);
        BindText(s, 3, type);
        BindText(s, 4, state);
        BindText(s, 5, stage);
        BindText(s, 6, message);
        Step(s);
    }

    /// <summary>An audit line in the same transaction as the change it records (begun by <see cref="Begin"/>).</summary>
    public void InsertAudit(string at, string actor, string action, string target, string outcome, string? detail)
    {
        var s = Open(_insertAudit);
        BindText(s, 1, at);
        BindText(s, 2, actor);
        BindText(s, 3, action);
        BindText(s, 4, target);
        BindText(s, 5, outcome);
        BindText(s, 6, detail);
        Step(s);
    }

    /// <summary>An audit line inside an ADO.NET transaction on the same connection.</summary>
    public void InsertAudit(SqliteTransaction tx, string at, string actor, string action, string target, string outcome, string? detail)
    {
        if (tx.Connection is null) throw new InvalidOperationException("the transaction has already ended");
        InsertAudit(at, actor, action, target, outcome, detail);
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out sqlite3_stmt stmt));
        return stmt;
    }

    /// <summary>An insert runs only inside an open transaction: outside one it would commit on its own.</summary>
    private sqlite3_stmt Open(sqlite3_stmt stmt) =>
        _open || InTransaction ? stmt : throw new InvalidOperationException("the transaction has already ended");

    private void BindText(sqlite3_stmt s, int at, string? value) =>
        Bound(s, value is null ? raw.sqlite3_bind_null(s, at) : raw.sqlite3_bind_text(s, at, value));

    private void BindInt(sqlite3_stmt s, int at, long value) => Bound(s, raw.sqlite3_bind_int64(s, at, value));

    private void BindInt(sqlite3_stmt s, int at, long? value) =>
        Bound(s, value is { } v ? raw.sqlite3_bind_int64(s, at, v) : raw.sqlite3_bind_null(s, at));

    private void BindReal(sqlite3_stmt s, int at, double? value) =>
        Bound(s, value is { } v ? raw.sqlite3_bind_double(s, at, v) : raw.sqlite3_bind_null(s, at));

    /// <summary>A failed bind leaves the statement clean for its next use before throwing.</summary>
    private void Bound(sqlite3_stmt s, int rc)
    {
        if (rc == raw.SQLITE_OK) return;
        raw.sqlite3_clear_bindings(s);
        Check(rc);
    }

    /// <summary>Runs a bound statement to its end, then resets it and clears its bindings (no string stays pinned).</summary>
    private void Step(sqlite3_stmt s)
    {
        int rc = raw.sqlite3_step(s);
        SqliteException? failure = rc is raw.SQLITE_DONE or raw.SQLITE_ROW ? null
            : new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
        raw.sqlite3_reset(s);
        raw.sqlite3_clear_bindings(s);
        if (failure is not null) throw failure;
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
    }

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _insertTask.Dispose();
        _insertEvent.Dispose();
        _insertAudit.Dispose();
        foreach (var s in _insertLocks.Values) s.Dispose();
    }
}
