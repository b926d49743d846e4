using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Releases a task's locks straight in the store, from any process that opens it (an administrator's
/// recovery command, say). The lock belongs to the task, not to the station process: a running station
/// notices the release within a second and hands the resources to waiters.
/// </summary>
public static class LockMaintenance
{
    public static IReadOnlyList<string> Release(StationDb db, long taskId, int? stage, string by)
    {
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        var resources = c.Query<string>(
            "SELECT resource FROM locks WHERE task_id=@taskId AND granted=1 AND (@stage IS NULL OR (release_stage<>0 AND release_stage<=@stage))",
            new { taskId, stage }, tx).ToList();
        if (resources.Count > 0)
        {
            TaskStore.DeleteLocks(c, tx, taskId, resources);
            TaskStore.Event(c, tx, taskId, DateTimeOffset.UtcNow, "locksReleased",
                message: $"{by} released {string.Join(", ", resources)} from another process");
        }
        tx.Commit();
        return resources;
    }
}
