using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;
using Ccdsvm.Unit.Agent.Monitoring;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// The agent's link to the station: connects out over SignalR with MessagePack, reconnects forever with
/// exponential backoff and jitter, announces inventory and running tasks on every connect, receives orders
/// and runs those the order guard accepts. It first obtains the unit's identity (enrolment), then presents
/// that credential on every connect. Results that could not be delivered are kept and sent after the next connect.
/// </summary>
public sealed partial class StationConnection(
    IOptions<AgentOptions> options,
    IStationTransport transport,
    AgentCredentials credentials,
    OrderGuard guard,
    InventoryCollector inventory,
    TaskRunner runner,
    OrderJournal journal,
    StationLease lease,
    MetricsStreamer metrics,
    StorageReporter storage,
    ViewReads reads,
    StationCalls calls,
    DataPlane.UnitCertificate certificate,
    IHostApplicationLifetime lifetime,
    ILogger<StationConnection> logger,
    ISubtreeSource? subtree = null,
    DataServes? serves = null,
    Network.NetConfirmations? confirmations = null) : BackgroundService, IStationReporter
{
    private readonly ConcurrentQueue<TaskResult> _undelivered = new();
    private readonly object _receiveGate = new();
    private HubConnection? _connection;
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the agent has connected and announced itself once.</summary>
    public Task FirstConnected => _firstConnect.Task;

    public bool IsConnected => _connection?.State == HubConnectionState.Connected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Connect only once the host (for the co-hosted agent: the station's own server) is up.
        await WaitForStartAsync(stoppingToken).ConfigureAwait(false);
        var pipeline = BuildRetryPipeline();
        AgentIdentity identity;
        try
        {
            identity = await pipeline.ExecuteAsync(ct => new ValueTask<AgentIdentity>(credentials.ObtainAsync(ct)), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (EnrolmentRefusedException ex)
        {
            LogNotEnrolled(ex.Message);
            if (credentials.Enrolment.StopHostWhenRefused)
            {
                Environment.ExitCode = 2;
                lifetime.StopApplication();
            }
            return;
        }
        journal.BindTo(identity.StationPublicKey);
        var watch = lease.WatchAsync(stoppingToken);
        await ConnectLoopAsync(identity, pipeline, stoppingToken).ConfigureAwait(false);
        await watch.ConfigureAwait(false);
    }

    private async Task ConnectLoopAsync(AgentIdentity identity, ResiliencePipeline pipeline, CancellationToken stoppingToken)
    {
        // No new connection once the host is stopping: the co-hosted agent's station closes its connection while shutting
        // down, and a reconnect to it held the host's shutdown until its 30 s timeout. A live connection stays until stop.
        using var reconnecting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        while (!reconnecting.IsCancellationRequested)
        {
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var connection = Build(identity);
            connection.Closed += ex => { closed.TrySetResult(ex); return Task.CompletedTask; };
            try
            {
                await pipeline.ExecuteAsync(async ct =>
                {
                    await StartBoundedAsync(connection, ct).ConfigureAwait(false);
                    try
                    {
                        // The lease first: orders may come as soon as the unit is announced.
                        if (!await lease.RenewAsync(connection, ct).ConfigureAwait(false))
                            throw new InvalidOperationException("the station did not renew the unit's lease");
                        // The data-plane certificate before the announce: a transfer may be ordered right after it.
                        await certificate.TryRenewAsync(connection, ct).ConfigureAwait(false);
                        await AnnounceAsync(connection, ct).ConfigureAwait(false);
                    }
                    catch
                    {
                        // The next attempt starts the connection again, which it can only do from Disconnected.
                        await connection.StopAsync(CancellationToken.None).ConfigureAwait(false);
                        throw;
                    }
                }, reconnecting.Token).ConfigureAwait(false);
                // A failed attempt's stop closed the connection: only a close from now on means it was lost.
                closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            catch (OperationCanceledException) when (reconnecting.IsCancellationRequested)
            {
                break;
            }
            _connection = connection;
            if (confirmations is not null) confirmations.StationLinked = true;
            calls.Attach(connection);
            _firstConnect.TrySetResult();
            LogConnected(transport.StationUrl);
            await FlushUndeliveredAsync(connection, stoppingToken).ConfigureAwait(false);
            await SendSubtreeAsync(connection, stoppingToken).ConfigureAwait(false);
            storage.PushSoon();
            using var renewals = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var keep = lease.KeepAsync(connection, renewals.Token);
            var renewCertificate = certificate.KeepAsync(connection, renewals.Token);

            var why = await closed.Task.WaitAsync(stoppingToken).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
            _connection = null;
            if (confirmations is not null) confirmations.StationLinked = false;
            await renewals.CancelAsync().ConfigureAwait(false);
            await keep.ConfigureAwait(false);
            await renewCertificate.ConfigureAwait(false);
            calls.Attach(null);
            if (!stoppingToken.IsCancellationRequested) LogLost(why?.Message ?? "closed by the station");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try { await runner.StopAllAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (TimeoutException) { }
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitForStartAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reg = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private ResiliencePipeline BuildRetryPipeline() => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException and not EnrolmentRefusedException),
            MaxRetryAttempts = int.MaxValue,
            // Waits by why the attempt failed (a restarting station is found within seconds, a busy one paces the
            // fleet, anything else backs off to Agent:MaxReconnectDelaySeconds), each drawn at random below its cap.
            DelayGenerator = args => new ValueTask<TimeSpan?>(
                ReconnectBackoff.Next(args.AttemptNumber, args.Outcome.Exception, options.Value.MaxReconnectDelaySeconds, Random.Shared)),
            MaxDelay = TimeSpan.FromSeconds(Math.Max(1, options.Value.MaxReconnectDelaySeconds)),
            OnRetry = args =>
            {
                LogRetry(args.AttemptNumber + 1, args.RetryDelay.TotalSeconds, args.Outcome.Exception?.Message ?? "");
                return default;
            },
        })
        .Build();

    private HubConnection Build(AgentIdentity identity)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(transport.StationUrl, HubPaths.Agent), http =>
            {
                http.Headers[HubPaths.AgentCredentialHeader] = identity.Credential;
                http.Headers[HubPaths.AgentNameHeader] = identity.Unit;
                transport.Configure(http);
            })
            .AddMessagePackProtocol()
            .Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(30);
        connection.KeepAliveInterval = TimeSpan.FromSeconds(10);

        connection.On<TaskOrder>(nameof(IAgentClient.RunTask), ReceiveAsync);
        connection.On<long>(nameof(IAgentClient.CancelTask), taskId =>
        {
            runner.Cancel(taskId);
            return Task.CompletedTask;
        });
        connection.On<long>(nameof(IAgentClient.ConfirmTask), taskId =>
        {
            if (confirmations?.Confirm(taskId) != true) LogConfirmIgnored(taskId);
            return Task.CompletedTask;
        });
        metrics.Attach(connection);
        storage.Attach(connection);
        reads.Attach(connection);
        serves?.Attach(connection);
        return connection;
    }

    /// <summary>
    /// Inventory and running tasks, bounded: an announce that hangs (a stuck device probe, a station that accepted
    /// the connection and went away) is retried on a new connection instead of leaving the tasks unclaimed.
    /// </summary>
    private async Task AnnounceAsync(HubConnection connection, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(AnnounceTimeout);
        try
        {
            var inv = await inventory.CollectAsync(bounded.Token).ConfigureAwait(false);
            await connection.InvokeAsync(nameof(IAgentHub.Announce), inv, runner.Snapshot(), bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"announcing the unit took longer than {AnnounceTimeout.TotalSeconds:0} s");
        }
    }

    private static readonly TimeSpan AnnounceTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long one connection attempt (trust check, negotiation, WebSocket, handshake) may take.</summary>
    private static readonly TimeSpan ConnectAttemptTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// One connection attempt, bounded: a station killed or restarting while it accepts may leave a request
    /// unanswered for the HTTP client's 100 s; the attempt ends as a timeout instead, which the retry pipeline
    /// retries (it does not retry a cancellation).
    /// </summary>
    private async Task StartBoundedAsync(HubConnection connection, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(ConnectAttemptTimeout);
        try
        {
            await transport.PrepareAsync(attempt.Token).ConfigureAwait(false);
            await connection.StartAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the station at {transport.StationUrl} did not complete the connection within {ConnectAttemptTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>A mid station's uplink: the whole subtree after each connect (README, "Layered stations"); a refusal is logged.</summary>
    private async Task SendSubtreeAsync(HubConnection connection, CancellationToken ct)
    {
        if (subtree is null) return;
        try
        {
            foreach (var update in subtree.Snapshot())
                await connection.InvokeAsync(nameof(IAgentHub.AnnounceSubtree), update, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogSubtreeFailed(ex.Message);
        }
    }

    /// <summary>
    /// A change below a mid station, sent up now; false when the link is down (the next connect sends the whole subtree)
    /// or the upper station refused it.
    /// </summary>
    public async Task<bool> AnnounceSubtreeAsync(SubtreeUpdate update)
    {
        var c = _connection;
        if (c is not { State: HubConnectionState.Connected }) return false;
        try
        {
            await c.InvokeAsync(nameof(IAgentHub.AnnounceSubtree), update).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSubtreeFailed(ex.Message);
            return false;
        }
    }

    private async Task FlushUndeliveredAsync(HubConnection connection, CancellationToken ct)
    {
        while (_undelivered.TryPeek(out var result))
        {
            try
            {
                await connection.InvokeAsync(nameof(IAgentHub.ReportResult), result, ct).ConfigureAwait(false);
                _undelivered.TryDequeue(out _);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogReportFailed(ex.Message);
                return;
            }
        }
    }

    /// <summary>A mid station's uplink: a figure of a unit below (<see cref="IAgentHub.ReportSampleOf"/> and the like), sent if connected.</summary>
    public async Task ReportOfAsync(string method, string unitId, object value)
    {
        var c = _connection;
        if (c is not { State: HubConnectionState.Connected }) return;
        try { await c.SendAsync(method, unitId, value).ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { LogFigureFailed(unitId, ex.Message); }
    }

    public Task StartedAsync(TaskStarted started) => SendAsync(nameof(IAgentHub.ReportStarted), started);

    public Task ProgressAsync(TaskProgress progress) => SendAsync(nameof(IAgentHub.ReportProgress), progress);

    public Task StageDoneAsync(TaskStageDone stageDone) =>
        InvokeAsync(nameof(IAgentHub.ReportStageDone), stageDone);

    /// <summary>
    /// An order: checked (ticket, policy), then looked up in the durable record so that it runs at most once: a task
    /// running here already is acknowledged as such, one that ended here gets its recorded outcome again, one that was
    /// received but never ended (the agent died while it ran) ends interrupted; a new one is recorded, then started.
    /// </summary>
    private async Task ReceiveAsync(TaskOrder order)
    {
        if (guard.Refusal(order, out var ticket) is { } refusal)
        {
            journal.Sync();
            await AcknowledgeAsync(order.TaskId, OrderReceiptStatus.Refused).ConfigureAwait(false);
            await DeliverAsync(new TaskResult(order.TaskId, TaskOutcome.Failed, null, refusal, DateTimeOffset.UtcNow, TaskErrorKind.Refused)).ConfigureAwait(false);
            return;
        }
        OrderReceiptStatus status;
        TaskResult? recorded = null;
        lock (_receiveGate)
        {
            if (runner.IsRunning(order.TaskId)) status = OrderReceiptStatus.AlreadyRunning;
            else if (journal.Find(order.TaskId) is { } known && !(known.Outcome is null && runner.Relays))
            {
                LogRepeated(order.TaskId, known.Outcome?.Outcome.ToString() ?? "never ended");
                recorded = known.Outcome ?? new TaskResult(order.TaskId, TaskOutcome.Interrupted, null,
                    $"the unit agent restarted while the task ran (received at {known.ReceivedAt:HH:mm:ss} UTC); it is not run twice", DateTimeOffset.UtcNow, TaskErrorKind.Interrupted);
                if (known.Outcome is null) journal.Ended(recorded);
                status = OrderReceiptStatus.AlreadyEnded;
            }
            else
            {
                // A relayed order received before a restart and never ended is followed again at the mid station (which
                // finds its task by its key), not run twice.
                journal.Received(order.TaskId);
                status = OrderReceiptStatus.Accepted;
                runner.Start(order, this, ticket);
            }
        }
        await AcknowledgeAsync(order.TaskId, status).ConfigureAwait(false);
        if (recorded is not null) await DeliverAsync(recorded).ConfigureAwait(false);
    }

    /// <summary>Not waited for by the station's answer: a lost receipt only means the order comes again, and is answered from the record.</summary>
    private async Task AcknowledgeAsync(long taskId, OrderReceiptStatus status)
    {
        try { await SendAsync(nameof(IAgentHub.AcknowledgeOrder), new OrderReceipt(taskId, status, DateTimeOffset.UtcNow)).ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OperationCanceledException) { LogReportFailed(ex.Message); }
    }

    /// <summary>
    /// A task's end: recorded durably before this returns its task (the runner relies on it: a task leaves its list
    /// of running ones only once its end is on record), then reported, or kept for the next connection.
    /// </summary>
    public Task ResultAsync(TaskResult result)
    {
        journal.Ended(result);
        return DeliverAsync(result);
    }

    private async Task DeliverAsync(TaskResult result)
    {
        try
        {
            await InvokeAsync(nameof(IAgentHub.ReportResult), result).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReportFailed(ex.Message);
            _undelivered.Enqueue(result);
        }
    }

    private Task SendAsync(string method, object arg)
    {
        var c = _connection;
        return c is { State: HubConnectionState.Connected } ? c.SendAsync(method, arg) : Task.CompletedTask;
    }

    private Task InvokeAsync(string method, object arg)
    {
        var c = _connection;
        if (c is not { State: HubConnectionState.Connected })
            throw new InvalidOperationException("not connected to the station");
        return c.InvokeAsync(method, arg);
    }

    [LoggerMessage(300, LogLevel.Information, "Connected to the station at {Url}")]
    private partial void LogConnected(Uri url);

    [LoggerMessage(301, LogLevel.Warning, "Lost the station connection: {Reason}; reconnecting")]
    private partial void LogLost(string reason);

    [LoggerMessage(302, LogLevel.Information, "Station not reachable (attempt {Attempt}), next try in {Seconds:0.0} s: {Error}")]
    private partial void LogRetry(int attempt, double seconds, string error);

    [LoggerMessage(303, LogLevel.Critical, "The unit cannot connect: {Reason}")]
    private partial void LogNotEnrolled(string reason);

    [LoggerMessage(305, LogLevel.Information, "Task {TaskId} was ordered again; this unit has it on record ({Outcome}) and does not run it twice")]
    private partial void LogRepeated(long taskId, string outcome);

    [LoggerMessage(306, LogLevel.Warning, "Could not send the units below this station to the upper station: {Error}")]
    private partial void LogSubtreeFailed(string error);

    [LoggerMessage(307, LogLevel.Debug, "Could not send a figure of unit {Unit} to the upper station: {Error}")]
    private partial void LogFigureFailed(string unit, string error);

    [LoggerMessage(304, LogLevel.Warning, "Could not deliver a result, kept for the next connection: {Error}")]
    private partial void LogReportFailed(string error);

    [LoggerMessage(308, LogLevel.Information, "The station confirmed task {TaskId}, which waits for no confirmation here (ended or rolled back already)")]
    private partial void LogConfirmIgnored(long taskId);
}
