using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Locks;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>The writer's native statement plumbing: preparing, binding by position, stepping, and multi-row INSERTs.</summary>
internal sealed partial class TaskWriter
{
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

    /// <summary>A multi-row INSERT into one table, prepared once per row count (1 to <see cref="MaxRowsPerInsert"/>) and bound by position.</summary>
    private sealed class MultiInsert(TaskWriter writer, Func<int, string> sql, int perRow) : IDisposable
    {
        private readonly sqlite3_stmt?[] _byCount = new sqlite3_stmt?[MaxRowsPerInsert + 1];

        /// <param name="head">The INSERT up to VALUES.</param>
        /// <param name="row">A row's VALUES tuple of ?N parameters, given the parameter offset of the row.</param>
        public MultiInsert(TaskWriter writer, string head, int perRow, Func<int, string> row)
            : this(writer, n => head + string.Join(", ", Enumerable.Range(0, n).Select(i => row(i * perRow))), perRow)
        {
        }

        /// <summary>
        /// Writes <paramref name="count"/> rows; <paramref name="bind"/> binds row i at parameter offset b, and
        /// <paramref name="written"/> hears each statement's rows (offset, count) right after it ran.
        /// </summary>
        public void Write(int count, Action<sqlite3_stmt, int, int> bind, Action<int, int>? written = null)
        {
            for (int offset = 0; offset < count; offset += MaxRowsPerInsert)
            {
                int n = Math.Min(MaxRowsPerInsert, count - offset);
                var stmt = _byCount[n] ??= writer.Prepare(sql(n));
                writer.Open(stmt);
                for (int i = 0; i < n; i++) bind(stmt, i * perRow, offset + i);
                writer.Step(stmt);
                written?.Invoke(offset, n);
            }
        }

        public void Dispose()
        {
            foreach (var s in _byCount) s?.Dispose();
        }
    }
}
