using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tests.Backup;

/// <summary>
/// A store made by the previous release (schema 7, Fixtures/station-v7.db, written by that station itself) migrated
/// to the current schema keeps every row of every table, column for column: tasks, task events, locks, audit, users,
/// grants, units. The fixture is copied; the committed file is never changed.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class PreviousReleaseStoreTests : IDisposable
{
    private readonly TempStore _store = new(migrate: false);

    public PreviousReleaseStoreTests() =>
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "station-v7.db"), _store.Db.Path);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Migrating_the_v7_fixture_keeps_every_task_lock_and_audit_row()
    {
        Dictionary<string, (string Columns, List<string> Rows)> before;
        using (var c = _store.Db.Open())
        {
            Assert.Equal(7, c.ExecuteScalar<long>("SELECT MAX(version) FROM schema_version"));
            Assert.Equal((10L, 2L, 30L, 36L), (Count(c, "tasks"), Count(c, "locks"), Count(c, "audit"), Count(c, "task_events")));
            before = Snapshot(c);
        }

        using var migrated = _store.Db.Open();
        Assert.Equal(Migrations.CurrentVersion, Migrations.Apply(migrated));

        foreach (var (table, (columns, rows)) in before)
            Assert.Equal(rows, Rows(migrated, table, columns));
        Assert.Equal((10L, 2L, 30L, 36L), (Count(migrated, "tasks"), Count(migrated, "locks"), Count(migrated, "audit"), Count(migrated, "task_events")));
        Assert.Equal(
            [(9L, "/units/station/disks/sdy", "exclusive", 1L), (10L, "/units/station/disks/sdy", "exclusive", 0L)],
            migrated.Query<(long, string, string, long)>("SELECT task_id, resource, mode, granted FROM locks ORDER BY task_id"));
        Assert.Equal(
            [(7L, "failed", "failed"), (8L, "cancelled", "cancelled"), (9L, "running", null), (10L, "waitingForLocks", null)],
            migrated.Query<(long, string, string?)>("SELECT id, state, error_kind FROM tasks WHERE id >= 7 ORDER BY id"));
        Assert.Equal(("alice", "auth.login", "failed"), migrated.QuerySingle<(string, string, string)>("SELECT actor, action, outcome FROM audit WHERE id = 30"));
        Assert.Empty(migrated.Query<string>("SELECT \"table\" FROM pragma_foreign_key_check"));
        Assert.Equal("ok", migrated.ExecuteScalar<string>("PRAGMA integrity_check"));
    }

    [Fact]
    public void The_audit_log_of_the_migrated_fixture_still_refuses_changes()
    {
        using var c = _store.Db.Open();
        Migrations.Apply(c);

        Assert.Throws<SqliteException>(() => c.Execute("UPDATE audit SET outcome = 'succeeded' WHERE id = 30"));
        Assert.Throws<SqliteException>(() => c.Execute("DELETE FROM audit WHERE id = 1"));
        Assert.Equal(30L, Count(c, "audit"));
    }

    private static long Count(SqliteConnection c, string table) => c.ExecuteScalar<long>($"SELECT COUNT(*) FROM \"{table}\"");

    /// <summary>Every table but the bookkeeping ones, with its columns and rows rendered as text in rowid order.</summary>
    private static Dictionary<string, (string Columns, List<string> Rows)> Snapshot(SqliteConnection c)
    {
        var tables = c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_version', 'sqlite_sequence')").ToList();
        var snapshot = new Dictionary<string, (string, List<string>)>();
        foreach (var table in tables)
        {
            string columns = string.Join(", ", c.Query<string>($"SELECT name FROM pragma_table_info('{table}')").Select(n => $"\"{n}\""));
            snapshot[table] = (columns, Rows(c, table, columns));
        }
        Assert.Superset(new HashSet<string> { "tasks", "task_events", "locks", "audit", "users", "acl", "units" }, snapshot.Keys.ToHashSet());
        return snapshot;
    }

    private static List<string> Rows(SqliteConnection c, string table, string columns)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {columns} FROM \"{table}\" ORDER BY {columns}";
        using var reader = cmd.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var values = new string[reader.FieldCount];
            for (int i = 0; i < reader.FieldCount; i++)
                values[i] = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is byte[] blob ? Convert.ToHexString(blob) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
            rows.Add(string.Join(" | ", values));
        }
        return rows;
    }
}
