using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Bulk parents in the task list: a row of <c>tasks</c> of kind <see cref="BulkTasks.ParentKind"/>, numbered like every
/// task, shown and listed like one, that takes no slot and holds no lock (recovery leaves it to the rollout that owns it).
/// Its children are ordinary tasks admitted through <see cref="TaskAdmission"/>.
/// </summary>
internal sealed class ParentTasks(object gate, SqliteConnection db, TaskTable table, TaskAnnouncer announcer, TimeProvider clock)
{
    /// <summary>Adds a running parent and returns its id; it is durable when this returns (the writer syncs its own commits).</summary>
    public long Add(string owner, string parametersJson, string resultJson, string stage, string? idempotencyKey)
    {
        var now = StoreTime.Format(clock.GetUtcNow());
        long id;
        lock (gate)
        {
            id = ++table.LastId;
            using (var tx = db.BeginTransaction())
            {
                db.Execute("""
                    INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, progress, stage, stage_index, stage_count, result, idempotency_key, created_at, started_at)
                    VALUES (@id, @kind, @target, @owner, @parametersJson, NULL, @state, 0, @stage, 0, 0, @resultJson, @idempotencyKey, @now, @now)
                    """,
                    new { id, kind = BulkTasks.ParentKind, target = BulkTasks.ParentTarget, owner, parametersJson, state = TaskState.Running.ToApi(), stage, resultJson, idempotencyKey, now }, tx);
                TaskStore.Event(db, tx, id, clock.GetUtcNow(), "admitted", TaskState.Running, message: "bulk task admitted: it takes no slot; its children are admitted one by one");
                tx.Commit();
            }
            table.MarkDurable(id);
        }
        announcer.Announce(id);
        return id;
    }

    /// <summary>Writes a parent's roll-up, and its end when <paramref name="state"/> is one; an ended parent is not changed again.</summary>
    public void Update(long id, TaskState state, double progress, string stage, string resultJson, string? error, TaskErrorKind? errorKind)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            var row = TaskStore.Get(db, id);
            if (row is null || row.Kind != BulkTasks.ParentKind || row.EndedAt is not null) return;
            bool changed = row.State != state;
            row.State = state;
            row.Progress = progress;
            row.Stage = stage;
            row.Result = resultJson;
            row.Error = error;
            row.ErrorKind = errorKind;
            if (state.IsEnded()) row.EndedAt = StoreTime.Format(now);
            using var tx = db.BeginTransaction();
            TaskStore.Update(db, tx, row);
            if (changed) TaskStore.Event(db, tx, id, now, "state", state, progress, stage, error);
            tx.Commit();
        }
        announcer.Announce(id);
    }
}
