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
    private readonly SqliteConnection _connection;
    // One prepared multi-row INSERT per plan size: a plan's locks cost one statement, not one each.
    private readonly Dictionary<int, SqliteCommand> _insertLocks = [];
    private const int MaxRowsPerLockInsert = 8;

    public TaskWriter(SqliteConnection connection)
    {
        _connection = connection;
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

    public void InsertLocks(SqliteTransaction tx, long taskId, IReadOnlyList<LockRequest> plan, bool granted, string at)
    {
        if (plan.Count == 0) return;
        if (plan.Count > MaxRowsPerLockInsert)
        {
            foreach (var r in plan) InsertLock(tx, taskId, r, granted, at);
            return;
        }
        if (!_insertLocks.TryGetValue(plan.Count, out var cmd))
        {
            var rows = Enumerable.Range(0, plan.Count).Select(i => $"($task, $r{i}, $m{i}, $s{i}, $granted, $at, $grantedAt)");
            var names = new List<string> { "$task", "$granted", "$at", "$grantedAt" };
            for (int i = 0; i < plan.Count; i++) names.AddRange([$"$r{i}", $"$m{i}", $"$s{i}"]);
            _insertLocks[plan.Count] = cmd = Prepare(_connection,
                "INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at, granted_at) VALUES " + string.Join(", ", rows),
                [.. names]);
        }
        var values = new List<object?> { taskId, granted ? 1 : 0, at, granted ? at : null };
        foreach (var r in plan) values.AddRange([r.Resource, r.Mode.ToApi(), r.ReleaseAfterStage]);
        Run(cmd, tx, [.. values]);
    }

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
        foreach (var c in _insertLocks.Values) c.Dispose();
    }
}
