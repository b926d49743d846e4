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

    /// <summary>The CPU percentage above which the unit raises an alert, shaded on its charts; null when unknown.</summary>
    double? CpuAlertPercent(string unit) => null;
}

public sealed class ConsoleMetrics(ConsoleUser user, UnitMonitoring monitoring, MetricsIngest ingest, Alerts alerts, UnitDirectory directory) : IConsoleMetrics
{
    public IReadOnlyList<UnitView> Units() => monitoring.Units(user.Caller);
    public UnitSummary? Summary(string unit) => monitoring.Summary(user.Caller, unit);
    public IReadOnlyList<Alert> Alerts(string? unit = null) => monitoring.Alerts(user.Caller, unit);
    public double? CpuAlertPercent(string unit) => alerts.Thresholds(unit).CpuPercent;

    public Outcome<MetricsHistory> History(string unit, DateTimeOffset from, DateTimeOffset to, string? step = null) =>
        monitoring.History(user.Caller, unit, from.ToString("O"), to.ToString("O"), step);

    public IDisposable SubscribeSummaries(Action<UnitSummary> handler) => ingest.Summaries.Subscribe(s =>
    {
        if (monitoring.CanSee(user.Caller, s.Unit)) handler(s);
    });

    public IDisposable SubscribeAlerts(Action<AlertChange> handler) => alerts.Subscribe(a =>
    {
        if (monitoring.CanSee(user.Caller, a.Alert.Unit)) handler(a);
    });

    public IDisposable SubscribeUnits(Action<UnitView> handler) => directory.Subscribe(handler);

    public async Task<IAsyncDisposable> WatchAsync(string unit, Action<MetricsSample> onSample)
    {
        var outcome = await monitoring.WatchAsync(user.Caller, unit, onSample);
        return outcome.Ok ? outcome.Value! : throw new UnauthorizedAccessException(outcome.Error!.Message);
    }

    public Task<Outcome<ProcessList>> ProcessesAsync(string unit) => monitoring.ProcessesAsync(user.Caller, unit);
    public Task<Outcome<ThreadList>> ThreadsAsync(string unit, int pid) => monitoring.ThreadsAsync(user.Caller, unit, pid);
}
