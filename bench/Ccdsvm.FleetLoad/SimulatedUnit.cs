using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.FleetLoad;

/// <summary>
/// One simulated unit speaking the agent's protocol: it redeems the fleet token for its own credential, connects to
/// the hub over a WebSocket with MessagePack, renews its lease (the heartbeat) every sixth of the lease, announces its
/// inventory, and answers orders as Unit.Agent does: receipt, started, progress every 250 ms, result. After a lost
/// connection it comes back with jittered exponential backoff, like the agent.
/// </summary>
public sealed class SimulatedUnit(int index, string name, string root, FleetRun run)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private EnrolmentGrant? _grant;
    private HubConnection? _connection;
    private readonly CancellationTokenSource _stop = new();
    private int _granted = 30;
    private int _running;

    public string Name => name;
    public int Index => index;
    public bool Connected => _connection?.State == HubConnectionState.Connected && Announced;
    public bool Announced { get; private set; }
    public int Running => Volatile.Read(ref _running);

    public async Task<bool> EnrolAsync(string token, CancellationToken ct)
    {
        using var http = run.Network.ClientFor(index);
        var response = await http.PostAsJsonAsync(new Uri(run.Options.Station, EnrolmentRoutes.Redeem), new RedeemEnrolment(token, name), ct).ConfigureAwait(false);
        // A busy station (503, 429) is asked again after a jittered pause, as the agent's retry does.
        for (int attempt = 0; response.StatusCode is System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests && attempt < 60; attempt++)
        {
            response.Dispose();
            run.Busy();
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(100, 1000)), ct).ConfigureAwait(false);
            response = await http.PostAsJsonAsync(new Uri(run.Options.Station, EnrolmentRoutes.Redeem), new RedeemEnrolment(token, name), ct).ConfigureAwait(false);
        }
        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            run.Errors.Add($"enrol {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
            return false;
        }
        _grant = await response.Content.ReadFromJsonAsync<EnrolmentGrant>(Json, ct).ConfigureAwait(false);
        return _grant is not null;
    }

    /// <summary>Connects, renews the lease and announces; false (with the reason counted) when any step fails.</summary>
    public async Task<bool> ConnectAsync(CancellationToken ct, bool countFailure = true)
    {
        if (_grant is null) return false;
        var headers = new Dictionary<string, string> { [HubPaths.AgentCredentialHeader] = _grant.Credential, [HubPaths.AgentNameHeader] = name };
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(run.Options.Station, HubPaths.Agent), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = (context, token) => run.Network.OpenWebSocketAsync(index, context.Uri, headers, token);
            })
            .AddMessagePackProtocol()
            .Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(30);
        connection.KeepAliveInterval = TimeSpan.FromSeconds(10);
        connection.On<TaskOrder>(nameof(IAgentClient.RunTask), order => { _ = RunAsync(connection, order); return Task.CompletedTask; });
        connection.On<long>(nameof(IAgentClient.CancelTask), _ => Task.CompletedTask);
        connection.On<bool>(nameof(IAgentClient.WatchMetrics), _ => Task.CompletedTask);
        connection.Closed += ex => OnClosedAsync(connection, ex);
        try
        {
            await connection.StartAsync(ct).ConfigureAwait(false);
            var grant = await connection.InvokeAsync<LeaseGrant>(nameof(IAgentHub.RenewLease), new LeaseRequest(0), ct).ConfigureAwait(false);
            _granted = Math.Max(1, grant.LeaseSeconds);
            await connection.InvokeAsync(nameof(IAgentHub.Announce), Inventories.For(index, name, root), Array.Empty<RunningTaskInfo>(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (ex.Message.Contains("503", StringComparison.Ordinal)) run.Busy();
            else if (countFailure) run.Errors.Add($"connect {name}: {ex.GetType().Name}: {ex.Message}");
            await connection.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        _connection = connection;
        Announced = true;
        _ = HeartbeatAsync(connection);
        return true;
    }

    /// <summary>The lease renewal, every sixth of the granted lease and at most 5 s apart, as the agent does: the unit's heartbeat.</summary>
    private async Task HeartbeatAsync(HubConnection connection)
    {
        var interval = TimeSpan.FromSeconds(Math.Clamp(_granted / 6.0, 0.3, 5));
        // Spread the first renewal over the interval so that a fleet connected together does not beat together.
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), _stop.Token).ConfigureAwait(false);
            while (!_stop.IsCancellationRequested && connection.State == HubConnectionState.Connected)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    await connection.InvokeAsync<LeaseGrant>(nameof(IAgentHub.RenewLease), new LeaseRequest(0), _stop.Token).ConfigureAwait(false);
                    run.Heartbeats.AddSince(start);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (connection.State == HubConnectionState.Connected) run.Errors.Add($"heartbeat {name}: {ex.Message}");
                }
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task OnClosedAsync(HubConnection connection, Exception? why)
    {
        if (_stop.IsCancellationRequested || !ReferenceEquals(connection, _connection)) return;
        Announced = false;
        run.Lost();
        await connection.DisposeAsync().ConfigureAwait(false);
        // Jittered exponential backoff, as Unit.Agent: 250 ms doubling to at most --max-reconnect-delay (30 s, the agent's
        // default Agent:MaxReconnectDelaySeconds), each delay drawn from [0, cap].
        for (int attempt = 0; !_stop.IsCancellationRequested; attempt++)
        {
            double cap = Math.Min(run.Options.MaxReconnectDelaySeconds * 1000, 250 * Math.Pow(2, Math.Min(attempt, 16)));
            try { await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap), _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            await run.ConnectGate.WaitAsync(_stop.Token).ConfigureAwait(false);
            bool ok;
            try { ok = await ConnectAsync(_stop.Token, countFailure: false).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            finally { run.ConnectGate.Release(); }
            if (ok)
            {
                run.Reconnected();
                return;
            }
        }
        _ = why;
    }

    private async Task RunAsync(HubConnection connection, TaskOrder order)
    {
        run.Seen(order);
        Interlocked.Increment(ref _running);
        try
        {
            await connection.SendAsync(nameof(IAgentHub.AcknowledgeOrder), new OrderReceipt(order.TaskId, OrderReceiptStatus.Accepted, DateTimeOffset.UtcNow)).ConfigureAwait(false);
            await connection.SendAsync(nameof(IAgentHub.ReportStarted), new TaskStarted(order.TaskId, false, DateTimeOffset.UtcNow)).ConfigureAwait(false);
            TaskResult result;
            try
            {
                result = order.Kind switch
                {
                    TaskKinds.MaintenanceHold => await HoldAsync(connection, order).ConfigureAwait(false),
                    TaskKinds.FsChecksum => await ChecksumAsync(connection, order).ConfigureAwait(false),
                    _ => new TaskResult(order.TaskId, TaskOutcome.Failed, null, $"the fleet load generator's unit {name} does not run {order.Kind}", DateTimeOffset.UtcNow, TaskErrorKind.Refused),
                };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                result = new TaskResult(order.TaskId, TaskOutcome.Failed, null, ex.Message, DateTimeOffset.UtcNow, TaskErrorKind.Failed);
            }
            await connection.InvokeAsync(nameof(IAgentHub.ReportResult), result).ConfigureAwait(false);
            run.ResultSent(result.Outcome == TaskOutcome.Succeeded);
        }
        catch (Exception ex)
        {
            run.Errors.Add($"task {order.TaskId} on {name}: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static async Task<TaskResult> HoldAsync(HubConnection connection, TaskOrder order)
    {
        var p = JsonSerializer.Deserialize<MaintenanceHoldParameters>(order.ParametersJson, Json)!;
        string reason = p.Reason ?? "maintenance";
        var total = TimeSpan.FromSeconds(p.Seconds);
        long started = Stopwatch.GetTimestamp();
        long sequence = 0;
        // The agent's executor reports every 250 ms and its pump forwards at most every 100 ms: one report per 250 ms.
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= total) break;
            await connection.SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, ++sequence, elapsed / total,
                $"holding {p.Resource}: {(total - elapsed).TotalSeconds:0} s left", 1, 1, sequence == 1 ? [$"holding {p.Resource} for {p.Seconds:0.#} s: {reason}"] : [], DateTimeOffset.UtcNow)).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250, (total - elapsed).TotalMilliseconds))).ConfigureAwait(false);
        }
        await connection.SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, ++sequence, 1, "released", 1, 1, [], DateTimeOffset.UtcNow)).ConfigureAwait(false);
        return new TaskResult(order.TaskId, TaskOutcome.Succeeded, JsonSerializer.Serialize(new MaintenanceHoldResult(p.Resource, p.Seconds, reason), Json), null, DateTimeOffset.UtcNow);
    }

    private static async Task<TaskResult> ChecksumAsync(HubConnection connection, TaskOrder order)
    {
        var p = JsonSerializer.Deserialize<FsChecksumParameters>(order.ParametersJson, Json)!;
        await connection.SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, 1, 0, "reading", 1, 1, [], DateTimeOffset.UtcNow)).ConfigureAwait(false);
        if (!File.Exists(p.Path))
            return new TaskResult(order.TaskId, TaskOutcome.Failed, null, $"'{p.Path}' does not exist", DateTimeOffset.UtcNow, TaskErrorKind.NotFound);
        byte[] bytes = await File.ReadAllBytesAsync(p.Path).ConfigureAwait(false);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await connection.SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, 2, 1, "reading", 1, 1, [], DateTimeOffset.UtcNow)).ConfigureAwait(false);
        return new TaskResult(order.TaskId, TaskOutcome.Succeeded, JsonSerializer.Serialize(new FsChecksumResult(p.Path, sha, bytes.LongLength), Json), null, DateTimeOffset.UtcNow);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        var c = _connection;
        if (c is not null)
        {
            try { await c.DisposeAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { }
        }
    }
}
