using System.Text.Json;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Tasks;

public sealed partial class TaskEngine
{
    /// <summary>
    /// Runs a station-run kind (administration) on the thread pool with its locks held, reporting like an
    /// agent would: started, then one result. Its owner is resolved again now, so a revoked right stops it.
    /// </summary>
    private async Task RunAtStationAsync(IStationExecutor executor, TaskRow row)
    {
        await Task.Yield();
        OnStarted(row.Target, new TaskStarted(row.Id, false, Now));
        TaskResult result;
        try
        {
            using var parameters = JsonDocument.Parse(row.Parameters);
            var task = new StationTask(row.Id, row.Kind, _access.Resolve(row.Owner), parameters.RootElement.Clone())
            {
                Progress = (fraction, stage) => OnProgress(row.Target, new TaskProgress(row.Id, 0, fraction, stage, 0, (int)row.StageCount, [], Now)),
            };
            var outcome = await executor.RunAsync(task, CancellationToken.None).ConfigureAwait(false);
            result = outcome.Ok
                ? new TaskResult(row.Id, TaskOutcome.Succeeded, outcome.Value, null, Now)
                : new TaskResult(row.Id, TaskOutcome.Failed, null, outcome.Error!.Message, Now, TaskFailures.KindOf(outcome.Error.Kind));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDispatchFailed(ex, row.Id);
            result = new TaskResult(row.Id, TaskOutcome.Failed, null, $"the station failed to run {row.Kind}: {ex.Message}", Now, TaskErrorKind.Failed);
        }
        await OnResultAsync(row.Target, result).ConfigureAwait(false);
    }

    /// <summary>Submits a task and waits (bounded) until it ends: for REST calls that answer with the result.</summary>
    public async Task<Outcome<TaskView>> RunAndWaitAsync(SubmitTask request, Caller caller, TimeSpan limit)
    {
        var submitted = await SubmitAsync(request, caller).ConfigureAwait(false);
        if (!submitted.Ok) return submitted;
        var id = submitted.Value!.Id;
        var ended = new TaskCompletionSource<TaskView>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _notifier.Subscribe(u =>
        {
            if (u.Task.Id == id && TaskStateExtensions.TryParseApi(u.Task.State, out var s) && s.IsEnded()) ended.TrySetResult(u.Task);
        });
        if (View(id) is { } now && TaskStateExtensions.TryParseApi(now.State, out var st) && st.IsEnded()) return now;
        try
        {
            return await ended.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return View(id)!;
        }
    }
}
