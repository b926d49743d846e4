using System.Collections.Concurrent;
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
/// connection (a station killed and restarted) it behaves as Unit.Agent/Connection/StationConnection.cs: it comes back
/// with jittered exponential backoff, announces the tasks it still runs (the station reattaches them), delivers the
/// results it could not send, answers an order it already has from its record (running: AlreadyRunning; ended: its
/// outcome again) so that no order runs twice, and stops its tasks if its lease ends without a renewal.
/// </summary>
public sealed class SimulatedUnit(int index, string name, string root, FleetRun run)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private EnrolmentGrant? _grant;
    private HubConnection? _connection;
    private readonly CancellationTokenSource _stop = new();
    private int _granted = 30;
    private int _running;
    private HubConnection? _live;               // the connection reports go to; set once started, before the announce
    private Exception? _lastFailure;            // why the last connection attempt failed: how long the next one waits
    private long _leaseEndsAt;                  // Stopwatch timestamp; 0 until the first renewal
    private readonly object _receiveGate = new();
    private readonly Dictionary<long, RunningTaskInfo> _runningTasks = [];  // under _receiveGate
    private readonly Dictionary<long, TaskResult> _record = [];             // the unit's record of ended orders, under _receiveGate
    private readonly ConcurrentQueue<TaskResult> _undelivered = new();

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

    /// <summary>How long one connection attempt and one announce may take, as the agent bounds them.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(20), AnnounceTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Connects, renews the lease and announces (with the tasks still running); false (with the reason counted) when any step fails.</summary>
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
        connection.On<TaskOrder>(nameof(IAgentClient.RunTask), order => { _ = ReceiveAsync(order); return Task.CompletedTask; });
        connection.On<long>(nameof(IAgentClient.CancelTask), _ => Task.CompletedTask);
        connection.On<bool>(nameof(IAgentClient.WatchMetrics), _ => Task.CompletedTask);
        connection.Closed += ex => OnClosedAsync(connection, ex);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            attempt.CancelAfter(AttemptTimeout);
            await connection.StartAsync(attempt.Token).ConfigureAwait(false);
            await RenewAsync(connection, attempt.Token).ConfigureAwait(false);
            _live = connection;
            attempt.CancelAfter(AnnounceTimeout);
            RunningTaskInfo[] running;
            lock (_receiveGate) running = [.. _runningTasks.Values];
            await connection.InvokeAsync(nameof(IAgentHub.Announce), Inventories.For(index, name, root), running, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _lastFailure = ex;
            if (ReconnectBackoff.Classify(ex) == ReconnectBackoff.Reason.Busy) run.Busy();
            else if (countFailure) run.Errors.Add($"connect {name}: {ex.GetType().Name}: {ex.Message}");
            else run.RetryFailed(ex);
            if (ReferenceEquals(_live, connection)) _live = null;
            await connection.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        _connection = connection;
        Announced = true;
        // Lost between the announce and here: its Closed handler did not see it as the unit's connection, so reconnect now.
        if (connection.State != HubConnectionState.Connected) _ = OnClosedAsync(connection, null);
        await FlushUndeliveredAsync(connection).ConfigureAwait(false);
        _ = HeartbeatAsync(connection);
        return true;
    }

    /// <summary>One lease renewal; the lease runs from when the renewal was sent, as the agent counts it.</summary>
    private async Task RenewAsync(HubConnection connection, CancellationToken ct)
    {
        long sent = Stopwatch.GetTimestamp();
        var grant = await connection.InvokeAsync<LeaseGrant>(nameof(IAgentHub.RenewLease), new LeaseRequest(0), ct).ConfigureAwait(false);
        _granted = Math.Max(1, grant.LeaseSeconds);
        long end = sent + (long)(_granted * (double)Stopwatch.Frequency);
        long seen;
        do seen = Interlocked.Read(ref _leaseEndsAt);
        while (end > seen && Interlocked.CompareExchange(ref _leaseEndsAt, end, seen) != seen);
    }

    private bool LeaseEnded => Interlocked.Read(ref _leaseEndsAt) is var end && end != 0 && Stopwatch.GetTimestamp() > end;

    /// <summary>The lease renewal, every sixth of the granted lease and at most --max-renew-interval apart (10 s, as the agent), as the agent does: the unit's heartbeat.</summary>
    private async Task HeartbeatAsync(HubConnection connection)
    {
        var interval = TimeSpan.FromSeconds(Math.Clamp(_granted / 6.0, 0.3, Math.Max(0.3, run.Options.MaxRenewIntervalSeconds)));
        // Spread the first renewal over the interval so that a fleet connected together does not beat together.
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), _stop.Token).ConfigureAwait(false);
            while (!_stop.IsCancellationRequested && connection.State == HubConnectionState.Connected)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    await RenewAsync(connection, _stop.Token).ConfigureAwait(false);
                    run.Heartbeats.AddSince(start);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A renewal cut by the connection's loss is the expected disconnect, not an error.
                    await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token).ConfigureAwait(false);
                    if (connection.State == HubConnectionState.Connected) run.Errors.Add($"heartbeat {name}: {ex.Message}");
                    else run.Tasks.SendDropped();
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
        if (ReferenceEquals(_live, connection)) _live = null;
        long lostAt = Stopwatch.GetTimestamp();
        run.Lost();
        await connection.DisposeAsync().ConfigureAwait(false);
        // As Unit.Agent: a first attempt after up to 250 ms, then waits by why the last attempt failed (ReconnectBackoff:
        // refused, busy or anything else, the last capped by --max-reconnect-delay as Agent:MaxReconnectDelaySeconds).
        for (int attempt = 0; !_stop.IsCancellationRequested; attempt++)
        {
            var wait = attempt == 0 ? TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * 250)
                : ReconnectBackoff.Next(attempt - 1, _lastFailure, run.Options.MaxReconnectDelaySeconds, Random.Shared);
            try
            {
                await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
                await run.ConnectGate.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            bool ok;
            try { ok = await ConnectAsync(_stop.Token, countFailure: false).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            finally { run.ConnectGate.Release(); }
            if (ok)
            {
                run.Reconnected(lostAt);
                return;
            }
        }
        _ = why;
    }

    /// <summary>
    /// An order, looked up in the unit's record so that it runs at most once, as the agent does: running here already is
    /// answered AlreadyRunning, ended here gets its recorded outcome again, a new one is recorded and started.
    /// </summary>
    private async Task ReceiveAsync(TaskOrder order)
    {
        run.Seen(order);
        run.Tasks.Received(order.TaskId);
        OrderReceiptStatus status;
        TaskResult? recorded = null;
        lock (_receiveGate)
        {
            if (_runningTasks.ContainsKey(order.TaskId)) status = OrderReceiptStatus.AlreadyRunning;
            else if (_record.TryGetValue(order.TaskId, out var known))
            {
                recorded = known;
                status = OrderReceiptStatus.AlreadyEnded;
            }
            else
            {
                _runningTasks[order.TaskId] = new RunningTaskInfo(order.TaskId, order.Kind, 0, "running");
                status = OrderReceiptStatus.Accepted;
            }
        }
        await SendAsync(nameof(IAgentHub.AcknowledgeOrder), new OrderReceipt(order.TaskId, status, DateTimeOffset.UtcNow)).ConfigureAwait(false);
        if (recorded is not null)
        {
            run.Tasks.Redelivered();
            await DeliverAsync(recorded).ConfigureAwait(false);
        }
        if (status == OrderReceiptStatus.Accepted) await RunAsync(order).ConfigureAwait(false);
    }

    private async Task RunAsync(TaskOrder order)
    {
        run.Tasks.Ran(order.TaskId);
        Interlocked.Increment(ref _running);
        try
        {
            await SendAsync(nameof(IAgentHub.ReportStarted), new TaskStarted(order.TaskId, false, DateTimeOffset.UtcNow)).ConfigureAwait(false);
            TaskResult result;
            try
            {
                result = order.Kind switch
                {
                    TaskKinds.MaintenanceHold => await HoldAsync(order).ConfigureAwait(false),
                    TaskKinds.FsChecksum => await ChecksumAsync(order).ConfigureAwait(false),
                    _ => new TaskResult(order.TaskId, TaskOutcome.Failed, null, $"the fleet load generator's unit {name} does not run {order.Kind}", DateTimeOffset.UtcNow, TaskErrorKind.Refused),
                };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                result = new TaskResult(order.TaskId, TaskOutcome.Failed, null, ex.Message, DateTimeOffset.UtcNow, TaskErrorKind.Failed);
            }
            // On record before it leaves the running list, as the agent's journal: a repeated order then gets this outcome.
            lock (_receiveGate)
            {
                _record[order.TaskId] = result;
                _runningTasks.Remove(order.TaskId);
            }
            await DeliverAsync(result).ConfigureAwait(false);
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

    /// <summary>Reports the result now, or keeps it for the next connection (sent right after the announce).</summary>
    private async Task DeliverAsync(TaskResult result)
    {
        var c = _live;
        if (c is { State: HubConnectionState.Connected })
        {
            try
            {
                await c.InvokeAsync(nameof(IAgentHub.ReportResult), result).ConfigureAwait(false);
                Delivered(result);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException) { _ = ex; }
        }
        run.Tasks.KeptForReconnect();
        _undelivered.Enqueue(result);
        // The connection may have come back between the check and the queueing: flush now too.
        if (_live is { State: HubConnectionState.Connected } now && Announced) await FlushUndeliveredAsync(now).ConfigureAwait(false);
    }

    private void Delivered(TaskResult result)
    {
        run.Tasks.Delivered(result.TaskId);
        run.ResultSent(result.Outcome == TaskOutcome.Succeeded);
    }

    private readonly SemaphoreSlim _flushGate = new(1, 1);

    private async Task FlushUndeliveredAsync(HubConnection connection)
    {
        await _flushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            while (_undelivered.TryPeek(out var result))
            {
                try { await connection.InvokeAsync(nameof(IAgentHub.ReportResult), result).ConfigureAwait(false); }
                catch (Exception ex) when (ex is not OutOfMemoryException) { _ = ex; return; }
                _undelivered.TryDequeue(out _);
                Delivered(result);
            }
        }
        finally { _flushGate.Release(); }
    }

    /// <summary>Results not yet delivered (waiting for a connection).</summary>
    public int Undelivered => _undelivered.Count;

    /// <summary>A receipt, start or progress report: sent on the live connection, or dropped without one, as the agent does.</summary>
    private async Task SendAsync(string method, object arg)
    {
        var c = _live;
        if (c is not { State: HubConnectionState.Connected })
        {
            run.Tasks.SendDropped();
            return;
        }
        try { await c.SendAsync(method, arg).ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (c.State == HubConnectionState.Connected) run.Errors.Add($"{method} from {name}: {ex.GetType().Name}: {ex.Message}");
            else run.Tasks.SendDropped();
        }
    }

    private async Task<TaskResult> HoldAsync(TaskOrder order)
    {
        var p = JsonSerializer.Deserialize<MaintenanceHoldParameters>(order.ParametersJson, Json)!;
        string reason = p.Reason ?? "maintenance";
        var total = TimeSpan.FromSeconds(p.Seconds);
        long started = Stopwatch.GetTimestamp();
        long sequence = 0;
        // The agent's executor reports every 250 ms and its pump forwards at most every 100 ms: one report per 250 ms (--progress-ms).
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= total) break;
            if (LeaseEnded)
            {
                // As the agent's lease watch: no contact for the whole lease, so the station may hand the locks on.
                run.Tasks.LeaseStop();
                return new TaskResult(order.TaskId, TaskOutcome.Interrupted, null, "stopped by the unit: its lease ended without contact with the station",
                    DateTimeOffset.UtcNow, TaskErrorKind.Interrupted);
            }
            lock (_receiveGate) _runningTasks[order.TaskId] = new RunningTaskInfo(order.TaskId, order.Kind, elapsed / total, "holding");
            var now = DateTimeOffset.UtcNow;
            string stage = $"holding {p.Resource}: {(total - elapsed).TotalSeconds:0} s left";
            if (run.Options.StampStage) stage += $" @{now.ToUnixTimeMilliseconds()}";
            await SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, ++sequence, elapsed / total,
                stage, 1, 1, sequence == 1 ? [$"holding {p.Resource} for {p.Seconds:0.#} s: {reason}"] : [], now)).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(run.Options.ProgressMs, (total - elapsed).TotalMilliseconds))).ConfigureAwait(false);
        }
        await SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, ++sequence, 1, "released", 1, 1, [], DateTimeOffset.UtcNow)).ConfigureAwait(false);
        return new TaskResult(order.TaskId, TaskOutcome.Succeeded, JsonSerializer.Serialize(new MaintenanceHoldResult(p.Resource, p.Seconds, reason), Json), null, DateTimeOffset.UtcNow);
    }

    private async Task<TaskResult> ChecksumAsync(TaskOrder order)
    {
        var p = JsonSerializer.Deserialize<FsChecksumParameters>(order.ParametersJson, Json)!;
        await SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, 1, 0, "reading", 1, 1, [], DateTimeOffset.UtcNow)).ConfigureAwait(false);
        if (!File.Exists(p.Path))
            return new TaskResult(order.TaskId, TaskOutcome.Failed, null, $"'{p.Path}' does not exist", DateTimeOffset.UtcNow, TaskErrorKind.NotFound);
        byte[] bytes = await File.ReadAllBytesAsync(p.Path).ConfigureAwait(false);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await SendAsync(nameof(IAgentHub.ReportProgress), new TaskProgress(order.TaskId, 2, 1, "reading", 1, 1, [], DateTimeOffset.UtcNow)).ConfigureAwait(false);
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
