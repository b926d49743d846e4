using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Storage;

/// <summary>
/// Schema version 8 gives every task an error kind: tasks that ended before it without success get the one their
/// state says, the others none, and every other column is kept.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TaskErrorKindMigrationTests : IDisposable
{
    private readonly TempStore _store = new(migrate: false);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Upgrade_FromVersion7_GivesEndedTasksTheKindOfTheirState_AndKeepsTheirErrors()
    {
        using var c = _store.Db.Open();
        Assert.Equal(7, Migrations.Apply(c, upTo: 7));
        c.Execute("""
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, error, created_at, ended_at) VALUES
                (1, 'fs.stat', 'a', 'alice', '{}', NULL, 'failed', '''/srv/x'' does not exist', '2026-12-01T09:00:00Z', '2026-12-01T09:00:01Z'),
                (2, 'fs.stat', 'a', 'alice', '{}', NULL, 'cancelled', 'cancelled by alice', '2026-12-01T09:00:00Z', '2026-12-01T09:00:01Z'),
                (3, 'fs.stat', 'a', 'alice', '{}', NULL, 'interrupted', 'the station restarted', '2026-12-01T09:00:00Z', '2026-12-01T09:00:01Z'),
                (4, 'fs.stat', 'a', 'alice', '{}', NULL, 'succeeded', NULL, '2026-12-01T09:00:00Z', '2026-12-01T09:00:01Z'),
                (5, 'fs.stat', 'a', 'alice', '{}', 2, 'running', NULL, '2026-12-01T09:00:00Z', NULL),
                (6, 'fs.stat', 'a', 'alice', '{}', NULL, 'Failed', 'an older spelling', '2026-12-01T09:00:00Z', '2026-12-01T09:00:01Z');
            """);

        Assert.Equal(8, Migrations.Apply(c, upTo: 8));

        Assert.Equal(
            [(1L, "failed", "failed", "'/srv/x' does not exist"), (2L, "cancelled", "cancelled", "cancelled by alice"), (3L, "interrupted", "interrupted", "the station restarted"),
             (4L, "succeeded", null, null), (5L, "running", null, null), (6L, "Failed", "failed", "an older spelling")],
            c.Query<(long, string, string?, string?)>("SELECT id, state, error_kind, error FROM tasks ORDER BY id"));
        Assert.Equal("tasks keep the kind of their error", c.ExecuteScalar<string>("SELECT name FROM schema_version WHERE version = 8"));
    }

    [Fact]
    public void A_tasks_kind_is_written_and_read_back_as_its_api_word()
    {
        using var c = _store.Db.Open();
        Migrations.Apply(c);
        c.Execute("INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, created_at) VALUES (1, 'fs.stat', 'a', 'alice', '{}', 0, 'running', '2026-12-01T09:00:00Z')");
        var row = TaskStore.Get(c, 1)!;
        Assert.Null(row.ErrorKind);

        row.State = TaskState.Failed;
        row.Error = "'/srv/x' does not exist";
        row.ErrorKind = TaskErrorKind.NotFound;
        TaskStore.Update(c, null, row);

        Assert.Equal("notFound", c.ExecuteScalar<string>("SELECT error_kind FROM tasks WHERE id = 1"));
        Assert.Equal(TaskErrorKind.NotFound, TaskStore.Get(c, 1)!.ErrorKind);
    }
}
