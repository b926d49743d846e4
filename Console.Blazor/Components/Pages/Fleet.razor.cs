using System.Globalization;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Pages;

/// <summary>
/// The fleet's tiles, one page at a time: the units the user sees are filtered and sorted on the server, tiles (and
/// their history) are built only for the visible page, summaries of other units are not kept, and renders are
/// throttled to one per <see cref="Throttle"/> however many units report.
/// </summary>
public sealed partial class Fleet : IDisposable
{
    public const int PageSize = 48;
    private const int SparkPoints = 60;
    private static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(700);
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    [Inject] private IConsoleMetrics Metrics { get; set; } = default!;

    private IReadOnlyList<UnitView> _units = [];
    private List<UnitView> _matches = [];
    private List<UnitView> _visible = [];
    private volatile HashSet<string> _visibleIds = new(StringComparer.Ordinal);
    private IReadOnlyList<Alert> _alerts = [];
    private Dictionary<string, List<MetricsSummary>> _history = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private readonly CancellationTokenSource _closed = new();
    private string _filter = "";
    private string _sort = "name";
    private bool _onlineOnly;
    private int _page = 1;
    private int _renderPending, _reloadUnits;

    private int Pages => Math.Max(1, (_matches.Count + PageSize - 1) / PageSize);

    protected override void OnInitialized()
    {
        _units = Metrics.Units();
        _alerts = Metrics.Alerts();
        Load();
        // Summaries of units off the page are dropped here, before they cost the circuit anything.
        _subscriptions.Add(Metrics.SubscribeSummaries(s =>
        {
            if (_visibleIds.Contains(s.Unit)) _ = InvokeAsync(() => { Append(s.Unit, s.Summary); ScheduleRender(); });
        }));
        _subscriptions.Add(Metrics.SubscribeAlerts(_ => InvokeAsync(() => { _alerts = Metrics.Alerts(); ScheduleRender(); })));
        _subscriptions.Add(Metrics.SubscribeUnits(_ =>
        {
            Interlocked.Exchange(ref _reloadUnits, 1);
            ScheduleRender();
        }));
    }

    /// <summary>Filters and sorts the units, then builds the visible page; history is read only for units new on it.</summary>
    private void Load()
    {
        string search = _filter.Trim();
        bool Has(string? text) => text?.Contains(search, StringComparison.OrdinalIgnoreCase) == true;
        var units = _units.Where(u => (!_onlineOnly || u.Online)
            && (search.Length == 0 || Has(u.Id) || Has(u.Name) || Has(u.Hostname) || (u.Tags ?? []).Any(Has)));
        var alertCounts = _alerts.GroupBy(a => a.Unit, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        _matches = (_sort switch
        {
            "cpu" => units.OrderByDescending(u => Latest(u.Id)?.CpuPercent ?? -1).ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase),
            "memory" => units.OrderByDescending(u => Latest(u.Id) is { MemTotalBytes: > 0 } s ? (double)s.MemUsedBytes / s.MemTotalBytes : -1).ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase),
            "alerts" => units.OrderByDescending(u => alertCounts.GetValueOrDefault(u.Id)).ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase),
            _ => units.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase),
        }).ToList();
        _page = Math.Clamp(_page, 1, Pages);
        _visible = _matches.Skip((_page - 1) * PageSize).Take(PageSize).ToList();
        _visibleIds = _visible.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var kept = new Dictionary<string, List<MetricsSummary>>(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        foreach (var u in _visible) kept[u.Id] = _history.TryGetValue(u.Id, out var h) ? h : ReadHistory(u.Id, now);
        _history = kept;
    }

    private MetricsSummary? Latest(string unit) =>
        _history.TryGetValue(unit, out var l) && l.Count > 0 ? l[^1] : Metrics.Summary(unit)?.Summary;

    private List<MetricsSummary> ReadHistory(string unit, DateTimeOffset now)
    {
        var h = Metrics.History(unit, now.AddMinutes(-10), now, "1s");
        var list = h.Ok
            ? h.Value!.Points.TakeLast(SparkPoints).Select(p => new MetricsSummary(p.T, p.CpuPercent, (long)p.MemUsedBytes, p.MemTotalBytes,
                p.NetRxBytesPerSec, p.NetTxBytesPerSec, p.DiskReadBytesPerSec, p.DiskWriteBytesPerSec, 0, [])).ToList()
            : [];
        if (Metrics.Summary(unit) is { } s && (list.Count == 0 || list[^1].At < s.Summary.At)) list.Add(s.Summary);
        return list;
    }

    private void ScheduleRender()
    {
        if (Interlocked.Exchange(ref _renderPending, 1) == 1) return;
        _ = RenderLaterAsync();
    }

    private async Task RenderLaterAsync()
    {
        try
        {
            await Task.Delay(Throttle, _closed.Token);
            Interlocked.Exchange(ref _renderPending, 0);
            await InvokeAsync(() =>
            {
                if (Interlocked.Exchange(ref _reloadUnits, 0) == 1)
                {
                    _units = Metrics.Units();
                    Load();
                }
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away while the render waited.
        }
    }

    private void Append(string unit, MetricsSummary summary)
    {
        if (!_history.TryGetValue(unit, out var list)) _history[unit] = list = [];
        list.Add(summary);
        if (list.Count > SparkPoints) list.RemoveAt(0);
    }

    private MetricsSummary? Summary(string unit) => _history.TryGetValue(unit, out var l) && l.Count > 0 ? l[^1] : null;
    private List<MetricsSummary> HistoryOf(string unit) => _history.TryGetValue(unit, out var l) ? l : [];
    private List<Alert> AlertsOf(string unit) => _alerts.Where(a => a.Unit == unit).ToList();

    private string CountText()
    {
        string alerts = $"{_alerts.Count.ToString("N0", Culture)} alert{(_alerts.Count == 1 ? "" : "s")}";
        if (_matches.Count <= PageSize) return $"{_matches.Count.ToString("N0", Culture)} of {_units.Count.ToString("N0", Culture)} units · {alerts}";
        int first = (_page - 1) * PageSize + 1;
        return $"{first.ToString("N0", Culture)}–{(first + _visible.Count - 1).ToString("N0", Culture)} of {_matches.Count.ToString("N0", Culture)} "
            + $"(of {_units.Count.ToString("N0", Culture)} units) · {alerts}";
    }

    private void FilterChanged(string? value) => Apply(() => _filter = value ?? "");
    private void SortChanged(string? value) => Apply(() => _sort = value ?? "name");
    private void OnlineOnlyChanged(bool value) => Apply(() => _onlineOnly = value);

    private void PageChanged(int page)
    {
        _page = page;
        Load();
    }

    private void Apply(Action change)
    {
        change();
        _page = 1;
        Load();
    }

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        foreach (var s in _subscriptions) s.Dispose();
    }
}
