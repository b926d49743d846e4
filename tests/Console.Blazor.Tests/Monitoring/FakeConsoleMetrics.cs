using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Monitoring;

/// <summary>A scripted station for the monitoring components: the test pushes summaries, samples and alerts.</summary>
public sealed class FakeConsoleMetrics : IConsoleMetrics
{
    private readonly Notifier<UnitSummary> _summaries = new();
    private readonly Notifier<AlertChange> _alertChanges = new();
    private readonly Notifier<UnitView> _unitChanges = new();
    private readonly Notifier<(string Unit, MetricsSample Sample)> _samples = new();
    private readonly List<Alert> _alerts = [];

    public List<UnitView> UnitList { get; } = [];
    public Dictionary<string, List<MetricPoint>> Points { get; } = [];
    public int ActiveWatches;

    public static UnitView Unit(string id, bool online = true) =>
        new(id, id, online ? "online" : "offline", null, "Debian 12", "6.1", id, 2, 1L << 30, [], [], [], DateTimeOffset.UtcNow, online ? null : DateTimeOffset.UtcNow);

    public void PushSummary(string unit, double cpu, long memUsed = 512L << 20) =>
        _summaries.Publish(new UnitSummary(unit, new MetricsSummary(DateTimeOffset.UtcNow, cpu, memUsed, 1L << 30, 1000, 2000, 3000, 4000, 0.5, []), DateTimeOffset.UtcNow));

    public void PushSample(string unit, double cpu) => _samples.Publish((unit, new MetricsSample(DateTimeOffset.UtcNow,
        new CpuFigures("cpu", cpu, cpu, 0, 0, 0), [], 1.5, 1, 0.5, new MemoryFigures(1L << 30, 256L << 20, 768L << 20, 0, 0), [], [], [], 120, 340,
        new UnitRates(5000, 6000, 7000, 8000))));

    public void RaiseAlert(Alert alert)
    {
        lock (_alerts) _alerts.Add(alert);
        _alertChanges.Publish(new AlertChange(alert, true));
    }

    public IReadOnlyList<UnitView> Units() => UnitList;
    public UnitSummary? Summary(string unit) => null;
    public IReadOnlyList<Alert> Alerts(string? unit = null) { lock (_alerts) return _alerts.Where(a => unit is null || a.Unit == unit).ToList(); }

    public Outcome<MetricsHistory> History(string unit, DateTimeOffset from, DateTimeOffset to, string? step = null) =>
        new MetricsHistory(unit, step ?? "1s", from, to, Points.GetValueOrDefault(unit) ?? []);

    public IDisposable SubscribeSummaries(Action<UnitSummary> handler) => _summaries.Subscribe(handler);
    public IDisposable SubscribeAlerts(Action<AlertChange> handler) => _alertChanges.Subscribe(handler);
    public IDisposable SubscribeUnits(Action<UnitView> handler) => _unitChanges.Subscribe(handler);

    public Task<IAsyncDisposable> WatchAsync(string unit, Action<MetricsSample> onSample)
    {
        Interlocked.Increment(ref ActiveWatches);
        var sub = _samples.Subscribe(s => { if (s.Unit == unit) onSample(s.Sample); });
        return Task.FromResult<IAsyncDisposable>(new Watch(this, sub));
    }

    /// <summary>What <see cref="ProcessesAsync"/> answers; <see cref="ProcessCalls"/> counts the asks.</summary>
    public List<ProcessInfo> ProcessTable { get; } = [];
    public Dictionary<int, List<ThreadInfo>> ThreadTables { get; } = [];
    public int ProcessCalls;

    public Task<Outcome<ProcessList>> ProcessesAsync(string unit)
    {
        Interlocked.Increment(ref ProcessCalls);
        lock (ProcessTable) return Task.FromResult<Outcome<ProcessList>>(new ProcessList(DateTimeOffset.UtcNow, [.. ProcessTable]));
    }

    public Task<Outcome<ThreadList>> ThreadsAsync(string unit, int pid) =>
        Task.FromResult<Outcome<ThreadList>>(new ThreadList(pid, ThreadTables.GetValueOrDefault(pid) ?? [], null));

    private sealed class Watch(FakeConsoleMetrics owner, IDisposable sub) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            sub.Dispose();
            Interlocked.Decrement(ref owner.ActiveWatches);
            return ValueTask.CompletedTask;
        }
    }
}
