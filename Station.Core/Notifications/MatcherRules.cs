using Ccdsvm.Shared.Contracts.Notifications;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>A matcher once checked: what it takes and where it sends, with its window's time zone resolved.</summary>
internal sealed record MatcherRule(long Id, string Name, bool Enabled, IReadOnlyList<long> Targets, string MinSeverity, IReadOnlyList<string> Types,
    IReadOnlyList<string> Kinds, IReadOnlyList<string> UnitTags, NotificationWindow? Window, TimeZoneInfo Zone, string Digest)
{
    /// <summary>Whether the event passes every filter of the matcher and falls inside its window.</summary>
    public bool Matches(NotificationEvent e)
    {
        if (!Enabled) return false;
        if (NotificationSeverities.Rank(e.Severity) < NotificationSeverities.Rank(MinSeverity)) return false;
        if (Types.Count > 0 && !Types.Contains(e.Type)) return false;
        if (Kinds.Count > 0 && (e.TaskKind is null || !Kinds.Contains(e.TaskKind))) return false;
        if (UnitTags.Count > 0 && !e.Tags.Any(UnitTags.Contains)) return false;
        return Window is null || Inside(e.At);
    }

    /// <summary>Whether <paramref name="at"/> falls on one of the window's days and inside its hours, in its time zone.</summary>
    public bool Inside(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        int from = Window!.FromHour ?? 0, to = Window.ToHour ?? 24;
        var day = local.DayOfWeek;
        // A window past midnight (22-6): the early hours belong to the day it opened.
        if (from > to && local.Hour < to) day = day == DayOfWeek.Sunday ? DayOfWeek.Saturday : day - 1;
        if (Window.Days is { Count: > 0 } days && !days.Contains(MatcherCheck.DayNames[(int)day])) return false;
        return from <= to ? local.Hour >= from && local.Hour < to : local.Hour >= from || local.Hour < to;
    }

    /// <summary>The end of the digest period <paramref name="at"/> falls in: the next full hour, or the next midnight in the window's zone (UTC without one).</summary>
    public DateTimeOffset PeriodEnd(DateTimeOffset at)
    {
        if (Digest == DigestPolicies.Hourly)
            return new DateTimeOffset(at.UtcDateTime.Date.AddHours(at.UtcDateTime.Hour + 1), TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        var midnight = local.Date.AddDays(1);
        return new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight));
    }
}

/// <summary>Checks a matcher request; every refusal says what to send instead.</summary>
internal static class MatcherCheck
{
    public const int MaxName = 100, MaxItems = 50;
    public static readonly IReadOnlyList<string> DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static Outcome<MatcherRule> Check(NotificationMatcherRequest? r, long id, Func<long, bool> targetExists)
    {
        if (r is null) return StationError.BadRequest("send the matcher as JSON: {\"name\", \"targets\": [target ids], …}");
        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxName) return StationError.BadRequest($"'name' is required, at most {MaxName} characters");
        if (r.Targets is not { Count: > 0 and <= MaxItems } targets) return StationError.BadRequest($"'targets' must list 1 to {MaxItems} target ids (GET /api/v1/notification-targets)");
        foreach (var t in targets)
            if (!targetExists(t)) return StationError.BadRequest($"'targets' names target {t}, which does not exist");
        var severity = r.MinSeverity ?? NotificationSeverities.Info;
        if (NotificationSeverities.Rank(severity) < 0)
            return StationError.BadRequest($"'minSeverity' must be one of {string.Join(", ", NotificationSeverities.All)}; got '{Units.UnitDirectory.Echo(r.MinSeverity)}'");
        if ((TooMany(r.Types, "types") ?? TooMany(r.Kinds, "kinds") ?? TooMany(r.UnitTags, "unitTags")) is { } tooMany) return tooMany;
        if (r.Types?.FirstOrDefault(t => !NotificationTypes.All.Contains(t)) is { } type)
            return StationError.BadRequest($"'types' holds '{Units.UnitDirectory.Echo(type)}'; the types are {string.Join(", ", NotificationTypes.All)}");
        foreach (var k in r.Kinds ?? [])
            if (k is null || (k != Shared.Contracts.Bulk.BulkTasks.ParentKind && !KindContracts.TryGet(k, out _))) return StationError.BadRequest($"'kinds' holds '{Units.UnitDirectory.Echo(k)}', which is not a task kind");
        if (r.UnitTags?.Any(string.IsNullOrWhiteSpace) == true) return StationError.BadRequest("'unitTags' must not hold an empty tag");
        var digest = r.Digest ?? DigestPolicies.Immediately;
        if (!DigestPolicies.All.Contains(digest))
            return StationError.BadRequest($"'digest' must be one of {string.Join(", ", DigestPolicies.All)}; got '{Units.UnitDirectory.Echo(r.Digest)}'");
        var zone = TimeZoneInfo.Utc;
        if (r.Window is { } w)
        {
            if (w.FromHour is < 0 or > 23 || w.ToHour is < 1 or > 24)
                return StationError.BadRequest("'window.fromHour' must be 0-23 and 'window.toHour' 1-24 (to is exclusive; 22 to 6 spans midnight)");
            if (w.FromHour is { } f && w.ToHour is { } t && f == t) return StationError.BadRequest("'window.fromHour' and 'window.toHour' must differ");
            if (w.Days is { } days && (days.Count > 7 || days.Any(d => !DayNames.Contains(d))))
                return StationError.BadRequest($"'window.days' must name days as {string.Join(", ", DayNames)}");
            var found = Schedules.ScheduleCheck.Zone(w.TimeZone);
            if (!found.Ok) return StationError.BadRequest($"'window.timeZone' must be an IANA time zone such as Europe/Berlin; got '{Units.UnitDirectory.Echo(w.TimeZone)}'");
            zone = found.Value!;
        }
        return new MatcherRule(id, name, r.Enabled ?? true, [.. targets.Distinct()], severity, r.Types ?? [], r.Kinds ?? [],
            [.. (r.UnitTags ?? []).Select(t => t.Trim())], r.Window, zone, digest);
    }

    private static StationError? TooMany(IReadOnlyList<string>? items, string field) =>
        items is { Count: > MaxItems } ? StationError.BadRequest($"'{field}' lists at most {MaxItems} items") : null;
}
