namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>Alert thresholds for one unit.</summary>
public sealed class AlertThresholds
{
    /// <summary>CPU busy percentage that, held for <see cref="CpuMinutes"/>, raises an alert.</summary>
    public double CpuPercent { get; set; } = 90;

    public double CpuMinutes { get; set; } = 5;

    /// <summary>A file system fuller than this raises an alert.</summary>
    public double FileSystemPercent { get; set; } = 90;

    /// <summary>Whether a unit going offline raises an alert.</summary>
    public bool Offline { get; set; } = true;
}

/// <summary>The <c>Station:Monitoring</c> section: default thresholds and per-unit overrides.</summary>
public sealed class MonitoringOptions
{
    public const string Section = "Station:Monitoring";

    public AlertThresholds Defaults { get; set; } = new();

    /// <summary>Thresholds by unit id, replacing the defaults for that unit.</summary>
    public Dictionary<string, AlertThresholds> Units { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long the station waits for an agent's answer (process table, threads).</summary>
    public double AgentAnswerSeconds { get; set; } = 5;

    public AlertThresholds For(string unit) => Units.TryGetValue(unit, out var t) ? t : Defaults;
}
