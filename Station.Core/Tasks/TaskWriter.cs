using Ccdsvm.Station.Core.Locks;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Statements for the admission hot path on the engine's single writer connection: a task row, its lock
/// plan and its first event. They are prepared once on the connection's native handle and bound by
/// position, because per-execution name lookups and parameter binding in the ADO.NET layer cost more
/// than the inserts themselves (see docs/BENCHMARKS.md). They run inside the caller's open transaction.
/// </summary>
internal sealed class TaskWriter : IDisposable
{
    private const int MaxRowsPerLockInsert = 8;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insertTask;
    private readonly sqlite3_stmt _insertEvent;
    private readonly sqlite3_stmt _insertAudit;
    // One prepared multi-row INSERT per plan size: a plan's locks cost one statement, not one each.
    private readonly Dictionary<int, sqlite3_stmt> _insertLocks = [];

    public TaskWriter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the writer connection is not open");
        _insertTask = Prepare("""
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, progress, stage, stage_index, stage_count, idempotency_key, wait_seconds, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, 0, ?9, ?10, ?11, ?12)
            """);
        _insertEvent = Prepare("INSERT INTO task_events(task_id, at, type, state, progress, stage, message) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)");
        _insertAudit = Prepare("INSERT INTO audit(at, actor, action, target, outcome, detail, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)");
    }

    public void InsertTask(SqliteTransaction tx, TaskRow t) => Run(tx, _insertTask,
        t.Id, t.Kind, t.Target, t.Owner, t.Parameters, t.Slot, t.State, t.Stage, t.StageCount, t.IdempotencyKey, t.WaitSeconds, t.CreatedAt);

    public void InsertLocks(SqliteTransaction tx, long taskId, IReadOnlyList<LockRequest> plan, bool granted, string at)
    {
        for (int offset = 0; offset < plan.Count; offset += MaxRowsPerLockInsert)
        {
            int n = Math.Min(MaxRowsPerLockInsert, plan.Count - offset);
            if (!_insertLocks.TryGetValue(n, out var stmt))
            {
                var rows = Enumerable.Range(0, n).Select(i => $"(?1, ?{5 + 3 * i}, ?{6 + 3 * i}, ?{7 + 3 * i}, ?2, ?3, ?4)");
                _insertLocks[n] = stmt = Prepare("INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at, granted_at) VALUES " + string.Join(", ", rows));
            }
            var values = new object?[4 + 3 * n];
            (values[0], values[1], values[2], values[3]) = (taskId, granted ? 1L : 0L, at, granted ? at : null);
            for (int i = 0; i < n; i++)
            {
                var r = plan[offset + i];
                (values[4 + 3 * i], values[5 + 3 * i], values[6 + 3 * i]) = (r.Resource, r.Mode.ToApi(), (long)r.ReleaseAfterStage);
            }
            Run(tx, stmt, values);
        }
    }

    public void InsertEvent(SqliteTransaction tx, long taskId, string at, string type, string? state, string? stage, string? message) =>
        Run(tx, _insertEvent, taskId, at, type, state, stage, message);

    /// <summary>An audit line in the same transaction as the change it records.</summary>
    public void InsertAudit(SqliteTransaction tx, string at, string actor, string action, string target, string outcome, string? detail) =>
        Run(tx, _insertAudit, at, actor, action, target, outcome, detail);

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out sqlite3_stmt stmt));
        return stmt;
    }

    private void Run(SqliteTransaction tx, sqlite3_stmt stmt, params object?[] values)
    {
        if (tx.Connection is null) throw new InvalidOperationException("the transaction has already ended");
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                int at = i + 1;
                Check(values[i] switch
                {
                    null => raw.sqlite3_bind_null(stmt, at),
                    string s => raw.sqlite3_bind_text(stmt, at, s),
                    long l => raw.sqlite3_bind_int64(stmt, at, l),
                    int n => raw.sqlite3_bind_int64(stmt, at, n),
                    double d => raw.sqlite3_bind_double(stmt, at, d),
                    var other => throw new ArgumentException($"cannot bind {other.GetType().Name}"),
                });
            }
            int rc = raw.sqlite3_step(stmt);
            if (rc != raw.SQLITE_DONE) Check(rc);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
            raw.sqlite3_clear_bindings(stmt);
        }
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
    }

    public void Dispose()
    {
        _insertTask.Dispose();
        _insertEvent.Dispose();
        _insertAudit.Dispose();
        foreach (var s in _insertLocks.Values) s.Dispose();
    }
}
