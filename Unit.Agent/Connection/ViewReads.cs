using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// Answers the station's view reads (<see cref="IAgentClient.Read"/>): a read-only kind such as fs.list, run at once
/// by its executor without a task, a journal entry or a lock. The order passes the same guard as a task's (signed
/// ticket, replay, local policy, the ticket's paths against the parameters), so a view can read no more than the
/// same task could. Answers carry errors as words and kinds, never as exceptions across the hub. A mid station's uplink
/// (<see cref="IViewRelay"/>) checks the ticket only and has the mid station read for the ticket's user; it also answers
/// the views of units below (<see cref="IAgentClient.GetStorageOf"/> and the like), which a plain unit refuses.
/// </summary>
public sealed partial class ViewReads(OrderGuard guard, IEnumerable<ITaskExecutor> executors, ILogger<ViewReads> logger, IViewRelay? relay = null, IMetricsRelay? metrics = null)
{
    /// <summary>The longest a view read may take before it is abandoned (a hung network mount).</summary>
    public static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, ITaskExecutor> _executors = executors.ToDictionary(e => e.Kind, StringComparer.Ordinal);

    public void Attach(HubConnection connection)
    {
        connection.On<TaskOrder, ViewReadAnswer>(nameof(IAgentClient.Read), ReadAsync);
        connection.On<string, string, ViewReadAnswer>(nameof(IAgentClient.GetStorageOf), StorageOfAsync);
        connection.On<string, string, ViewReadAnswer>(nameof(IAgentClient.GetProcessesOf), ProcessesOfAsync);
        connection.On<string, string, int, ViewReadAnswer>(nameof(IAgentClient.GetThreadsOf), ThreadsOfAsync);
        connection.On<string, bool>(nameof(IAgentClient.WatchMetricsOf), (unitId, on) => metrics is null || unitId is null ? Task.CompletedTask : metrics.WatchAsync(unitId, on));
    }

    /// <summary>A mid station's uplink: the storage of a unit below, read by the mid station for the upper user.</summary>
    public Task<ViewReadAnswer> StorageOfAsync(string unitId, string user) =>
        RelayedAsync(unitId, user, r => r.StorageAsync(unitId, user, CancellationToken.None), "storage");

    /// <summary>A mid station's uplink: the process table of a unit below, for the upper user.</summary>
    public Task<ViewReadAnswer> ProcessesOfAsync(string unitId, string user) =>
        RelayedAsync(unitId, user, r => r.ProcessesAsync(unitId, user), "processes");

    /// <summary>A mid station's uplink: the threads of a process of a unit below, for the upper user.</summary>
    public Task<ViewReadAnswer> ThreadsOfAsync(string unitId, string user, int pid) =>
        RelayedAsync(unitId, user, r => r.ThreadsAsync(unitId, user, pid), "threads");

    private async Task<ViewReadAnswer> RelayedAsync(string unitId, string user, Func<IViewRelay, Task<ViewReadAnswer>> ask, string what)
    {
        if (relay is null) return new ViewReadAnswer(null, UnitRefusal.Because("it is no station, so it has no units below it to ask"), TaskErrorKind.Refused);
        if (string.IsNullOrWhiteSpace(unitId) || string.IsNullOrWhiteSpace(user))
            return new ViewReadAnswer(null, UnitRefusal.Because("the request names no unit or no user"), TaskErrorKind.Invalid);
        try
        {
            return await ask(relay).WaitAsync(ReadLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new ViewReadAnswer(null, $"the {what} of unit '{unitId}' took longer than {ReadLimit.TotalSeconds:0} s", TaskErrorKind.Timeout);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReadFailed(ex, what);
            return new ViewReadAnswer(null, $"the {what} of unit '{unitId}' could not be read: {ex.Message}", TaskErrorKind.Failed);
        }
    }

    public async Task<ViewReadAnswer> ReadAsync(TaskOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        ITaskExecutor? executor = null;
        if (!KindContracts.TryGet(order.Kind, out var contract) || !contract.ReadsOnly || (relay is null && !_executors.TryGetValue(order.Kind, out executor)))
            return new ViewReadAnswer(null, UnitRefusal.Because($"'{order.Kind}' is not a read this unit answers without a task"), TaskErrorKind.Refused);
        if (guard.Refusal(order, out var ticket) is { } refusal) return new ViewReadAnswer(null, refusal, TaskErrorKind.Refused);
        using var limit = new CancellationTokenSource(ReadLimit);
        try
        {
            // A mid station's uplink reads nothing itself: the mid station reads for the ticket's user, its ACL deciding.
            if (relay is not null) return await relay.ReadAsync(order, ticket!, limit.Token).WaitAsync(limit.Token).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(order.ParametersJson);
            var context = new TaskContext(order.TaskId, order.Kind, _ => Task.CompletedTask);
            object? value = await executor!.ExecuteAsync(doc.RootElement.Clone(), context, limit.Token).ConfigureAwait(false);
            return new ViewReadAnswer(JsonSerializer.Serialize(value, TaskRunner.Json), null);
        }
        catch (TaskFailureException ex)
        {
            return new ViewReadAnswer(null, ex.Message, ex.Kind);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ViewReadAnswer(null, ex.Message, ex is FileNotFoundException or DirectoryNotFoundException ? TaskErrorKind.NotFound : TaskErrorKind.Failed);
        }
        catch (OperationCanceledException)
        {
            return new ViewReadAnswer(null, $"{order.Kind} took longer than {ReadLimit.TotalSeconds:0} s", TaskErrorKind.Timeout);
        }
        catch (Exception ex)
        {
            LogReadFailed(ex, order.Kind);
            return new ViewReadAnswer(null, $"{order.Kind} failed unexpectedly: {ex.Message}", TaskErrorKind.Failed);
        }
    }

    [LoggerMessage(361, LogLevel.Error, "A view read ({Kind}) failed unexpectedly")]
    private partial void LogReadFailed(Exception exception, string kind);
}
