using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Security;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Schedules;

/// <summary>What a schedule does when a run is still going, when the station was down at a run, and when its owner lost a right.</summary>
[Collection(StoreCollection.Name)]
public sealed class ScheduleRunTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 10, 1, 0, TimeSpan.Zero);
    private static DateTimeOffset At(int hour, int minute) => new(2026, 6, 1, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunStillGoing_WhenTheNextIsDue_IsNotStartedTwice_TheSkipIsNoted()
    {
        await using var s = new ScheduleFixture(Start, runFor: TimeSpan.FromMinutes(10));
        var schedule = s.Create("*/5 * * * *");

        await s.MoveTo(At(10, 5));
        var first = Assert.Single(s.Runs(schedule.Id));
        Assert.Equal(ScheduleRunStates.Started, first.State);
        long task = first.TaskId!.Value;

        await s.MoveTo(At(10, 10));

        var runs = s.Runs(schedule.Id);
        Assert.Equal(2, runs.Count);
        Assert.Equal((At(10, 10), ScheduleRunStates.Overlap, (long?)null), (runs[1].DueAt, runs[1].State, runs[1].TaskId));
        Assert.Contains($"the previous run (task {task}", runs[1].Note);
        Assert.Contains("is still going", runs[1].Note);
        Assert.Null(s.F.H.View(task).EndedAt);
        Assert.Equal(1, s.F.H.Engine.ActiveCount);
        var view = s.View(schedule.Id);
        Assert.Equal((ScheduleRunStates.Overlap, At(10, 15)), (view.LastRun?.State, view.NextRun));
    }

    [Fact]
    public async Task MissedWhileDown_RunOnceRunsOnceAtStart_SkipRecordsTheSkip_BothGoOnAtTheNextInstant()
    {
        var down = At(13, 15);
        await using var s = new ScheduleFixture(Start);
        var once = s.Create("0 * * * *", missed: ScheduleMissedRuns.RunOnce, name: "once");
        var skip = s.Create("0 * * * *", missed: ScheduleMissedRuns.Skip, name: "skip");
        await s.MoveTo(At(10, 30), due: false);
        Assert.Empty(s.Runs(once.Id));

        // Down from 10:30 to 13:15: 11:00, 12:00 and 13:00 fell due.
        await s.Restart(down);

        var onceRun = Assert.Single(s.Runs(once.Id));
        Assert.Equal((At(13, 0), down, ScheduleRunStates.Started), (onceRun.DueAt, onceRun.At, onceRun.State));
        Assert.Contains("3 runs fell due while the station was down", onceRun.Note);
        Assert.Contains("run once at start", onceRun.Note);
        Assert.Equal("maintenance.hold", s.F.H.View(onceRun.TaskId!.Value).Kind);

        var skipRun = Assert.Single(s.Runs(skip.Id));
        Assert.Equal((down, ScheduleRunStates.Missed, (long?)null), (skipRun.At, skipRun.State, skipRun.TaskId));
        Assert.Contains("skipped as the schedule says", skipRun.Note);
        using (var c = s.F.H.Db.Open())
            Assert.Equal(1, c.ExecuteScalar<long>("SELECT COUNT(*) FROM tasks WHERE kind='maintenance.hold'"));

        Assert.Equal(At(14, 0), s.View(once.Id).NextRun);
        Assert.Equal(At(14, 0), s.View(skip.Id).NextRun);
        await s.TaskEnded(onceRun.TaskId.Value);
        await s.MoveTo(At(14, 0));
        Assert.Equal(2, s.Runs(once.Id).Count);
        Assert.Equal((At(14, 0), ScheduleRunStates.Started), (s.Runs(skip.Id)[^1].DueAt, s.Runs(skip.Id)[^1].State));
    }

    [Fact]
    public async Task OwnerWhoLostTheRight_GetsARefusedRun_RecordedAsTheLastRunsError()
    {
        await using var s = new ScheduleFixture(Start);
        var schedule = s.Create("0 * * * *", owner: EngineHarness.Bob);
        await s.MoveTo(At(11, 0));
        var first = Assert.Single(s.Runs(schedule.Id));
        Assert.Equal(ScheduleRunStates.Started, first.State);
        Assert.Equal("bob", s.F.H.View(first.TaskId!.Value).Owner);
        await s.TaskEnded(first.TaskId.Value);

        using (var c = s.F.H.Db.Open()) AccessControl.Revoke(c, null, "/units", "bob", null);
        s.F.H.Access.Reload();
        await s.MoveTo(At(12, 0));

        var last = s.View(schedule.Id).LastRun!;
        Assert.Equal((At(12, 0), ScheduleRunStates.Refused, (long?)null), (last.DueAt, last.State, last.TaskId));
        Assert.StartsWith("refused: ", last.Note);
        using (var c = s.F.H.Db.Open())
            Assert.Equal(1, c.ExecuteScalar<long>("SELECT COUNT(*) FROM tasks WHERE owner='bob'"));
    }
}
