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
    MetricsStreamer metrics,
    StationCalls calls,
    IHostApplicationLifetime lifetime,
    ILogger<StationConnection> logger) : BackgroundService, IStationReporter
{
    private readonly ConcurrentQueue<TaskResult> _undelivered = new();
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
        catch (EnrolmentRefused ex)
        {
            LogNotEnrolled(ex.Message);
            if (credentials.Enrolment.StopHostWhenRefused)
            {
                Environment.ExitCode = 2;
                lifetime.StopApplication();
            }
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var connection = Build(identity);
            connection.Closed += ex => { closed.TrySetResult(ex); return Task.CompletedTask; };
            try
            {
                await pipeline.ExecuteAsync(async ct =>
                {
                    await connection.StartAsync(ct).ConfigureAwait(false);
                    await AnnounceAsync(connection, ct).ConfigureAwait(false);
                }, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            _connection = connection;
            calls.Attach(connection);
            _firstConnect.TrySetResult();
            LogConnected(transport.StationUrl);
            await FlushUndeliveredAsync(connection, stoppingToken).ConfigureAwait(false);

            var why = await closed.Task.WaitAsync(stoppingToken).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
            _connection = null;
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
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException and not EnrolmentRefused),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
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

        connection.On<TaskOrder>(nameof(IAgentClient.RunTask), order =>
        {
            if (guard.Refusal(order) is { } refusal)
                return ResultAsync(new TaskResult(order.TaskId, TaskOutcome.Failed, null, refusal, DateTimeOffset.UtcNow));
            runner.Start(order, this);
            return Task.CompletedTask;
        });
        connection.On<long>(nameof(IAgentClient.CancelTask), taskId =>
        {
            runner.Cancel(taskId);
            return Task.CompletedTask;
        });
        metrics.Attach(connection);
        return connection;
    }

    private async Task AnnounceAsync(HubConnection connection, CancellationToken ct)
    {
        var inv = await inventory.CollectAsync(ct).ConfigureAwait(false);
        await connection.InvokeAsync(nameof(IAgentHub.Announce), inv, runner.Snapshot(), ct).ConfigureAwait(false);
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
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReportFailed(ex.Message);
                return;
            }
        }
    }

    public Task StartedAsync(TaskStarted started) => SendAsync(nameof(IAgentHub.ReportStarted), started);

    public Task ProgressAsync(TaskProgress progress) => SendAsync(nameof(IAgentHub.ReportProgress), progress);

    public Task StageDoneAsync(TaskStageDone stageDone) =>
        InvokeAsync(nameof(IAgentHub.ReportStageDone), stageDone);

    public async Task ResultAsync(TaskResult result)
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

    [LoggerMessage(304, LogLevel.Warning, "Could not deliver a result, kept for the next connection: {Error}")]
    private partial void LogReportFailed(string error);
}
