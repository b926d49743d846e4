namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Publishes a task's current view (and any log lines) to the console's subscribers, after its change is committed.</summary>
internal sealed class TaskAnnouncer(TaskQueries queries, TaskNotifier notifier)
{
    public void Announce(long taskId, IReadOnlyList<string>? lines = null)
    {
        if (notifier.SubscriberCount == 0) return;
        var view = queries.View(taskId);
        if (view is not null) notifier.Publish(new TaskUpdate(view, lines ?? []));
    }
}
