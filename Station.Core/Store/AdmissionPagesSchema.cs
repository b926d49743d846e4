namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema version 5: the tables an admission writes are rebuilt so that one admission's commit touches fewer
/// pages (every page is a WAL frame written and synced before the 202; see docs/BENCHMARKS.md):
/// <list type="bullet">
/// <item><c>tasks</c> and <c>audit</c> lose AUTOINCREMENT, whose counters page (<c>sqlite_sequence</c>) every
/// insert rewrote. Their ids still only grow: task ids are assigned by the engine from the highest id in the
/// store, and no row of either table is ever deleted (audit refuses it).</item>
/// <item><c>locks</c> and <c>task_events</c> become WITHOUT ROWID, keyed by (task, resource) and (task, event):
/// one b-tree each instead of rows plus an index. An event's id now counts within its task (the next is the
/// task's highest plus one; a new task's first event is 1); events are only ever read per task, after a given
/// id, so the ids an older station gave keep their order.</item>
/// <item>Three indexes no query used are dropped: <c>ix_tasks_state</c> (the task list filters with optional
/// parameters and reads newest first by id; recovery reads the tasks not yet ended), <c>ix_audit_action</c>
/// (the audit filter on actions is a case-insensitive LIKE, which SQLite cannot answer from a BINARY index)
/// and <c>ix_tasks_slot</c>, a unique index on the slot column: slots are handed out by the engine alone, and
/// a restarted engine gives a task whose slot is taken another one (<c>TaskEngine.Restore</c>). The slot
/// index was written twice per task, at admission and at the end.</item>
/// </list>
/// The rows, their ids, the audit triggers and every other index are kept.
/// Runs with foreign keys off (<see cref="Migrations.Apply"/>), as SQLite's table rebuild procedure requires.
/// </summary>
internal static class AdmissionPagesSchema
{
    public const string Sql = """
        CREATE TABLE tasks_v5(
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            owner TEXT NOT NULL,
            parameters TEXT NOT NULL,
            slot INTEGER NULL,
            state TEXT NOT NULL,
            progress REAL NOT NULL DEFAULT 0,
            stage TEXT NULL,
            stage_index INTEGER NOT NULL DEFAULT 0,
            stage_count INTEGER NOT NULL DEFAULT 0,
            result TEXT NULL,
            error TEXT NULL,
            dedicated_thread INTEGER NULL,
            idempotency_key TEXT NULL,
            wait_seconds REAL NULL,
            created_at TEXT NOT NULL,
            started_at TEXT NULL,
            ended_at TEXT NULL);
        INSERT INTO tasks_v5(id, kind, target, owner, parameters, slot, state, progress, stage, stage_index, stage_count,
                             result, error, dedicated_thread, idempotency_key, wait_seconds, created_at, started_at, ended_at)
            SELECT id, kind, target, owner, parameters, slot, state, progress, stage, stage_index, stage_count,
                   result, error, dedicated_thread, idempotency_key, wait_seconds, created_at, started_at, ended_at FROM tasks;

        CREATE TABLE task_events_v5(
            task_id INTEGER NOT NULL REFERENCES tasks(id),
            id INTEGER NOT NULL,
            at TEXT NOT NULL,
            type TEXT NOT NULL,
            state TEXT NULL,
            progress REAL NULL,
            stage TEXT NULL,
            message TEXT NULL,
            PRIMARY KEY(task_id, id)) WITHOUT ROWID;
        INSERT INTO task_events_v5(id, task_id, at, type, state, progress, stage, message)
            SELECT id, task_id, at, type, state, progress, stage, message FROM task_events;

        CREATE TABLE locks_v5(
            task_id INTEGER NOT NULL REFERENCES tasks(id),
            resource TEXT NOT NULL,
            mode TEXT NOT NULL,
            release_stage INTEGER NOT NULL,
            granted INTEGER NOT NULL,
            requested_at TEXT NOT NULL,
            granted_at TEXT NULL,
            PRIMARY KEY(task_id, resource)) WITHOUT ROWID;
        INSERT INTO locks_v5(task_id, resource, mode, release_stage, granted, requested_at, granted_at)
            SELECT task_id, resource, mode, release_stage, granted, requested_at, granted_at FROM locks;

        CREATE TABLE audit_v5(
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL,
            detail TEXT NULL,
            address TEXT NULL);
        INSERT INTO audit_v5(id, at, actor, action, target, outcome, detail, address)
            SELECT id, at, actor, action, target, outcome, detail, address FROM audit;

        DROP TABLE locks;
        DROP TABLE task_events;
        DROP TABLE tasks;
        DROP TABLE audit;
        ALTER TABLE tasks_v5 RENAME TO tasks;
        ALTER TABLE task_events_v5 RENAME TO task_events;
        ALTER TABLE locks_v5 RENAME TO locks;
        ALTER TABLE audit_v5 RENAME TO audit;
        DELETE FROM sqlite_sequence WHERE name IN ('tasks', 'task_events', 'audit');

        CREATE UNIQUE INDEX ix_tasks_idempotency ON tasks(owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX ix_audit_actor ON audit(actor, id);
        CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """;
}
