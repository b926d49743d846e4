using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tests.Storage;

/// <summary>Schema version 5 rebuilds the tables an admission writes: a store left by the previous station keeps every row.</summary>
[Collection(StoreCollection.Name)]
public sealed class AdmissionPagesMigrationTests : IDisposable
{
    private readonly TempStore _store = new(migrate: false);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Upgrade_FromVersion4_KeepsTasksEventsLocksAndAuditWithTheirIds()
    {
        using var c = _store.Db.Open();
        Assert.Equal(4, Migrations.Apply(c, upTo: 4));
        SeedAsVersion4Left(c);

        Assert.Equal(Migrations.CurrentVersion, Migrations.Apply(c));

        Assert.Equal([7L, 9L], c.Query<long>("SELECT id FROM tasks ORDER BY id"));
        Assert.Equal(("storage.mkfs", 2L, "Running", 0.5), c.QuerySingle<(string, long, string, double)>("SELECT kind, slot, state, progress FROM tasks WHERE id=9"));
        Assert.Equal([(40L, 7L, "created"), (41L, 9L, "created"), (42L, 9L, "progress")],
            c.Query<(long, long, string)>("SELECT id, task_id, type FROM task_events ORDER BY id"));
        Assert.Equal([(9L, "/units/a/disks/sdb", "Exclusive", 1L)],
            c.Query<(long, string, string, long)>("SELECT task_id, resource, mode, granted FROM locks"));
        Assert.Equal([(100L, "alice", "task.submit")], c.Query<(long, string, string)>("SELECT id, actor, action FROM audit"));
        Assert.Equal(1, c.ExecuteScalar<long>("PRAGMA foreign_keys"));
        Assert.Empty(c.Query("SELECT * FROM pragma_foreign_key_check"));
    }

    [Fact]
    public void Upgrade_NewRowsContinueAfterTheHighestIds_AuditStaysAppendOnly()
    {
        using var c = _store.Db.Open();
        Migrations.Apply(c, upTo: 4);
        SeedAsVersion4Left(c);
        Migrations.Apply(c);

        TaskStore.Event(c, null, 9, DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "log");
        c.Execute("INSERT INTO audit(at, actor, action, outcome) VALUES ('2026-11-27T10:00:00Z', 'bob', 'login', 'ok')");

        // An event's id counts within its task, after the ids the older station gave.
        Assert.Equal([(7L, 40L), (9L, 41L), (9L, 42L), (9L, 43L)], c.Query<(long, long)>("SELECT task_id, id FROM task_events ORDER BY task_id, id"));
        Assert.Equal(101, c.ExecuteScalar<long>("SELECT MAX(id) FROM audit"));
        var update = Assert.Throws<SqliteException>(() => c.Execute("UPDATE audit SET actor='mallory' WHERE id=100"));
        Assert.Contains("the audit log is append-only", update.Message);
        var delete = Assert.Throws<SqliteException>(() => c.Execute("DELETE FROM audit WHERE id=100"));
        Assert.Contains("the audit log is append-only", delete.Message);
        // Foreign keys are enforced again after the migration.
        Assert.Throws<SqliteException>(() => c.Execute("INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at) VALUES (999, '/units/b', 'Shared', 0, 1, 'x')"));
    }

    [Fact]
    public void FreshStore_AdmissionTablesHaveNoCountersAndLocksHaveNoRowid()
    {
        using var c = _store.Db.Open();
        Migrations.Apply(c);

        var sql = c.Query<(string Name, string Sql)>("SELECT name, sql FROM sqlite_master WHERE type='table' AND name IN ('tasks', 'task_events', 'locks', 'audit')")
            .ToDictionary(t => t.Name, t => t.Sql);
        Assert.Equal(4, sql.Count);
        Assert.All(sql.Values, s => Assert.DoesNotContain("AUTOINCREMENT", s, StringComparison.OrdinalIgnoreCase));
        Assert.EndsWith("WITHOUT ROWID", sql["locks"].TrimEnd());
        Assert.EndsWith("WITHOUT ROWID", sql["task_events"].TrimEnd());
        var indexes = c.Query<string>("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name IN ('tasks', 'task_events', 'locks', 'audit') AND sql IS NOT NULL").ToHashSet();
        Assert.Equal(new HashSet<string> { "ix_tasks_idempotency", "ix_audit_actor" }, indexes);
    }

    [Fact]
    public void FreshStore_EventIdsCountWithinEachTask_ReadAfterAnId()
    {
        using var c = _store.Db.Open();
        Migrations.Apply(c);
        c.Execute("""
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, created_at) VALUES
                (1, 'fs.list', 'a', 'alice', '{}', 0, 'Running', '2026-11-27T09:00:00Z'),
                (2, 'fs.list', 'a', 'bob', '{}', 1, 'Running', '2026-11-27T09:00:00Z')
            """);
        var at = DateTimeOffset.Parse("2026-11-27T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        using (var tx = c.BeginTransaction())
        {
            TaskStore.Event(c, tx, 1, at, "started");
            TaskStore.Event(c, tx, 2, at, "started");
            TaskStore.Event(c, tx, 1, at, "progress", progress: 0.5);
            tx.Commit();
        }
        TaskStore.Event(c, null, 1, at, "log", message: "done");

        Assert.Equal([(1L, "started"), (2L, "progress"), (3L, "log")], TaskStore.Events(c, 1, 0).Select(e => (e.Id, e.Type)));
        Assert.Equal([(3L, "log")], TaskStore.Events(c, 1, 2).Select(e => (e.Id, e.Type)));
        Assert.Equal([(1L, "started")], TaskStore.Events(c, 2, 0).Select(e => (e.Id, e.Type)));
    }

    private static void SeedAsVersion4Left(SqliteConnection c)
    {
        c.Execute("""
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, progress, created_at, ended_at)
                VALUES (7, 'fs.list', 'a', 'alice', '{}', NULL, 'Succeeded', 1, '2026-11-27T09:00:00Z', '2026-11-27T09:00:01Z'),
                       (9, 'storage.mkfs', 'a', 'alice', '{"device":"/dev/sdb"}', 2, 'Running', 0.5, '2026-11-27T09:01:00Z', NULL);
            INSERT INTO task_events(id, task_id, at, type) VALUES (40, 7, '2026-11-27T09:00:00Z', 'created'),
                (41, 9, '2026-11-27T09:01:00Z', 'created'), (42, 9, '2026-11-27T09:01:05Z', 'progress');
            INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at, granted_at)
                VALUES (9, '/units/a/disks/sdb', 'Exclusive', 0, 1, '2026-11-27T09:01:00Z', '2026-11-27T09:01:00Z');
            INSERT INTO audit(id, at, actor, action, target, outcome) VALUES (100, '2026-11-27T09:01:00Z', 'alice', 'task.submit', 'storage.mkfs', 'ok');
            """);
    }
}
