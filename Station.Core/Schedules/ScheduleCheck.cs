using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Bulk;
using Ccdsvm.Station.Core.Units;
using Cronos;

namespace Ccdsvm.Station.Core.Schedules;

/// <summary>A schedule request as checked: its cron expression parsed, its time zone found, the missed-run policy and enabled flag resolved.</summary>
internal sealed record CheckedSchedule(string Name, string Cron, CronExpression Expression, TimeZoneInfo Zone, ScheduleTemplate Template, bool Enabled, string MissedRuns);

/// <summary>Checks a schedule request before anything is stored: every refusal names the field.</summary>
internal static class ScheduleCheck
{
    public const int MaxName = 100, MaxCron = 200, MaxZone = 64;

    public static Outcome<CheckedSchedule> Check(ScheduleRequest? request)
    {
        if (request is null) return StationError.BadRequest("the body must be a schedule: {\"name\", \"cron\", \"timeZone\", \"template\"}");
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return StationError.BadRequest("'name' is required");
        if (name.Length > MaxName) return StationError.BadRequest($"'name' is longer than {MaxName} characters");
        var cron = Cron(request.Cron);
        if (!cron.Ok) return cron.Error!;
        var zone = Zone(request.TimeZone);
        if (!zone.Ok) return zone.Error!;
        var missed = request.MissedRuns ?? ScheduleMissedRuns.RunOnce;
        if (!ScheduleMissedRuns.All.Contains(missed))
            return StationError.BadRequest($"'missedRuns' must be one of {string.Join(", ", ScheduleMissedRuns.All)}; got '{UnitDirectory.Echo(missed)}'");
        if (TemplateProblem(request.Template) is { } bad) return StationError.BadRequest(bad);
        return new CheckedSchedule(name, request.Cron!.Trim(), cron.Value!, zone.Value!, request.Template!, request.Enabled ?? true, missed);
    }

    /// <summary>A cron expression of five fields (minute first) or six (seconds first); the refusal names <c>cron</c> and says why.</summary>
    public static Outcome<CronExpression> Cron(string? text)
    {
        var cron = text?.Trim();
        if (string.IsNullOrEmpty(cron)) return StationError.BadRequest("'cron' is required, e.g. \"30 2 * * *\" (02:30 every day)");
        if (cron.Length > MaxCron) return StationError.BadRequest($"'cron' is longer than {MaxCron} characters");
        int fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
            return StationError.BadRequest($"'cron' must have 5 fields (minute hour day month weekday) or 6 (seconds first); got {fields}: '{UnitDirectory.Echo(cron)}'");
        try
        {
            return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (Exception ex) when (ex is CronFormatException or ArgumentException or OverflowException or FormatException)
        {
            return StationError.BadRequest($"'cron' is not a valid cron expression ('{UnitDirectory.Echo(cron)}'): {ex.Message}");
        }
    }

    /// <summary>An IANA time zone such as <c>Europe/Berlin</c>; UTC when absent.</summary>
    public static Outcome<TimeZoneInfo> Zone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        if (id.Length > MaxZone || id.Contains("..", StringComparison.Ordinal) || id.Any(char.IsControl))
            return StationError.BadRequest($"'timeZone' is not a known time zone: '{UnitDirectory.Echo(id)}' (an IANA name such as \"Europe/Berlin\" or \"UTC\")");
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return StationError.BadRequest($"'timeZone' is not a known time zone: '{UnitDirectory.Echo(id)}' (an IANA name such as \"Europe/Berlin\" or \"UTC\")");
        }
    }

    private static string? TemplateProblem(ScheduleTemplate? t)
    {
        if (t is null) return "'template' is required: the task to start, e.g. {\"kind\": \"fs.list\", \"target\": \"unit-1\", \"parameters\": {…}}";
        if (string.IsNullOrWhiteSpace(t.Kind)) return "'template.kind' is required, e.g. \"fs.list\"";
        if (!KindContracts.TryGet(t.Kind, out _))
            return $"'template.kind': unknown task kind '{UnitDirectory.Echo(t.Kind)}'; kinds: {string.Join(", ", KindContracts.All.Select(c => c.Kind).Order(StringComparer.Ordinal))}";
        int ways = (string.IsNullOrWhiteSpace(t.Target) ? 0 : 1) + (t.Targets is null ? 0 : 1) + (t.Selector is null ? 0 : 1);
        if (ways == 0) return "'template' needs 'target' (one unit), 'targets' (a list of unit ids) or 'selector' (filters over the units list)";
        if (ways > 1) return "'template' takes one of 'target', 'targets' or 'selector', not several";
        if (t.Targets is { Count: 0 }) return "'template.targets' is empty: name at least one unit id";
        if (t.Targets is { } ts && ts.Any(string.IsNullOrWhiteSpace)) return "'template.targets' has an empty unit id";
        if (t.Targets is { Count: > BulkRequestCheck.MaxUnits }) return $"'template.targets' names more than {BulkRequestCheck.MaxUnits} units";
        if (t.Selector is { } s && new[] { s.Tag, s.Status, s.Parent, s.Os, s.Name, s.Search, s.Kind }.All(string.IsNullOrWhiteSpace))
            return "'template.selector' has no filter: give at least one of tag, status, parent, os, name, search, kind";
        if (t.Rollout is not null && !string.IsNullOrWhiteSpace(t.Target)) return "'template.rollout' goes with 'targets' or 'selector', not with one 'target'";
        if (t.Rollout is { } r && BulkRequestCheck.RolloutProblem(r) is { } bad) return "'template." + bad.TrimStart('\'');
        if (t.Parameters is { } p && p.ValueKind is not (System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined))
            return "'template.parameters' must be a JSON object";
        return null;
    }
}
