using Ccdsvm.Shared.Contracts;
using System.Data;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>SQL for tasks, their events and their locks. Callers own the connection and transaction.</summary>
public static class TaskStore
{
    private const string Columns = """
        id AS Id, kind AS Kind, target AS Target, owner AS Owner, parameters AS Parameters, slot AS Slot, state AS State,
        progress AS Progress, stage AS Stage, stage_index AS StageIndex, stage_count AS StageCount, result AS Result,
        error AS Error, error_kind AS ErrorKind, dedicated_thread AS DedicatedThread, idempotency_key AS IdempotencyKey, wait_seconds AS WaitSeconds,
        created_at AS CreatedAt, started_at AS StartedAt, ended_at AS EndedAt, trace_parent AS TraceParent
        """;

    /// <summary>Writes a task's changing columns; enums go in as their API spelling, as they are read back.</summary>
    public static void Update(IDbConnection c, IDbTransaction? tx, TaskRow t) => c.Execute("""
        UPDATE tasks SET slot=@Slot, state=@State, progress=@Progress, stage=@Stage, stage_index=@StageIndex, stage_count=@StageCount,
            result=@Result, error=@Error, error_kind=@ErrorKind, dedicated_thread=@DedicatedThread, started_at=@StartedAt, ended_at=@EndedAt
        WHERE id=@Id
        """,
        new
        {
            t.Id, t.Slot, State = t.State.ToApi(), t.Progress, t.Stage, t.StageIndex, t.StageCount, t.Result, t.Error,
            ErrorKind = t.ErrorKind?.ToApi(), t.DedicatedThread, t.StartedAt, t.EndedAt,
        }, tx);

    public static void Event(IDbConnection c, IDbTransaction? tx, long taskId, DateTimeOffset at, string type, string? state = null, double? progress = null, string? stage = null, string? message = null) =>
        c.Execute("""
            INSERT INTO task_events(task_id, id, at, type, state, progress, stage, message)
            VALUES (@taskId, (SELECT COALESCE(MAX(id), 0) + 1 FROM task_events WHERE task_id=@taskId), @at, @type, @state, @progress, @stage, @message)
            """,
            new { taskId, at = StoreTime.Format(at), type, state, progress, stage, message }, tx);

    /// <summary>An event that records the task's state, written as its API spelling.</summary>
    public static void Event(IDbConnection c, IDbTransaction? tx, long taskId, DateTimeOffset at, string type, TaskState state, double? progress = null, string? stage = null, string? message = null) =>
        Event(c, tx, taskId, at, type, state.ToApi(), progress, stage, message);

    /// <summary>The event type of a warning in a task's record (e.g. a duplicate address, <see cref="NetDuplicates"/>): said, never refused.</summary>
    public const string WarningEvent = "warning";

    /// <summary>The event type of a task's link down (<see cref="Shared.Contracts.RelayedTo"/>): the mid station in <c>stage</c>, the task's id there in <c>message</c>.</summary>
    public const string RelayedEvent = "relayed";

    public static void Relayed(IDbConnection c, IDbTransaction? tx, long taskId, DateTimeOffset at, Shared.Contracts.RelayedTo to) =>
        Event(c, tx, taskId, at, RelayedEvent, stage: to.Station, message: to.TaskId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The task's latest link down, or null (a task that ran here or on a unit connected here).</summary>
    public static Shared.Contracts.RelayedTo? RelayedTo(IDbConnection c, long taskId) =>
        c.QueryFirstOrDefault<(string? Stage, string? Message)>(
            "SELECT stage, message FROM task_events WHERE task_id=@taskId AND type=@type ORDER BY id DESC LIMIT 1", new { taskId, type = RelayedEvent }) is { Stage: { } station, Message: { } id }
            && long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long taskThere)
            ? new Shared.Contracts.RelayedTo(station, taskThere) : null;

    public static void GrantLocks(IDbConnection c, IDbTransaction tx, long taskId, DateTimeOffset now) =>
        c.Execute("UPDATE locks SET granted=1, granted_at=@at WHERE task_id=@taskId", new { taskId, at = StoreTime.Format(now) }, tx);

    public static void DeleteLocks(IDbConnection c, IDbTransaction tx, long taskId, IEnumerable<string>? resources = null)
    {
        if (resources is null) c.Execute("DELETE FROM locks WHERE task_id=@taskId", new { taskId }, tx);
        else c.Execute("DELETE FROM locks WHERE task_id=@taskId AND resource=@resource", resources.Select(r => new { taskId, resource = r }), tx);
    }

    public static IReadOnlyList<LockRow> LocksOf(IDbConnection c, IEnumerable<long> taskIds) => c.Query<LockRow>(
        "SELECT task_id AS TaskId, resource AS Resource, mode AS Mode, release_stage AS ReleaseStage, granted AS Granted, requested_at AS RequestedAt, granted_at AS GrantedAt FROM locks WHERE task_id IN @ids ORDER BY task_id",
        new { ids = taskIds.ToArray() }).ToList();

    public static IEnumerable<(long TaskId, string Resource)> GrantedLockResources(IDbConnection c) =>
        c.Query<(long, string)>("SELECT task_id, resource FROM locks WHERE granted=1");

    public static long MaxId(IDbConnection c) => c.ExecuteScalar<long?>("SELECT MAX(id) FROM tasks") ?? 0;

    public static IReadOnlyList<TaskRow> Active(IDbConnection c) =>
        c.Query<TaskRow>($"SELECT {Columns} FROM tasks WHERE ended_at IS NULL ORDER BY id").ToList();

    public static TaskRow? Get(IDbConnection c, long id) =>
        c.QuerySingleOrDefault<TaskRow>($"SELECT {Columns} FROM tasks WHERE id=@id", new { id });

    public static TaskRow? ByIdempotencyKey(IDbConnection c, IDbTransaction? tx, string owner, string key) =>
        c.QuerySingleOrDefault<TaskRow>($"SELECT {Columns} FROM tasks WHERE owner=@owner AND idempotency_key=@key", new { owner, key }, tx);

    /// <summary>
    /// The newest tasks that pass the filter; <paramref name="text"/> (lower case) is searched in the number, kind,
    /// unit, owner, stage, error and parameters, as <see cref="TaskQuery.Matches"/> does for live changes.
    /// </summary>
    public static IReadOnlyList<TaskRow> Query(IDbConnection c, string? state, string? owner, string? target, int limit, string? kind = null, string? text = null) => c.Query<TaskRow>($"""
        SELECT {Columns} FROM tasks
        WHERE (@state IS NULL OR state=@state) AND (@owner IS NULL OR owner=@owner) AND (@target IS NULL OR target=@target)
          AND (@kind IS NULL OR kind=@kind)
          AND (@text IS NULL OR CAST(id AS TEXT)=@text OR instr(lower(kind), @text) > 0 OR instr(lower(target), @text) > 0
               OR instr(lower(owner), @text) > 0 OR instr(lower(COALESCE(stage, '')), @text) > 0
               OR instr(lower(COALESCE(error, '')), @text) > 0 OR instr(lower(parameters), @text) > 0)
        ORDER BY id DESC LIMIT @limit
        """, new { state, owner, target, limit, kind, text }).ToList();

    public static IReadOnlyList<TaskEventView> Events(IDbConnection c, long taskId, long afterId) => c.Query<(long Id, long TaskId, string At, string Type, string? State, double? Progress, string? Stage, string? Message)>(
        "SELECT id, task_id, at, type, state, progress, stage, message FROM task_events WHERE task_id=@taskId AND id>@afterId ORDER BY id",
        new { taskId, afterId })
        .Select(e => new TaskEventView(e.Id, e.TaskId, StoreTime.Parse(e.At), e.Type, e.State, e.Progress, e.Stage, e.Message)).ToList();
}
