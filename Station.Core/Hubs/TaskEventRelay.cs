using System.Threading.Channels;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Forwards the task notifier's changes of followed tasks to the <see cref="TaskHub"/> groups, and of every task to the
/// watchers that may see it. The notifier's handlers run on the publisher's thread, so the handler only queues; this
/// service sends, in order, off that thread.
/// </summary>
public sealed class TaskEventRelay(TaskNotifier notifier, TaskFollowers followers, TaskWatchers watchers, TaskEngine engine,
    IHubContext<TaskHub, ITaskHubClient> hub) : BackgroundService
{
    private readonly Channel<TaskView> _queue = Channel.CreateUnbounded<TaskView>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifier.Subscribe(update =>
        {
            if (followers.IsFollowed(update.Task.Id) || watchers.Any) _queue.Writer.TryWrite(update.Task);
        });
        await foreach (var task in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (followers.IsFollowed(task.Id)) await hub.Clients.Group(TaskFollowers.Group(task.Id)).TaskChanged(task).ConfigureAwait(false);
            var watching = watchers.Who(w => (!w.Mine || w.Caller.Name == task.Owner) && engine.CanSee(w.Caller, task.Owner, task.Target));
            if (watching.Count > 0) await hub.Clients.Clients(watching).TaskChanged(task).ConfigureAwait(false);
        }
    }
}
