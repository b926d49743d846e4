using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Schedules;

namespace Ccdsvm.Station.Core.Tests.Schedules;

/// <summary>
/// A daily 02:30 in Europe/Berlin across both DST changes of 2026: on 29 March 02:30 does not exist (clocks jump from 02:00
/// to 03:00 CEST) and on 25 October it happens twice (03:00 CEST goes back to 02:00 CET). The instants are Cronos's; the
/// service must fire at each of them, not a second before, and once only on the doubled night.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class ScheduleDstTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    public static TheoryData<string, DateTimeOffset, DateTimeOffset[]> Nights => new()
    {
        // 28 March 02:30 CET = 01:30Z; 29 March: 02:30 is skipped by the clocks, Cronos runs at the jump (03:00 CEST = 01:00Z); 30 March 02:30 CEST = 00:30Z.
        { "30 2 * * *", Utc(3, 27, 12, 0), [Utc(3, 28, 1, 30), Utc(3, 29, 1, 0), Utc(3, 30, 0, 30)] },
        // Six fields (seconds first), the same time. 24 October 02:30 CEST = 00:30Z; 25 October: the first 02:30 (CEST, 00:30Z) only; 26 October 02:30 CET = 01:30Z.
        { "0 30 2 * * *", Utc(10, 23, 12, 0), [Utc(10, 24, 0, 30), Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)] },
    };

    [Theory]
    [MemberData(nameof(Nights))]
    public async Task Daily0230Berlin_FiresAtCronosInstants_AcrossTheDstChange(string cron, DateTimeOffset start, DateTimeOffset[] expected)
    {
        var preview = ScheduleService.Preview(cron, "Europe/Berlin", start, expected.Length);
        Assert.True(preview.Ok, preview.Error?.Message);
        Assert.Equal(expected, preview.Value!);

        await using var s = new ScheduleFixture(start);
        var schedule = s.Create(cron, "Europe/Berlin");
        Assert.Equal(expected[0], schedule.NextRun);

        for (int i = 0; i < expected.Length; i++)
        {
            await s.MoveTo(expected[i] - TimeSpan.FromSeconds(1), due: false);
            Assert.Equal(i, s.Runs(schedule.Id).Count);

            await s.MoveTo(expected[i]);

            var runs = s.Runs(schedule.Id);
            Assert.Equal(i + 1, runs.Count);
            var run = runs[^1];
            Assert.Equal((expected[i], expected[i], ScheduleRunStates.Started), (run.DueAt, run.At, run.State));
            Assert.NotNull(run.TaskId);
            Assert.Equal("maintenance.hold", s.F.H.View(run.TaskId!.Value).Kind);
            if (i + 1 < expected.Length) Assert.Equal(expected[i + 1], s.View(schedule.Id).NextRun);
            await s.TaskEnded(run.TaskId.Value);
        }
        // Moving from one night to a second before the next passed the second 02:30 of 25 October (01:30Z): the run
        // count asserted there proves it did not fire again.
        await s.MoveTo(expected[^1] + TimeSpan.FromHours(2), due: false);
        Assert.Equal(expected.Length, s.Runs(schedule.Id).Count);
    }
}
