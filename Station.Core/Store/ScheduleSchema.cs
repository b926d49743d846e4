namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v13: schedules. <c>schedules</c> keeps a recurring task: its cron expression and time zone, the task template
/// (JSON), its owner, whether it is enabled, what to do with a run missed while the station was down, and
/// <c>anchor</c>: the instant after which its next run is looked for (the due time of the run last handled, or when it was
/// made or enabled). <c>schedule_runs</c> is its history: one row per due time handled (started, refused, skipped, missed).
/// </summary>
internal static class ScheduleSchema
{
    public const string Sql = """
        CREATE TABLE schedules(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            cron TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            template TEXT NOT NULL,
            owner TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            missed_runs TEXT NOT NULL,
            anchor TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE schedule_runs(
            id INTEGER PRIMARY KEY,
            schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
            due_at TEXT NOT NULL,
            at TEXT NOT NULL,
            task_id INTEGER NULL,
            state TEXT NOT NULL,
            note TEXT NULL);
        CREATE INDEX schedule_runs_by_schedule ON schedule_runs(schedule_id, id);
        """;
}
