using System.Collections.Concurrent;
using System.Text.Json;
using System.Diagnostics;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Telemetry;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>Runs dispatched tasks, each with its own cancellation, progress pump and thread choice.</summary>
public sealed partial class TaskRunner(IEnumerable<ITaskExecutor> executors, ILogger<TaskRunner> logger, Microsoft.Extensions.Options.IOptions<AgentOptions>? options = null, IOrderRelay? relay = null)
{
    /// <summary>This unit's id, named in every log line and span of a task it runs.</summary>
    private readonly string _unitId = options?.Value.Name ?? "";

    /// <summary>At most 10 progress updates a second per task.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, ITaskExecutor> _executors = executors.ToDictionary(e => e.Kind, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Running> _running = new();
    private volatile bool _stopping;

    public IReadOnlyCollection<string> Kinds => _executors.Keys;

    /// <summary>True on a mid station's uplink: orders are relayed (<see cref="IOrderRelay"/>), and one ordered again after a restart is followed again there.</summary>
    public bool Relays => relay is not null;

    public IReadOnlyList<RunningTaskInfo> Snapshot() =>
        _running.Values.Select(r => new RunningTaskInfo(r.Context.TaskId, r.Context.Kind, r.Context.Fraction, r.Context.Stage)).ToList();

    public bool IsRunning(long taskId) => _running.ContainsKey(taskId);

    public bool Any => !_running.IsEmpty;

    /// <summary>Raised with the kind of every task that ended here, once its end is reported (or kept for the next connection).</summary>
    public event Action<string>? Ended;

    /// <summary>
    /// Stops every running task because the unit's lease ended (the station may hand their locks on): each ends
    /// <see cref="TaskOutcome.Interrupted"/> with <paramref name="reason"/>. Returns how many were asked to stop.
    /// </summary>
    public int StopForLease(string reason)
    {
        int stopped = 0;
        foreach (var r in _running.Values)
        {
            if (r.StopReason is not null) continue;
            r.StopReason = reason;
            try { r.Cancellation.Cancel(); }
            catch (ObjectDisposedException) { continue; }
            stopped++;
        }
        return stopped;
    }

    /// <summary>Starts the task and returns at once; everything else is reported to <paramref name="reporter"/>.</summary>
    public void Start(TaskOrder order, IStationReporter reporter, Shared.Contracts.Tickets.TaskTicket? ticket = null)
    {
        ITaskExecutor? executor = relay is null ? _executors.GetValueOrDefault(order.Kind) : ticket is null ? null : new RelayedOrder(relay, order, ticket);
        if (executor is null)
        {
            _ = SafeAsync(reporter.ResultAsync(new TaskResult(order.TaskId, TaskOutcome.Failed, null,
                $"this unit has no executor for '{order.Kind}'; it runs: {string.Join(", ", _executors.Keys.Order())}", DateTimeOffset.UtcNow, TaskErrorKind.Invalid)));
            return;
        }

        var context = new TaskContext(order.TaskId, order.Kind, stage => SafeAsync(StageDoneAsync(reporter, stage))) { User = ticket?.User };
        var running = new Running(context, new CancellationTokenSource());
        if (!_running.TryAdd(order.TaskId, running))
        {
            LogDuplicate(order.TaskId);
            return;
        }
        running.Completion = RunAsync(order, executor, running, reporter);
    }

    public bool Cancel(long taskId)
    {
        if (!_running.TryGetValue(taskId, out var running)) return false;
        running.Cancellation.Cancel();
        return true;
    }

    /// <summary>Cancels everything still running and waits for it to end (agent shutdown).</summary>
    public async Task StopAllAsync(TimeSpan timeout)
    {
        _stopping = true;
        foreach (var r in _running.Values) r.Cancellation.Cancel();
        var all = _running.Values.Select(r => r.Completion ?? Task.CompletedTask).ToArray();
        await Task.WhenAll(all).WaitAsync(timeout).ConfigureAwait(false);
    }

    private async Task RunAsync(TaskOrder order, ITaskExecutor executor, Running running, IStationReporter reporter)
    {
        // Every line logged while the task runs (here and in its executor) carries TaskId and UnitId.
        using var scope = logger.BeginScope(new Shared.Contracts.Telemetry.TaskLogScope(order.TaskId, _unitId));
        using var span = AgentTelemetry.StartRun(order, _unitId);
        var ct = running.Cancellation.Token;
        TaskResult result;
        using var pumpStop = new CancellationTokenSource();
        Task pump = Task.CompletedTask;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(order.ParametersJson) ? "{}" : order.ParametersJson);
            var parameters = doc.RootElement.Clone();
            // A report, not a step of the task: with the link down the station learns it runs from the reconnect's announcement.
            await SafeAsync(StartedAsync(reporter, new TaskStarted(order.TaskId, executor.NeedsDedicatedThread, DateTimeOffset.UtcNow))).ConfigureAwait(false);
            pump = PumpAsync(running.Context, reporter, pumpStop.Token);
            LogStarting(order.TaskId, order.Kind, executor.NeedsDedicatedThread);

            object? value = executor.NeedsDedicatedThread
                ? await RunOnDedicatedThread(executor, parameters, running.Context, ct).ConfigureAwait(false)
                : await executor.ExecuteAsync(parameters, running.Context, ct).ConfigureAwait(false);

            result = new TaskResult(order.TaskId, TaskOutcome.Succeeded, JsonSerializer.Serialize(value, Json), null, DateTimeOffset.UtcNow);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && running.StopReason is { } why)
        {
            result = new TaskResult(order.TaskId, TaskOutcome.Interrupted, null, why, DateTimeOffset.UtcNow, TaskErrorKind.Interrupted);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && _stopping)
        {
            result = new TaskResult(order.TaskId, TaskOutcome.Failed, null, "the unit agent was stopped while the task ran", DateTimeOffset.UtcNow, TaskErrorKind.Interrupted);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            result = new TaskResult(order.TaskId, TaskOutcome.Cancelled, null, TaskStateNames.Cancelled, DateTimeOffset.UtcNow, TaskErrorKind.Cancelled);
        }
        catch (TaskFailureException ex)
        {
            result = new TaskResult(order.TaskId, TaskOutcome.Failed, null, ex.Message, DateTimeOffset.UtcNow, ex.Kind);
        }
        catch (JsonException ex)
        {
            result = new TaskResult(order.TaskId, TaskOutcome.Failed, null, "parameters are not valid JSON: " + ex.Message, DateTimeOffset.UtcNow, TaskErrorKind.Invalid);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var kind = ex is FileNotFoundException or DirectoryNotFoundException ? TaskErrorKind.NotFound : TaskErrorKind.Failed;
            result = new TaskResult(order.TaskId, TaskOutcome.Failed, null, ex.Message, DateTimeOffset.UtcNow, kind);
        }
        catch (Exception ex)
        {
            LogCrashed(ex, order.TaskId, order.Kind);
            result = new TaskResult(order.TaskId, TaskOutcome.Failed, null, $"{order.Kind} failed unexpectedly: {ex.Message}", DateTimeOffset.UtcNow, TaskErrorKind.Failed);
        }

        pumpStop.Cancel();
        await pump.ConfigureAwait(false);
        var last = running.Context.TakeUpdate();
        if (last is not null) await SafeAsync(reporter.ProgressAsync(last)).ConfigureAwait(false);
        // The reporter records the end before it returns its task: only then does the task leave the running list,
        // so a repeated order finds it running or ended, never neither.
        Task delivery;
        try { delivery = reporter.ResultAsync(result); }
        catch (Exception ex) { delivery = Task.FromException(ex); }
        _running.TryRemove(order.TaskId, out _);
        running.Cancellation.Dispose();
        await SafeAsync(delivery).ConfigureAwait(false);
        span?.SetTag("ccdsvm.task.outcome", result.Outcome.ToString());
        if (result.Outcome != TaskOutcome.Succeeded) span?.SetStatus(ActivityStatusCode.Error, result.Error);
        LogEnded(order.TaskId, result.Outcome);
        Ended?.Invoke(order.Kind);
    }

    private static Task<object?> RunOnDedicatedThread(ITaskExecutor executor, System.Text.Json.JsonElement parameters, TaskContext context, CancellationToken ct)
    {
        var done = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { done.SetResult(executor.ExecuteAsync(parameters, context, ct).GetAwaiter().GetResult()); }
            catch (Exception ex) { done.SetException(ex); }
        })
        {
            IsBackground = true,
            Name = $"task-{context.TaskId}-{context.Kind}",
        };
        thread.Start();
        return done.Task;
    }

    private async Task PumpAsync(TaskContext context, IStationReporter reporter, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var update = context.TakeUpdate();
                if (update is not null) await SafeAsync(reporter.ProgressAsync(update)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
    }

    // The reporter may throw before it returns a task (no connection): the same failure, kept inside the task.
    private static Task StartedAsync(IStationReporter reporter, TaskStarted started)
    {
        try { return reporter.StartedAsync(started); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return Task.FromException(ex); }
    }

    // A stage report lost with the link leaves the stage's locks held until the task ends: later, never wrong.
    private static Task StageDoneAsync(IStationReporter reporter, TaskStageDone done)
    {
        try { return reporter.StageDoneAsync(done); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return Task.FromException(ex); }
    }

    private async Task SafeAsync(Task send)
    {
        // A lost connection must not end the task: the station hears the outcome after the reconnect.
        try { await send.ConfigureAwait(false); }
        catch (Exception ex) { LogReportFailed(ex); }
    }

    /// <summary>One relayed order as an executor: the mid station runs it.</summary>
    private sealed class RelayedOrder(IOrderRelay relay, TaskOrder order, Shared.Contracts.Tickets.TaskTicket ticket) : ITaskExecutor
    {
        public string Kind => order.Kind;

        public bool NeedsDedicatedThread => false;

        public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken) =>
            relay.RunAsync(order, ticket, context, cancellationToken);
    }

    private sealed class Running(TaskContext context, CancellationTokenSource cancellation)
    {
        public TaskContext Context { get; } = context;
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public Task? Completion { get; set; }
        /// <summary>Set when the unit itself stops the task (its lease ended): the reason it reports.</summary>
        public volatile string? StopReason;
    }

    [LoggerMessage(100, LogLevel.Information, "Task {TaskId} ({Kind}) starting, dedicated thread: {Dedicated}")]
    private partial void LogStarting(long taskId, string kind, bool dedicated);

    [LoggerMessage(101, LogLevel.Information, "Task {TaskId} ended: {Outcome}")]
    private partial void LogEnded(long taskId, TaskOutcome outcome);

    [LoggerMessage(102, LogLevel.Error, "Task {TaskId} ({Kind}) crashed")]
    private partial void LogCrashed(Exception ex, long taskId, string kind);

    [LoggerMessage(103, LogLevel.Warning, "Could not report to the station")]
    private partial void LogReportFailed(Exception ex);

    [LoggerMessage(104, LogLevel.Warning, "Task {TaskId} is already running here; the duplicate order is ignored")]
    private partial void LogDuplicate(long taskId);
}
