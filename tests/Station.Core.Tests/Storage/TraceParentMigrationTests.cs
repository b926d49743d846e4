using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Storage;

/// <summary>Schema v9: tasks keep the W3C traceparent of their admission; tasks from before keep everything else and have none.</summary>
[Collection(StoreCollection.Name)]
public sealed class TraceParentMigrationTests : IDisposable
{
    private readonly TempStore _store = new(migrate: false);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Upgrade_FromVersion8_KeepsEveryTaskAndLock_WithNoTraceParent()
    {
        using var c = _store.Db.Open();
        Assert.Equal(8, Migrations.Apply(c, upTo: 8));
        c.Execute("""
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, error, error_kind, created_at, ended_at) VALUES
                (1, 'fs.stat', 'a', 'alice', '{"path":"/srv"}', NULL, 'failed', 'gone', 'failed', '2026-12-01T09:00:00Z', '2026-12-01T09:00:01Z'),
                (2, 'maintenance.hold', 'a', 'bob', '{}', 0, 'running', NULL, NULL, '2026-12-01T09:00:00Z', NULL);
            INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at, granted_at) VALUES
                (2, '/units/a/disks/sdb', 'exclusive', 0, 1, '2026-12-01T09:00:00Z', '2026-12-01T09:00:00Z');
            """);

        Assert.Equal(9, Migrations.Apply(c, upTo: 9));

        var rows = TaskStore.Query(c, null, null, null, 10).OrderBy(t => t.Id).ToList();
        Assert.Equal([(1L, "fs.stat", "alice", "gone"), (2L, "maintenance.hold", "bob", null)], rows.Select(t => (t.Id, t.Kind, t.Owner, t.Error)));
        Assert.All(rows, t => Assert.Null(t.TraceParent));
        Assert.Equal(1, c.ExecuteScalar<long>("SELECT COUNT(*) FROM locks WHERE task_id = 2 AND granted = 1"));
        Assert.Equal("tasks keep the W3C traceparent of their submission", c.ExecuteScalar<string>("SELECT name FROM schema_version WHERE version = 9"));

        // A task admitted now keeps it, and it reads back.
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        c.Execute("INSERT INTO tasks(id, kind, target, owner, parameters, state, created_at, trace_parent) VALUES (3, 'fs.stat', 'a', 'alice', '{}', 'queued', '2026-12-01T09:00:02Z', @traceParent)", new { traceParent });
        Assert.Equal(traceParent, TaskStore.Get(c, 3)!.TraceParent);
    }
}
