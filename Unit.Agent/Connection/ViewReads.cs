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
/// same task could. Answers carry errors as words and kinds, never as exceptions across the hub.
/// </summary>
public sealed partial class ViewReads(OrderGuard guard, IEnumerable<ITaskExecutor> executors, ILogger<ViewReads> logger)
{
    /// <summary>The longest a view read may take before it is abandoned (a hung network mount).</summary>
    public static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, ITaskExecutor> _executors = executors.ToDictionary(e => e.Kind, StringComparer.Ordinal);

    public void Attach(HubConnection connection) => connection.On<TaskOrder, ViewReadAnswer>(nameof(IAgentClient.Read), ReadAsync);

    public async Task<ViewReadAnswer> ReadAsync(TaskOrder order)
    {
        if (!KindContracts.TryGet(order.Kind, out var contract) || !contract.ReadsOnly || !_executors.TryGetValue(order.Kind, out var executor))
            return new ViewReadAnswer(null, UnitRefusal.Because($"'{order.Kind}' is not a read this unit answers without a task"), TaskErrorKind.Refused);
        if (guard.Refusal(order) is { } refusal) return new ViewReadAnswer(null, refusal, TaskErrorKind.Refused);
        using var limit = new CancellationTokenSource(ReadLimit);
        try
        {
            using var doc = JsonDocument.Parse(order.ParametersJson);
            var context = new TaskContext(order.TaskId, order.Kind, _ => Task.CompletedTask);
            object? value = await executor.ExecuteAsync(doc.RootElement.Clone(), context, limit.Token).ConfigureAwait(false);
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
