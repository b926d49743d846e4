using System.Globalization;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>What the API and the console ask about one unit's figures: history, processes, threads.</summary>
public sealed class UnitMetrics(UnitRegistry units, MetricsStore store, IAgentMetricsLink link, IOptions<MonitoringOptions> options, TimeProvider time)
{
    /// <summary>The most points one history request returns.</summary>
    public const int MaxPoints = 20_000;

    public Outcome<MetricsHistory> History(string unit, string? from, string? to, string? step)
    {
        if (units.View(unit) is null) return StationError.NotFound($"unit '{unit}' is not known");
        var now = time.GetUtcNow();
        if (!TryTime(to, now, out var end)) return StationError.BadRequest($"'to' must be an ISO 8601 time such as {now:yyyy-MM-ddTHH:mm:ssZ}; got '{to}'");
        if (!TryTime(from, end - TimeSpan.FromHours(1), out var start)) return StationError.BadRequest($"'from' must be an ISO 8601 time such as {now.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}; got '{from}'");
        if (start >= end) return StationError.BadRequest($"'from' ({start:u}) must be before 'to' ({end:u})");
        var s = step is null ? Default(end - start) : MetricsStep.Parse(step);
        if (s is null) return StationError.BadRequest($"'step' must be one of {string.Join(", ", MetricsStep.All.Select(x => x.Name))}; got '{step}'");
        double points = (end - start).TotalSeconds / s.Seconds;
        if (points > MaxPoints)
            return StationError.BadRequest($"{points:0} points at step {s.Name} is more than {MaxPoints}; use a coarser step or a shorter range");
        return new MetricsHistory(unit, s.Name, start, end, store.Read(unit, start, end, s));
    }

    /// <summary>The finest step whose retention covers the range.</summary>
    public static MetricsStep Default(TimeSpan range) =>
        range <= MetricsStep.Raw.Retention ? MetricsStep.Raw : range <= TimeSpan.FromDays(2) ? MetricsStep.Minute : MetricsStep.Hour;

    /// <summary>The unit's processes now; <paramref name="user"/> is who asks, for a station below to check (a unit below a mid station).</summary>
    public async Task<Outcome<ProcessList>> ProcessesAsync(string unit, string user = "")
    {
        if (Check(unit) is { } error) return error;
        try
        {
            var list = await link.ProcessesAsync(unit, user, Timeout).ConfigureAwait(false);
            return list is null ? Offline(unit) : list;
        }
        catch (TimeoutException)
        {
            return NoAnswer(unit);
        }
        catch (RelayedAnswerException ex)
        {
            return ex.Error;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The unit answered with an error, an answer that does not parse, or none at all (a hub client result).
            return CouldNotAsk(unit, ex);
        }
    }

    public async Task<Outcome<ThreadList>> ThreadsAsync(string unit, int pid, string user = "")
    {
        if (Check(unit) is { } error) return error;
        if (pid < 1) return StationError.BadRequest("'pid' must be a positive number");
        try
        {
            var list = await link.ThreadsAsync(unit, pid, user, Timeout).ConfigureAwait(false);
            if (list is null) return Offline(unit);
            return list.Error is null ? list : StationError.NotFound(list.Error);
        }
        catch (TimeoutException)
        {
            return NoAnswer(unit);
        }
        catch (RelayedAnswerException ex)
        {
            return ex.Error;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The unit answered with an error, an answer that does not parse, or none at all (a hub client result).
            return CouldNotAsk(unit, ex);
        }
    }

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.AgentAnswerSeconds);

    private StationError? Check(string unit) => units.View(unit) switch
    {
        null => StationError.NotFound($"unit '{unit}' is not known"),
        { Online: false } => Offline(unit),
        _ => null,
    };

    private static StationError Offline(string unit) => StationError.Conflict($"unit '{unit}' is offline; its processes can be listed once its agent reconnects");

    private static StationError CouldNotAsk(string unit, Exception ex) => StationError.Conflict($"unit '{unit}' could not be asked: {ex.Message}");

    private StationError NoAnswer(string unit) => StationError.Conflict($"unit '{unit}' did not answer within {options.Value.AgentAnswerSeconds:0.#} s; try again");

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrWhiteSpace(text)) { value = fallback; return true; }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
