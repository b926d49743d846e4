namespace Ccdsvm.Station.Core.Schedules;

/// <summary>A row of <c>schedules</c> (Dapper); times in <see cref="Store.StoreTime"/> format, the template as JSON.</summary>
internal sealed class ScheduleRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Cron { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string Template { get; set; } = "";
    public string Owner { get; set; } = "";
    public long Enabled { get; set; }
    public string MissedRuns { get; set; } = "";
    public string Anchor { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}

/// <summary>A row of <c>schedule_runs</c> (Dapper).</summary>
internal sealed class ScheduleRunRow
{
    public long Id { get; set; }
    public long ScheduleId { get; set; }
    public string DueAt { get; set; } = "";
    public string At { get; set; } = "";
    public long? TaskId { get; set; }
    public string State { get; set; } = "";
    public string? Note { get; set; }
}
