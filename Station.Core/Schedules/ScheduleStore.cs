using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Schedules;

/// <summary>SQL for schedules and their runs. Writes take the store's write gate, as every writer of the station does.</summary>
internal sealed class ScheduleStore(StationDb db)
{
    private const string Columns = "id AS Id, name AS Name, cron AS Cron, time_zone AS TimeZone, template AS Template, owner AS Owner, enabled AS Enabled, missed_runs AS MissedRuns, anchor AS Anchor, created_at AS CreatedAt, updated_at AS UpdatedAt";
    private const string RunColumns = "id AS Id, schedule_id AS ScheduleId, due_at AS DueAt, at AS At, task_id AS TaskId, state AS State, note AS Note";

    public long Create(ScheduleRow row)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        return c.ExecuteScalar<long>("""
            INSERT INTO schedules(name, cron, time_zone, template, owner, enabled, missed_runs, anchor, created_at, updated_at)
            VALUES (@Name, @Cron, @TimeZone, @Template, @Owner, @Enabled, @MissedRuns, @Anchor, @CreatedAt, @UpdatedAt) RETURNING id
            """, row);
    }

    public void Update(ScheduleRow row)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("""
            UPDATE schedules SET name=@Name, cron=@Cron, time_zone=@TimeZone, template=@Template, enabled=@Enabled, missed_runs=@MissedRuns,
                anchor=@Anchor, updated_at=@UpdatedAt WHERE id=@Id
            """, row);
    }

    public void Delete(long id)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        c.Execute("DELETE FROM schedule_runs WHERE schedule_id=@id", new { id }, tx);
        c.Execute("DELETE FROM schedules WHERE id=@id", new { id }, tx);
        tx.Commit();
    }

    public ScheduleRow? Get(long id)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<ScheduleRow>($"SELECT {Columns} FROM schedules WHERE id=@id", new { id });
    }

    public IReadOnlyList<ScheduleRow> All()
    {
        using var c = db.Open();
        return c.Query<ScheduleRow>($"SELECT {Columns} FROM schedules ORDER BY id").ToList();
    }

    /// <summary>Records a run and moves the schedule's anchor to its due time, in one transaction.</summary>
    public void AddRun(ScheduleRunRow run, string anchor)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        c.Execute("INSERT INTO schedule_runs(schedule_id, due_at, at, task_id, state, note) VALUES (@ScheduleId, @DueAt, @At, @TaskId, @State, @Note)", run, tx);
        c.Execute("UPDATE schedules SET anchor=@anchor WHERE id=@id", new { anchor, id = run.ScheduleId }, tx);
        tx.Commit();
    }

    public ScheduleRunRow? LastRun(long scheduleId)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<ScheduleRunRow>($"SELECT {RunColumns} FROM schedule_runs WHERE schedule_id=@scheduleId ORDER BY id DESC LIMIT 1", new { scheduleId });
    }

    /// <summary>The last run that started a task (the one a new run must not overlap).</summary>
    public ScheduleRunRow? LastStarted(long scheduleId)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<ScheduleRunRow>($"SELECT {RunColumns} FROM schedule_runs WHERE schedule_id=@scheduleId AND task_id IS NOT NULL ORDER BY id DESC LIMIT 1", new { scheduleId });
    }

    public IReadOnlyList<ScheduleRunRow> Runs(long scheduleId, int limit)
    {
        using var c = db.Open();
        return c.Query<ScheduleRunRow>($"SELECT {RunColumns} FROM schedule_runs WHERE schedule_id=@scheduleId ORDER BY id DESC LIMIT @limit", new { scheduleId, limit }).ToList();
    }
}
