using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Bulk;

/// <summary>SQL for bulk parents and their children. Writes take the store's write gate, as every writer of the station does.</summary>
internal sealed class BulkStore(StationDb db)
{
    private const string ChildColumns = "parent_id AS ParentId, position AS Position, unit AS Unit, task_id AS TaskId, state AS State, error AS Error, ended_at AS EndedAt";
    private const string ParentColumns = "id AS Id, owner AS Owner, kind AS Kind, parameters AS Parameters, parallelism AS Parallelism, batch_wait AS BatchWait, budget AS Budget, rollout AS Rollout, cancel_requested AS CancelRequested, ended AS Ended";

    public void Create(BulkParentRow parent, IReadOnlyList<string> units)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        c.Execute($"INSERT INTO bulk_parents(id, owner, kind, parameters, parallelism, batch_wait, budget, rollout) VALUES (@Id, @Owner, @Kind, @Parameters, @Parallelism, @BatchWait, @Budget, @Rollout)", parent, tx);
        c.Execute("INSERT INTO bulk_children(parent_id, position, unit, state) VALUES (@id, @position, @unit, @state)",
            units.Select((u, i) => new { id = parent.Id, position = i, unit = u, state = ChildStates.Pending }), tx);
        tx.Commit();
    }

    public BulkParentRow? Parent(long id)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<BulkParentRow>($"SELECT {ParentColumns} FROM bulk_parents WHERE id=@id", new { id });
    }

    public IReadOnlyList<BulkParentRow> Running()
    {
        using var c = db.Open();
        return c.Query<BulkParentRow>($"SELECT {ParentColumns} FROM bulk_parents WHERE ended=0 ORDER BY id").ToList();
    }

    /// <summary>Parent rows of the task list that never got their rollout saved (the station stopped between the two writes).</summary>
    public IReadOnlyList<long> Orphans()
    {
        using var c = db.Open();
        return c.Query<long>("SELECT id FROM tasks WHERE kind=@kind AND ended_at IS NULL AND id NOT IN (SELECT id FROM bulk_parents)",
            new { kind = Shared.Contracts.Bulk.BulkTasks.ParentKind }).ToList();
    }

    public IReadOnlyList<BulkChildRow> Children(long parentId)
    {
        using var c = db.Open();
        return c.Query<BulkChildRow>($"SELECT {ChildColumns} FROM bulk_children WHERE parent_id=@parentId ORDER BY position", new { parentId }).ToList();
    }

    public void Save(IEnumerable<BulkChildRow> children)
    {
        var rows = children.ToList();
        if (rows.Count == 0) return;
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        c.Execute("UPDATE bulk_children SET task_id=@TaskId, state=@State, error=@Error, ended_at=@EndedAt WHERE parent_id=@ParentId AND position=@Position", rows, tx);
        tx.Commit();
    }

    public void RequestCancel(long id)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("UPDATE bulk_parents SET cancel_requested=1 WHERE id=@id", new { id });
    }

    public void MarkEnded(long id)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("UPDATE bulk_parents SET ended=1 WHERE id=@id", new { id });
    }
}
