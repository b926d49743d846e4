using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>The end of a task a page waited for: the task as it ended, or why there is none.</summary>
public sealed record TaskRun(TaskView? Task, string? Error)
{
    public bool Succeeded => Task is { State: TaskStateNames.Succeeded };
}

public static class TaskRuns
{
    private static readonly HashSet<string> Ended = [TaskStateNames.Succeeded, TaskStateNames.Failed, TaskStateNames.Cancelled, TaskStateNames.Interrupted];

    public static bool HasEnded(TaskView task) => Ended.Contains(task.State);

    /// <summary>
    /// Submits a task and waits, through the task subscription, until it ends or <paramref name="timeout"/> passes.
    /// The subscription is made before the task is looked up again, so an end that raced the submit is not missed.
    /// </summary>
    public static async Task<TaskRun> RunAsync(this IConsoleTasks tasks, SubmitTask request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var outcome = await tasks.SubmitAsync(request).ConfigureAwait(false);
        if (!outcome.Ok) return new TaskRun(null, outcome.Error!.Message);
        return await tasks.WaitAsync(outcome.Value!.Id, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits, through the task subscription, until task <paramref name="id"/> ends or <paramref name="timeout"/> passes.</summary>
    public static async Task<TaskRun> WaitAsync(this IConsoleTasks tasks, long id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var ended = new TaskCompletionSource<TaskView>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = tasks.SubscribeTasks(u =>
        {
            if (u.Task.Id == id && HasEnded(u.Task)) ended.TrySetResult(u.Task);
        });
        if (tasks.Get(id) is { } now && HasEnded(now)) ended.TrySetResult(now);
        try
        {
            var task = await ended.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return new TaskRun(task, task.State == TaskStateNames.Succeeded ? null : task.Error ?? $"task #{id} {task.State}");
        }
        catch (TimeoutException)
        {
            return new TaskRun(tasks.Get(id), $"task #{id} did not end within {timeout.TotalSeconds:0} s");
        }
    }
}
