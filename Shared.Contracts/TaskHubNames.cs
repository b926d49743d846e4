namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// The console-facing task hub (<c>/hubs/tasks</c>, JSON protocol, the same bearer API token as REST): a client
/// follows task ids and is pushed each change of those it may see. The CLI reads these names; the station's hub and
/// its client interface are named by them (a test checks).
/// </summary>
public static class TaskHubNames
{
    public const string Path = "/hubs/tasks";

    /// <summary>Hub method: <c>Follow(long[] ids)</c> → the tasks' current views (the catch-up after a reconnect too).</summary>
    public const string Follow = "Follow";

    /// <summary>
    /// Hub method: <c>Watch(bool mine)</c> → the recent tasks the caller may see (only their own when <c>mine</c>), newest
    /// first; from then on every change of such a task is pushed as <see cref="TaskChanged"/>, new tasks included.
    /// </summary>
    public const string Watch = "Watch";

    /// <summary>The most tasks <see cref="Watch"/> answers at first.</summary>
    public const int WatchRecent = 100;

    /// <summary>Hub method: <c>Unfollow(long[] ids)</c>.</summary>
    public const string Unfollow = "Unfollow";

    /// <summary>Client method: <c>TaskChanged(task)</c>, the task's view as <c>GET /api/v1/tasks/{id}</c> answers it.</summary>
    public const string TaskChanged = "TaskChanged";
}
