using Ccdsvm.Station.Core.Locks;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Prepared statements for the admission hot path on the engine's single writer connection: a task row,
/// its lock plan and its first event. Prepared once, so an admission costs a few microseconds of SQL
/// on top of the commit.
/// </summary>
internal sealed class TaskWriter : IDisposable
{
    private readonly SqliteCommand _insertTask;
    private readonly SqliteCommand _insertLock;
    private readonly SqliteCommand _insertEvent;

    public TaskWriter(SqliteConnection connection)
    {
        _insertTask = Prepare(connection, """
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, progress, stage, stage_index, stage_count, idempotency_key, wait_seconds, created_at)
            VALUES ($id, $kind, $target, $owner, $parameters, $slot, $state, 0, $stage, 0, $stageCount, $key, $wait, $created)
            """, "$id", "$kind", "$target", "$owner", "$parameters", "$slot", "$state", "$stage", "$stageCount", "$key", "$wait", "$created");
        _insertLock = Prepare(connection, """
            INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at, granted_at)
            VALUES ($task, $resource, $mode, $stage, $granted, $at, $grantedAt)
            """, "$task", "$resource", "$mode", "$stage", "$granted", "$at", "$grantedAt");
        _insertEvent = Prepare(connection, """
            INSERT INTO task_events(task_id, at, type, state, progress, stage, message) VALUES ($task, $at, $type, $state, NULL, $stage, $message)
            """, "$task", "$at", "$type", "$state", "$stage", "$message");
    }

    public void InsertTask(SqliteTransaction tx, TaskRow t) => Run(_insertTask, tx,
        t.Id, t.Kind, t.Target, t.Owner, t.Parameters, t.Slot, t.State, t.Stage, t.StageCount, t.IdempotencyKey, t.WaitSeconds, t.CreatedAt);

    public void InsertLock(SqliteTransaction tx, long taskId, LockRequest r, bool granted, string at) => Run(_insertLock, tx,
        taskId, r.Resource, r.Mode.ToApi(), r.ReleaseAfterStage, granted ? 1 : 0, at, granted ? at : null);

    public void InsertEvent(SqliteTransaction tx, long taskId, string at, string type, string? state, string? stage, string? message) =>
        Run(_insertEvent, tx, taskId, at, type, state, stage, message);

    private static SqliteCommand Prepare(SqliteConnection c, string sql, params string[] names)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var n in names) cmd.Parameters.Add(new SqliteParameter { ParameterName = n });
        return cmd;
    }

    private static void Run(SqliteCommand cmd, SqliteTransaction tx, params object?[] values)
    {
        cmd.Transaction = tx;
        for (int i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _insertTask.Dispose();
        _insertLock.Dispose();
        _insertEvent.Dispose();
    }
}
