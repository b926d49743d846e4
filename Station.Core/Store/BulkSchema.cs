namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v12: bulk tasks. The parent is a row of <c>tasks</c> (kind <c>bulk</c>, no slot); <c>bulk_parents</c> keeps its
/// rollout (the child kind and parameters, parallelism, batch wait, failure budget, whether a cancel was asked) and
/// <c>bulk_children</c> one row per unit in rollout order: the task admitted for it (null until then), its state once
/// ended (or <c>pending</c>/<c>skipped</c>), and the error.
/// </summary>
internal static class BulkSchema
{
    public const string Sql = """
        CREATE TABLE bulk_parents(
            id INTEGER PRIMARY KEY REFERENCES tasks(id),
            owner TEXT NOT NULL,
            kind TEXT NOT NULL,
            parameters TEXT NOT NULL,
            parallelism INTEGER NOT NULL,
            batch_wait REAL NOT NULL,
            budget INTEGER NULL,
            rollout TEXT NOT NULL,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            ended INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE bulk_children(
            parent_id INTEGER NOT NULL REFERENCES bulk_parents(id),
            position INTEGER NOT NULL,
            unit TEXT NOT NULL,
            task_id INTEGER NULL,
            state TEXT NOT NULL,
            error TEXT NULL,
            ended_at TEXT NULL,
            PRIMARY KEY(parent_id, position)) WITHOUT ROWID;
        """;
}
