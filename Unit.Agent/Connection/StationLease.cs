using System.Diagnostics;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// The unit's lease on its tasks' locks. While connected, the agent renews it with the station every sixth of its
/// length (at most 10 s apart); a lease runs from the moment its renewal was sent (so it always ends before the station's view of it,
/// which runs from the moment it received the renewal). When it ends without a renewal (the station is cut off,
/// stopped or frozen) the agent stops every running task: the station may hand their locks on after the lease plus
/// a margin, and two holders of an exclusive lock must never both work.
/// </summary>
public sealed partial class StationLease(IOptions<AgentOptions> options, TaskRunner runner, ILogger<StationLease> logger)
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new();
    private long _endsAt;               // Stopwatch timestamp; 0 until the first renewal
    private DateTimeOffset _lastContact;
    private DateTimeOffset _endsAtUtc;
    private int _granted;

    /// <summary>The lease as granted; before the first grant what the agent asks for (30 s when it leaves it to the station).</summary>
    private int Seconds => _granted > 0 ? _granted : options.Value.LeaseSeconds > 0 ? options.Value.LeaseSeconds : 30;

    /// <summary>
    /// Renewals every sixth of the lease, at most 10 s apart (9.2 s for the default 55 s lease): a station restart or a
    /// short cut then leaves most of the lease, and the renewal is frequent enough that the connection needs no
    /// keep-alive pings of its own (every 10 s). A station holding 10,000 units answers about 1,100 renewals a second.
    /// </summary>
    private TimeSpan Interval => TimeSpan.FromSeconds(Math.Clamp(Seconds / 6.0, 0.3, 10));

    /// <summary>Renews once; true when the station answered.</summary>
    public async Task<bool> RenewAsync(HubConnection connection, CancellationToken ct)
    {
        long sent = Stopwatch.GetTimestamp();
        var sentUtc = DateTimeOffset.UtcNow;
        try
        {
            var grant = await connection.InvokeAsync<LeaseGrant>(nameof(IAgentHub.RenewLease), new LeaseRequest(options.Value.LeaseSeconds), ct)
                // An answer later than the lease is no use: by then the lease has ended anyway.
                .WaitAsync(TimeSpan.FromSeconds(Seconds), ct).ConfigureAwait(false);
            // A lease shorter than a second could not be renewed in time: a station that grants less is not trusted for more.
            int seconds = Math.Max(1, grant.LeaseSeconds);
            lock (_gate)
            {
                long end = sent + (long)(seconds * (double)Stopwatch.Frequency);
                if (end > _endsAt)
                {
                    _endsAt = end;
                    _endsAtUtc = sentUtc.AddSeconds(seconds);
                    _lastContact = sentUtc;
                }
                if (seconds != _granted && options.Value.LeaseSeconds > 0 && seconds < options.Value.LeaseSeconds)
                    LogShortened(options.Value.LeaseSeconds, seconds);
                _granted = seconds;
            }
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever ended the call (no answer in time, a refusal, the connection lost mid-call: a station killed
            // while the renewal was on the wire fails it with the socket's WebSocketException) means not renewed; the
            // connection loop reconnects. It must never end the agent.
            return false;
        }
    }

    /// <summary>Renews the lease for as long as the connection is up.</summary>
    public async Task KeepAsync(HubConnection connection, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested && connection.State == HubConnectionState.Connected)
            {
                await RenewAsync(connection, ct).ConfigureAwait(false);
                await Task.Delay(Interval, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops the running tasks whenever the lease has ended; runs for the agent's lifetime.</summary>
    public async Task WatchAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) Check();
        }
        catch (OperationCanceledException) { }
    }

    private void Check()
    {
        string reason;
        lock (_gate)
        {
            if (_endsAt == 0 || Stopwatch.GetTimestamp() < _endsAt || !runner.Any) return;
            reason = $"stopped by the unit: no contact with the station since {_lastContact:HH:mm:ss} UTC; its lease ended at {_endsAtUtc:HH:mm:ss} UTC, after which the station may hand the task's locks on";
        }
        int stopped = runner.StopForLease(reason);
        if (stopped > 0) LogLeaseEnded(stopped, _endsAtUtc);
    }

    [LoggerMessage(330, LogLevel.Warning, "The lease ended at {EndedAt:HH:mm:ss} UTC without contact with the station: stopping {Count} running task(s)")]
    private partial void LogLeaseEnded(int count, DateTimeOffset endedAt);

    [LoggerMessage(331, LogLevel.Information, "The station grants a lease of {Granted} s (Agent:LeaseSeconds asks for {Asked} s)")]
    private partial void LogShortened(int asked, int granted);
}
