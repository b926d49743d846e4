using System.Diagnostics.Metrics;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Telemetry;

/// <summary>
/// The station's instruments on the <c>Ccdsvm.Station</c> meter. Counters and histograms are recorded where things
/// happen (admission, lock grants, ends); the gauges read the task table and the unit registry when collected. Names
/// follow OpenTelemetry's conventions and come out of the Prometheus exporter as <c>ccdsvm_…</c>.
/// </summary>
public sealed class StationMetrics : IDisposable
{
    public const string MeterName = "Ccdsvm.Station";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _admission;
    private readonly Counter<long> _lockWaits;
    private readonly Histogram<double> _lockWait;
    private readonly Counter<long> _ended;
    private readonly Counter<long> _dataMoveBytes;
    private Func<IEnumerable<Measurement<int>>>? _tasksByState;
    private Func<int>? _slotsInUse;

    public StationMetrics(IMeterFactory? meters = null, UnitRegistry? units = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _admission = _meter.CreateHistogram<double>("ccdsvm.task.admission.duration", "s",
            "Time from a submission's arrival to its answer (validated, committed and durable)");
        _lockWaits = _meter.CreateCounter<long>("ccdsvm.lock.waits", "{task}", "Tasks admitted whose locks were not free, so they waited");
        _lockWait = _meter.CreateHistogram<double>("ccdsvm.lock.wait.duration", "s", "Time a task waited for its locks, from admission to grant");
        _ended = _meter.CreateCounter<long>("ccdsvm.tasks.ended", "{task}", "Tasks that ended, by end state");
        _dataMoveBytes = _meter.CreateCounter<long>("ccdsvm.data_move.bytes", "By", "Bytes moved by data.move tasks that succeeded, by destination unit");
        _meter.CreateObservableGauge("ccdsvm.tasks", () => _tasksByState?.Invoke() ?? [], "{task}", "Tasks in the task list now, by state");
        _meter.CreateObservableGauge("ccdsvm.slots.used", () => _slotsInUse?.Invoke() ?? 0, "{slot}", "Task slots in use");
        if (units is not null)
            _meter.CreateObservableGauge("ccdsvm.units.connected", () => units.OnlineCount, "{unit}", "Units whose agent is connected");
    }

    /// <summary>The task engine hands over what the gauges read (it owns the task table and its lock).</summary>
    internal void Observe(Func<IEnumerable<Measurement<int>>> tasksByState, Func<int> slotsInUse)
    {
        _tasksByState = tasksByState;
        _slotsInUse = slotsInUse;
    }

    internal void Admitted(string kind, TimeSpan elapsed, bool waitsForLocks)
    {
        _admission.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(StationTelemetry.KindTag, kind));
        if (waitsForLocks) _lockWaits.Add(1, new KeyValuePair<string, object?>(StationTelemetry.KindTag, kind));
    }

    internal void LockGranted(string kind, TimeSpan waited) =>
        _lockWait.Record(Math.Max(0, waited.TotalSeconds), new KeyValuePair<string, object?>(StationTelemetry.KindTag, kind));

    internal void Ended(string kind, TaskState state) =>
        _ended.Add(1, new KeyValuePair<string, object?>(StationTelemetry.KindTag, kind), new KeyValuePair<string, object?>(StationTelemetry.StateTag, state.ToApi()));

    internal void DataMoved(string unitId, long bytes)
    {
        if (bytes > 0) _dataMoveBytes.Add(bytes, new KeyValuePair<string, object?>(StationTelemetry.UnitIdTag, unitId));
    }

    /// <summary>A meter from the host's factory is the factory's to dispose.</summary>
    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
