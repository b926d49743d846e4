using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Bounds the work a connect storm brings in at once: at most <see cref="StationOptions.MaxConcurrentHandshakes"/> agent
/// connections between their first byte and their announcement, and at most <see cref="StationOptions.MaxConcurrentEnrolments"/>
/// enrolments being redeemed. A unit beyond the bound is answered 503 with Retry-After at once, before any credential
/// check or store work, and comes back after its jittered backoff; units already connected are never affected.
/// </summary>
public sealed class AdmissionLimits(IOptions<StationOptions> options)
{
    private const string LeaseKey = "ccdsvm:handshake";
    private int _handshakes;
    private int _enrolments;
    private long _turnedAway;

    public int Handshakes => Volatile.Read(ref _handshakes);
    public int Enrolments => Volatile.Read(ref _enrolments);

    /// <summary>Connections and enrolments answered 503 since the start.</summary>
    public long TurnedAway => Interlocked.Read(ref _turnedAway);

    /// <summary>A slot the holder gives back once (the announcement or the end of the request, whichever comes first).</summary>
    public sealed class Slot(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) release();
        }
    }

    public Slot? TryHandshake() => TryEnter(ref _handshakes, options.Value.MaxConcurrentHandshakes, () => Interlocked.Decrement(ref _handshakes));

    public Slot? TryEnrolment() => TryEnter(ref _enrolments, options.Value.MaxConcurrentEnrolments, () => Interlocked.Decrement(ref _enrolments));

    private Slot? TryEnter(ref int counter, int limit, Action release)
    {
        if (limit <= 0) return new Slot(() => { });
        if (Interlocked.Increment(ref counter) > limit)
        {
            Interlocked.Decrement(ref counter);
            Interlocked.Increment(ref _turnedAway);
            return null;
        }
        return new Slot(release);
    }

    /// <summary>The unit announced itself: its handshake is over and its slot goes to the next unit.</summary>
    public static void HandshakeDone(HttpContext? context)
    {
        if (context?.Items[LeaseKey] is Slot slot) slot.Dispose();
    }

    internal async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var path = context.Request.Path;
        bool hub = path.StartsWithSegments(HubPaths.Agent, StringComparison.Ordinal);
        bool enrol = !hub && HttpMethods.IsPost(context.Request.Method) && path.Equals(EnrolmentRoutes.Redeem, StringComparison.Ordinal);
        if (!hub && !enrol)
        {
            await next().ConfigureAwait(false);
            return;
        }
        using var slot = hub ? TryHandshake() : TryEnrolment();
        if (slot is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync(new
            {
                title = "Station busy",
                status = 503,
                detail = hub
                    ? $"the station is admitting {options.Value.MaxConcurrentHandshakes} connecting units at once (Station:MaxConcurrentHandshakes); try again shortly"
                    : $"the station is enrolling {options.Value.MaxConcurrentEnrolments} units at once (Station:MaxConcurrentEnrolments); try again shortly",
            }).ConfigureAwait(false);
            return;
        }
        if (hub) context.Items[LeaseKey] = slot;
        await next().ConfigureAwait(false);
    }
}

public static class AdmissionLimitsExtensions
{
    /// <summary>Bounds concurrent agent handshakes and enrolments (before authentication, so a turned-away unit costs nothing).</summary>
    public static IApplicationBuilder UseAgentAdmissionLimits(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<AdmissionLimits>();
        return app.Use((context, next) => limits.InvokeAsync(context, () => next(context)));
    }
}
