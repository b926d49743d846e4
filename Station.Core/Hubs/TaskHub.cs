using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>What a console-side client of <see cref="TaskHub"/> is pushed.</summary>
public interface ITaskHubClient
{
    /// <summary>A followed task changed (<see cref="Shared.Contracts.TaskHubNames.TaskChanged"/>).</summary>
    Task TaskChanged(TaskView task);
}

/// <summary>
/// The console-facing task hub (<see cref="Shared.Contracts.TaskHubNames.Path"/>) for the CLI: thin. A caller follows
/// tasks by id; each is checked with the engine's visibility check (a task the caller may not see is "not found", as in
/// REST), and <see cref="TaskEventRelay"/> pushes the followed tasks' changes from the task notifier. Follow answers
/// the tasks as they are now, which is also how a client catches up after a reconnect. A caller may instead watch every
/// task it may see (<see cref="Watch"/>, what <c>ccdsvm task watch</c> without ids shows).
/// </summary>
public sealed class TaskHub(TaskEngine engine, AccessControl access, TaskFollowers followers, TaskWatchers watchers) : Hub<ITaskHubClient>
{
    public const int MaxFollowed = 1000;

    public async Task<IReadOnlyList<TaskView>> Follow(long[] ids)
    {
        var caller = PrincipalCaller.Resolve(Context.User, access) ?? throw new HubException("not authenticated: connect with 'Authorization: Bearer <token>'");
        if (ids is null || ids.Length is 0 or > MaxFollowed) throw new HubException($"follow 1 to {MaxFollowed} task ids");
        var views = new List<TaskView>(ids.Length);
        foreach (var id in ids.Distinct())
        {
            var outcome = engine.Get(id, caller);
            if (!outcome.Ok) throw new HubException(outcome.Error!.Message);
            // Joined before the view is read, so no change falls between the view and the first push.
            followers.Add(Context.ConnectionId, id);
            await Groups.AddToGroupAsync(Context.ConnectionId, TaskFollowers.Group(id)).ConfigureAwait(false);
            views.Add(engine.Get(id, caller).Value!);
        }
        return views;
    }

    /// <summary>
    /// Watches every task the caller may see (only its own with <paramref name="mine"/>): answers the recent ones, newest
    /// first, and from then on each change of such a task, new ones included, is pushed to this connection.
    /// </summary>
    public IReadOnlyList<TaskView> Watch(bool mine)
    {
        var caller = PrincipalCaller.Resolve(Context.User, access) ?? throw new HubException("not authenticated: connect with 'Authorization: Bearer <token>'");
        // Registered before the list is read, so no change falls between the list and the first push.
        watchers.Add(Context.ConnectionId, caller, mine);
        var recent = engine.List(new TaskQuery(Owner: mine ? caller.Name : null, Limit: Shared.Contracts.TaskHubNames.WatchRecent), caller);
        if (!recent.Ok)
        {
            watchers.Remove(Context.ConnectionId);
            throw new HubException(recent.Error!.Message);
        }
        return recent.Value!;
    }

    public async Task Unfollow(long[] ids)
    {
        if (ids is { Length: > MaxFollowed }) throw new HubException($"unfollow at most {MaxFollowed} task ids at once");
        foreach (var id in (ids ?? []).Distinct())
        {
            followers.Remove(Context.ConnectionId, id);
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, TaskFollowers.Group(id)).ConfigureAwait(false);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        followers.Drop(Context.ConnectionId);
        watchers.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
