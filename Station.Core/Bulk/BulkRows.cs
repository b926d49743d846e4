namespace Ccdsvm.Station.Core.Bulk;

/// <summary>A row of <c>bulk_parents</c>: what a parent's rollout needs to go on after a restart.</summary>
internal sealed class BulkParentRow
{
    public long Id { get; set; }
    public string Owner { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Parameters { get; set; } = "null";
    public long Parallelism { get; set; }
    public double BatchWait { get; set; }
    public long? Budget { get; set; }
    public string Rollout { get; set; } = "{}";
    public long CancelRequested { get; set; }
    public long Ended { get; set; }
}

/// <summary>
/// A row of <c>bulk_children</c>. <see cref="State"/> is <c>pending</c> (not admitted), <c>admitted</c> (its task is in
/// the task list), <c>skipped</c> (never started: the rollout stopped), or the end state of its task.
/// </summary>
internal sealed class BulkChildRow
{
    public long ParentId { get; set; }
    public long Position { get; set; }
    public string Unit { get; set; } = "";
    public long? TaskId { get; set; }
    public string State { get; set; } = ChildStates.Pending;
    public string? Error { get; set; }
    public string? EndedAt { get; set; }

    public bool Open => State is ChildStates.Pending or ChildStates.Admitted;
}

/// <summary>The states a child row is stored with; an ended child keeps its task's end state (API spelling).</summary>
internal static class ChildStates
{
    public const string Pending = Shared.Contracts.Bulk.BulkTasks.Pending, Admitted = "admitted", Skipped = Shared.Contracts.Bulk.BulkTasks.Skipped;
}
