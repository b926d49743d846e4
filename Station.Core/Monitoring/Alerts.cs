using Microsoft.Extensions.Logging;
using System.Globalization;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>An active alert. <see cref="Key"/> is the rule plus its subject (a mount point for file systems).</summary>
public sealed record Alert(string Unit, string Rule, string Key, string Message, DateTimeOffset Since);

/// <summary>An alert raised (<see cref="Active"/> true) or cleared.</summary>
public sealed record AlertChange(Alert Alert, bool Active);

/// <summary>
/// Evaluates the per-unit rules on what units report (CPU held high, a file system nearly full, unit
/// offline), raises an alert when a condition starts and clears it when the condition ends.
/// Active alerts are not stored: after a station restart a condition that still holds is raised again from
/// fresh data (offline at once from the stored unit list until the agent announces itself, a full file
/// system with the unit's first summary, CPU once it has been held high again for the rule's minutes, since
/// the station cannot know the unit's CPU while it was down), and one that ended is never shown stale.
/// </summary>
public sealed class Alerts : Notifier<AlertChange>
{
    public const string Cpu = "cpu", FileSystem = "fs", Offline = "offline";
    private readonly object _gate = new();
    private readonly Dictionary<(string Unit, string Key), Alert> _active = [];
    private readonly Dictionary<string, DateTimeOffset> _cpuHighSince = new(StringComparer.Ordinal);
    private readonly IOptions<MonitoringOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>The thresholds that apply to <paramref name="unit"/>, for charts that shade the range an alert watches.</summary>
    public AlertThresholds Thresholds(string unit) => _options.Value.For(unit);

    public Alerts(IOptions<MonitoringOptions> options, UnitRegistry units, TimeProvider time, ILogger<Alerts>? logger = null) : base(logger)
    {
        _options = options;
        _time = time;
        foreach (var u in units.All()) OnUnit(u);
        // Kept for the station's life, like the registry itself.
        units.Subscribe(OnUnit);
    }

    public IReadOnlyList<Alert> Active(string? unit = null)
    {
        lock (_gate) return _active.Values.Where(a => unit is null || a.Unit == unit).OrderBy(a => a.Since).ToList();
    }

    public void OnUnit(UnitView unit)
    {
        if (unit.Online) Clear(unit.Id, Offline);
        else if (_options.Value.For(unit.Id).Offline)
            Raise(new Alert(unit.Id, Offline, Offline, $"{unit.Name} is offline since {(unit.OfflineSince ?? unit.LastSeen):u}", unit.OfflineSince ?? _time.GetUtcNow()));
    }

    public void OnCpu(string unit, double cpuPercent)
    {
        var rule = _options.Value.For(unit);
        var now = _time.GetUtcNow();
        DateTimeOffset since;
        lock (_gate)
        {
            if (cpuPercent <= rule.CpuPercent)
            {
                _cpuHighSince.Remove(unit);
                since = default;
            }
            else if (!_cpuHighSince.TryGetValue(unit, out since))
            {
                _cpuHighSince[unit] = since = now;
            }
        }
        if (since == default) { Clear(unit, Cpu); return; }
        if (now - since >= TimeSpan.FromMinutes(rule.CpuMinutes))
            Raise(new Alert(unit, Cpu, Cpu, $"CPU above {rule.CpuPercent:0} % for {Minutes(now - since)} (now {cpuPercent:0} %)", since));
    }

    public void OnFileSystems(string unit, IReadOnlyList<FileSystemFigures> fileSystems)
    {
        var rule = _options.Value.For(unit);
        // A mount reported twice (an agent's bug or a hostile one, found by the fuzz) is one alert: the fuller reading.
        var full = fileSystems.Where(f => f.UsedPercent > rule.FileSystemPercent)
            .GroupBy(f => $"{FileSystem}:{f.Mount}", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(f => f.UsedPercent)!, StringComparer.Ordinal);
        foreach (var (key, f) in full)
            Raise(new Alert(unit, FileSystem, key, $"{f.Mount} is {f.UsedPercent:0} % full ({f.AvailableBytes / 1048576.0:0} MiB left)", _time.GetUtcNow()));
        List<string> gone;
        lock (_gate) gone = _active.Keys.Where(k => k.Unit == unit && k.Key.StartsWith(FileSystem + ":", StringComparison.Ordinal) && !full.ContainsKey(k.Key)).Select(k => k.Key).ToList();
        foreach (var key in gone) Clear(unit, key);
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min" : $"{t.TotalSeconds:0} s";

    private void Raise(Alert alert)
    {
        lock (_gate)
        {
            if (_active.TryGetValue((alert.Unit, alert.Key), out var existing))
            {
                // Still active: keep the original start, refresh the words only.
                _active[(alert.Unit, alert.Key)] = alert with { Since = existing.Since };
                return;
            }
            _active[(alert.Unit, alert.Key)] = alert;
        }
        Publish(new AlertChange(alert, true));
    }

    private void Clear(string unit, string key)
    {
        Alert? cleared;
        lock (_gate)
        {
            if (!_active.Remove((unit, key), out cleared)) return;
        }
        Publish(new AlertChange(cleared, false));
    }
}
