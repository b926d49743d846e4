using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// What the monitoring pages need from the station. Components depend on this interface so bUnit tests
/// can drive them from a fixed stream; handlers run off the renderer, so components hop with InvokeAsync.
/// </summary>
public interface IConsoleMetrics
{
    IReadOnlyList<UnitView> Units();
    UnitSummary? Summary(string unit);
    IReadOnlyList<Alert> Alerts(string? unit = null);
    Outcome<MetricsHistory> History(string unit, DateTimeOffset from, DateTimeOffset to, string? step = null);
    IDisposable SubscribeSummaries(Action<UnitSummary> handler);
    IDisposable SubscribeAlerts(Action<AlertChange> handler);
    IDisposable SubscribeUnits(Action<UnitView> handler);

    /// <summary>Full-rate samples until the handle is disposed; the agent streams only while someone watches.</summary>
    Task<IAsyncDisposable> WatchAsync(string unit, Action<MetricsSample> onSample);

    Task<Outcome<ProcessList>> ProcessesAsync(string unit);
    Task<Outcome<ThreadList>> ThreadsAsync(string unit, int pid);
}

public sealed class ConsoleMetrics(UnitRegistry units, MetricsIngest ingest, Alerts alerts, MetricsWatch watch, UnitMetrics metrics) : IConsoleMetrics
{
    public IReadOnlyList<UnitView> Units() => units.All();
    public UnitSummary? Summary(string unit) => ingest.LatestSummary(unit);
    public IReadOnlyList<Alert> Alerts(string? unit = null) => alerts.Active(unit);

    public Outcome<MetricsHistory> History(string unit, DateTimeOffset from, DateTimeOffset to, string? step = null) =>
        metrics.History(unit, from.ToString("O"), to.ToString("O"), step);

    public IDisposable SubscribeSummaries(Action<UnitSummary> handler) => ingest.Summaries.Subscribe(handler);
    public IDisposable SubscribeAlerts(Action<AlertChange> handler) => alerts.Subscribe(handler);
    public IDisposable SubscribeUnits(Action<UnitView> handler) => units.Subscribe(handler);
    public Task<IAsyncDisposable> WatchAsync(string unit, Action<MetricsSample> onSample) => watch.WatchAsync(unit, onSample);
    public Task<Outcome<ProcessList>> ProcessesAsync(string unit) => metrics.ProcessesAsync(unit);
    public Task<Outcome<ThreadList>> ThreadsAsync(string unit, int pid) => metrics.ThreadsAsync(unit, pid);
}
