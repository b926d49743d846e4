using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>
/// Monitoring as one caller may see it: figures, processes, threads, live samples and alerts of units
/// where they hold Units.Monitor; units they cannot view are unknown to them.
/// </summary>
public sealed class UnitMonitoring(UnitDirectory directory, UnitMetrics metrics, MetricsWatch watch, Alerts alerts, MetricsIngest ingest)
{
    public IReadOnlyList<UnitView> Units(Caller caller) => directory.All(caller);

    public Outcome<MetricsHistory> History(Caller caller, string unit, string? from, string? to, string? step) =>
        directory.DemandMonitor(caller, unit) is { } refusal ? refusal : metrics.History(unit, from, to, step);

    public async Task<Outcome<ProcessList>> ProcessesAsync(Caller caller, string unit) =>
        directory.DemandMonitor(caller, unit) is { } refusal ? refusal : await metrics.ProcessesAsync(unit, caller.Name).ConfigureAwait(false);

    public async Task<Outcome<ThreadList>> ThreadsAsync(Caller caller, string unit, int pid) =>
        directory.DemandMonitor(caller, unit) is { } refusal ? refusal : await metrics.ThreadsAsync(unit, pid, caller.Name).ConfigureAwait(false);

    /// <summary>Checks before a live stream starts (the stream itself is <see cref="Stream"/>).</summary>
    public StationError? CanWatch(Caller caller, string unit) => directory.DemandMonitor(caller, unit);

    public IAsyncEnumerable<MetricsSample> Stream(string unit, CancellationToken cancellationToken) => watch.StreamAsync(unit, cancellationToken);

    public async Task<Outcome<IAsyncDisposable>> WatchAsync(Caller caller, string unit, Action<MetricsSample> onSample) =>
        directory.DemandMonitor(caller, unit) is { } refusal ? refusal : Outcome(await watch.WatchAsync(unit, onSample).ConfigureAwait(false));

    private static Outcome<IAsyncDisposable> Outcome(IAsyncDisposable d) => new(d, null);

    public IReadOnlyList<Alert> Alerts(Caller caller, string? unit = null) =>
        alerts.Active(unit).Where(a => directory.View(caller, a.Unit).Ok).ToList();

    public UnitSummary? Summary(Caller caller, string unit) => directory.View(caller, unit).Ok ? ingest.LatestSummary(unit) : null;

    public bool CanSee(Caller caller, string unit) => directory.View(caller, unit).Ok;
}
