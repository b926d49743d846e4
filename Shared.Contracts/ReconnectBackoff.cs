using System.Net.Sockets;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// How long an agent waits before its next attempt to reach its station, by why the last one failed. Each wait is
/// drawn at random below a cap (full jitter), so a fleet that lost its station together does not come back together:
/// <list type="bullet">
/// <item><b>Refused</b> (nothing listens: the station is restarting): caps of 250 ms doubling to at most
/// <see cref="RefusedCapSeconds"/>. A refusal costs the station's host one reset and no work, and a restarted
/// station is then found within a few seconds by every unit instead of after the long caps of a real outage.</item>
/// <item><b>Busy</b> (the station answered 503: it bounds concurrent handshakes, docs/BENCHMARKS.md "Fleet scale"): caps
/// from 1 s doubling to at most <see cref="BusyCapSeconds"/>: the station paces its fleet cheaply, before any
/// credential check.</item>
/// <item>Anything else (timeouts, TLS, name resolution, a dropped connection): caps of 250 ms doubling to the
/// agent's <c>Agent:MaxReconnectDelaySeconds</c>.</item>
/// </list>
/// The agent (Unit.Agent) and the load generator (bench/Ccdsvm.FleetLoad) both wait by this rule.
/// </summary>
public static class ReconnectBackoff
{
    public const double RefusedCapSeconds = 4, BusyCapSeconds = 8;

    /// <summary>Why an attempt failed, as far as the wait is concerned.</summary>
    public enum Reason { Other, Refused, Busy }

    /// <summary>Refused when a socket's connection was refused anywhere in the chain; busy when the station answered 503.</summary>
    public static Reason Classify(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) return Reason.Refused;
            if (e is HttpRequestException { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable }) return Reason.Busy;
            // The WebSocket upgrade reports the status only in its message: "... status code '503' when status code '101' was expected".
            if (e.Message.Contains("'503'", StringComparison.Ordinal)) return Reason.Busy;
        }
        return Reason.Other;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 (0 after the first failure), drawn from <paramref name="random"/>.</summary>
    public static TimeSpan Next(int attempt, Exception? failure, double maxDelaySeconds, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double cap = Cap(attempt, Classify(failure), maxDelaySeconds);
        return TimeSpan.FromSeconds(random.NextDouble() * cap);
    }

    /// <summary>The cap the wait is drawn below.</summary>
    public static double Cap(int attempt, Reason reason, double maxDelaySeconds)
    {
        double max = Math.Max(1, maxDelaySeconds);
        int doublings = Math.Clamp(attempt, 0, 20);
        return reason switch
        {
            Reason.Refused => Math.Min(Math.Min(RefusedCapSeconds, max), 0.25 * Math.Pow(2, doublings)),
            Reason.Busy => Math.Min(Math.Min(BusyCapSeconds, max), 1.0 * Math.Pow(2, doublings)),
            _ => Math.Min(max, 0.25 * Math.Pow(2, doublings)),
        };
    }
}
