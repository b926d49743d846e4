using System.Globalization;
using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Schedules;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Pages;

/// <summary>
/// The Schedules page: the user's schedules (an administrator's: all) with their next and last run, an enable toggle and a
/// delete; a form whose cron expression is checked as one types, showing the next three runs. Live: a task change reads
/// the list again (a run starts a task).
/// </summary>
public partial class ScheduleList
{
    private IReadOnlyList<ScheduleView> _items = [];
    private IReadOnlyList<DateTimeOffset> _preview = [];
    private string? _error, _previewError;
    private string _name = "", _cron = "30 2 * * *", _zone = "UTC", _kind = "storage.inventory", _target = "", _parameters = "{}", _missed = ScheduleMissedRuns.RunOnce;
    private LiveTaskUpdates? _subscription;

    protected override void OnInitialized()
    {
        Reload();
        UpdatePreview();
        _subscription = new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, _ => { Reload(); StateHasChanged(); });
    }

    private void Reload() => _items = Schedules.List();

    private void CronChanged(ChangeEventArgs e)
    {
        _cron = e.Value?.ToString() ?? "";
        UpdatePreview();
    }

    private void ZoneChanged(ChangeEventArgs e)
    {
        _zone = e.Value?.ToString() ?? "";
        UpdatePreview();
    }

    private void UpdatePreview()
    {
        var preview = Schedules.Preview(_cron, _zone);
        _preview = preview.Ok ? preview.Value! : [];
        _previewError = preview.Ok ? null : preview.Error!.Message;
    }

    private void Save()
    {
        JsonElement parameters;
        try
        {
            parameters = JsonDocument.Parse(string.IsNullOrWhiteSpace(_parameters) ? "{}" : _parameters).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            _error = "'template.parameters' is not valid JSON: " + ex.Message;
            return;
        }
        var target = string.IsNullOrWhiteSpace(_target) ? null : _target.Trim();
        var outcome = Schedules.Create(new ScheduleRequest(_name, _cron, _zone, new ScheduleTemplate(_kind, target, parameters), true, _missed));
        _error = outcome.Ok ? null : outcome.Error!.Message;
        if (outcome.Ok) _name = "";
        Reload();
    }

    private void Toggle(ScheduleView s)
    {
        var outcome = Schedules.Update(s.Id, new ScheduleRequest(s.Name, s.Cron, s.TimeZone, s.Template, !s.Enabled, s.MissedRuns));
        _error = outcome.Ok ? null : outcome.Error!.Message;
        Reload();
    }

    private void Delete(ScheduleView s)
    {
        var outcome = Schedules.Delete(s.Id);
        _error = outcome.Ok ? null : outcome.Error!.Message;
        Reload();
    }

    private static string On(ScheduleTemplate t) =>
        t.Target ?? (t.Targets is { } ts ? $"{ts.Count} units" : t.Selector is not null ? "the units a selector picks" : "?");

    private static string Words(ScheduleRunView r) => r.State switch
    {
        ScheduleRunStates.Started => "started" + (r.TaskState is { } s ? $" ({s})" : ""),
        ScheduleRunStates.Refused => "refused",
        ScheduleRunStates.Overlap => "skipped: previous run still going",
        ScheduleRunStates.Missed => "skipped: station was down",
        _ => r.State,
    };

    /// <summary>An instant as the schedule's zone reads it (the zone named after it), UTC when the zone is unknown.</summary>
    private static string InZone(DateTimeOffset at, string zone)
    {
        TimeZoneInfo? z = !string.IsNullOrWhiteSpace(zone) && zone.Length <= 64 && !zone.Contains("..", StringComparison.Ordinal)
            && TimeZoneInfo.TryFindSystemTimeZoneById(zone.Trim(), out var found) ? found : null;
        var local = z is null ? at.ToUniversalTime() : TimeZoneInfo.ConvertTime(at, z);
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + (z is null ? "UTC" : zone);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
