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
        connection.On<TaskOrder, ViewReadAnswer>(nameof(IAgentClient.GetStorageOf), StorageOfAsync);
        connection.On<TaskOrder, ViewReadAnswer>(nameof(IAgentClient.GetProcessesOf), ProcessesOfAsync);
        connection.On<TaskOrder, ViewReadAnswer>(nameof(IAgentClient.GetThreadsOf), ThreadsOfAsync);
        connection.On<TaskOrder>(nameof(IAgentClient.WatchMetricsOf), WatchMetricsOfAsync);
    }

    /// <summary>A mid station's uplink: the storage of a unit below, read by the mid station for the user the upper station signed for.</summary>
    public Task<ViewReadAnswer> StorageOfAsync(TaskOrder order) =>
        RelayedAsync(order, ViewOrders.Storage, (r, t) => r.StorageAsync(t.Target, t.User, CancellationToken.None), "storage");

    /// <summary>A mid station's uplink: the process table of a unit below, for the user the upper station signed for.</summary>
    public Task<ViewReadAnswer> ProcessesOfAsync(TaskOrder order) =>
        RelayedAsync(order, ViewOrders.Processes, (r, t) => r.ProcessesAsync(t.Target, t.User), "processes");

    /// <summary>A mid station's uplink: the threads of the process the signed parameters name, of a unit below, for the user signed for.</summary>
    public Task<ViewReadAnswer> ThreadsOfAsync(TaskOrder order) =>
        RelayedAsync(order, ViewOrders.Threads, (r, t) => ViewOrders.Parameters(order?.ParametersJson).Pid is { } pid
            ? r.ThreadsAsync(t.Target, t.User, pid)
            : Task.FromResult(new ViewReadAnswer(null, "the thread list order names no process", TaskErrorKind.Invalid)), "threads");

    /// <summary>
    /// A mid station's uplink: the upper station watches a unit below (full-rate samples up) or stops. Its ticket is
    /// checked as a view's; a refused one starts nothing (it is logged: the upper station sees no samples).
    /// </summary>
    public async Task WatchMetricsOfAsync(TaskOrder order)
    {
        if (metrics is null) return;
        if (Checked(order, ViewOrders.Metrics, "metrics", out var ticket) is { } refused)
        {
            LogViewRefused("metrics", refused.Error ?? "");
            return;
        }
        if (ViewOrders.Parameters(order.ParametersJson).On is not { } on) return;
        await metrics.WatchAsync(ticket!.Target, on).ConfigureAwait(false);
    }

    /// <summary>
    /// The order of a view of a unit below, checked as a task's would be (<see cref="OrderGuard"/>: the upper station's
    /// signature against the pinned key, a unit below this station, the view and parameters it was signed for, not
    /// expired, not replayed). Null with the opened ticket when it may be answered; otherwise the refusal, in words.
    /// </summary>
    private ViewReadAnswer? Checked(TaskOrder? order, string view, string what, out TaskTicket? ticket)
    {
        ticket = null;
        if (relay is null) return new ViewReadAnswer(null, UnitRefusal.Because("it is no station, so it has no units below it to ask"), TaskErrorKind.Refused);
        if (order is null || order.Kind != view || order.TaskId != 0)
            return new ViewReadAnswer(null, Refused(what, $"the order is not a {what} view order"), TaskErrorKind.Refused);
        if (order.Ticket is null)
            return new ViewReadAnswer(null, Refused(what, "the order carries no ticket signed by the station above"), TaskErrorKind.Refused);
        if (guard.Refusal(order, out ticket) is { } refusal)
        {
            ticket = null;
            return new ViewReadAnswer(null, Refused(what, refusal.StartsWith(UnitRefusal.Prefix, StringComparison.Ordinal) ? refusal[UnitRefusal.Prefix.Length..].Trim() : refusal), TaskErrorKind.Refused);
        }
        if (string.IsNullOrWhiteSpace(ticket!.User))
        {
            ticket = null;
            return new ViewReadAnswer(null, Refused(what, "the ticket names no user"), TaskErrorKind.Invalid);
        }
        return null;
    }

    private static string Refused(string what, string why) => $"refused by the station below (the {what} of a unit below it): {why}";

    private async Task<ViewReadAnswer> RelayedAsync(TaskOrder? order, string view, Func<IViewRelay, TaskTicket, Task<ViewReadAnswer>> ask, string what)
    {
        if (Checked(order, view, what, out var ticket) is { } refused) return refused;
        try
        {
            return await ask(relay!, ticket!).WaitAsync(ReadLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new ViewReadAnswer(null, $"the {what} of unit '{ticket!.Target}' took longer than {ReadLimit.TotalSeconds:0} s", TaskErrorKind.Timeout);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReadFailed(ex, what);
            return new ViewReadAnswer(null, $"the {what} of unit '{ticket!.Target}' could not be read: {ex.Message}", TaskErrorKind.Failed);
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

    [LoggerMessage(363, LogLevel.Warning, "A view of a unit below ({What}) asked by the station above was refused: {Reason}")]
    private partial void LogViewRefused(string what, string reason);

    [LoggerMessage(361, LogLevel.Error, "A view read ({Kind}) failed unexpectedly")]
    private partial void LogReadFailed(Exception exception, string kind);
}
