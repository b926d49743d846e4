using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Schedules;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Schedules;

/// <summary>The Schedules page: next and last runs, the enable toggle, and a form that checks the cron expression as one types.</summary>
public sealed class ScheduleListTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly ScriptedSchedules _schedules = new();

    public ScheduleListTests() => Services.AddSingleton<IConsoleSchedules>(_schedules);

    [Fact]
    public void ListsNextAndLastRun_ToggleDisables_RefusedRunShowsItsReason()
    {
        _schedules.Items.Add(new ScheduleView(3, "nightly", "30 2 * * *", "Europe/Berlin", new ScheduleTemplate("storage.inventory", "u01"), "alice", true,
            ScheduleMissedRuns.RunOnce, new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero),
            new ScheduleRunView(Now, Now, null, ScheduleRunStates.Refused, null, "refused: alice may not run storage.inventory on u01"), Now, Now));
        var cut = Render<ScheduleList>();

        // 01:00Z on 29 March is 03:00 CEST in Berlin: the night the clocks skip 02:30.
        Assert.Equal("2026-03-29 03:00 Europe/Berlin", cut.Find("[data-testid=schedule-3] [data-testid=schedule-next]").TextContent);
        Assert.Contains("refused", cut.Find("[data-testid=schedule-3] [data-testid=schedule-last]").TextContent);
        Assert.Equal("refused: alice may not run storage.inventory on u01", cut.Find("[data-testid=schedule-3] [data-testid=schedule-last-note]").TextContent);

        cut.Find("[data-testid=schedule-3] [data-testid=schedule-toggle]").Click();

        Assert.Equal(false, _schedules.Updates.Single().Request.Enabled);
        Assert.Equal("off", cut.Find("[data-testid=schedule-3] [data-testid=schedule-next]").TextContent);
        Assert.Equal("Enable", cut.Find("[data-testid=schedule-3] [data-testid=schedule-toggle]").TextContent.Trim());
    }

    [Fact]
    public void Form_ChecksCronAsOneTypes_ShowsNextThreeRuns_SavesTheSchedule()
    {
        var cut = Render<ScheduleList>();
        cut.Find("[data-testid=schedule-zone]").Input("Europe/Berlin");
        cut.Find("[data-testid=schedule-cron]").Input("30 2 * *");
        Assert.Contains("'cron' must have 5 fields", cut.Find("[data-testid=schedule-cron-error]").TextContent);
        Assert.True(cut.Find("[data-testid=schedule-save]").HasAttribute("disabled"));

        cut.Find("[data-testid=schedule-cron]").Input("30 2 * * *");

        Assert.Empty(cut.FindAll("[data-testid=schedule-cron-error]"));
        Assert.Equal("next: 2026-03-28 02:30 Europe/Berlin · 2026-03-29 03:00 Europe/Berlin · 2026-03-30 02:30 Europe/Berlin",
            cut.Find("[data-testid=schedule-preview]").TextContent);

        cut.Find("[data-testid=schedule-name]").Input("nightly");
        cut.Find("[data-testid=schedule-target]").Input("u01");
        cut.Find("[data-testid=schedule-save]").Click();

        var made = Assert.Single(_schedules.Items);
        Assert.Equal(("nightly", "30 2 * * *", "Europe/Berlin", "u01"), (made.Name, made.Cron, made.TimeZone, made.Template.Target));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll($"[data-testid=schedule-{made.Id}]")), Timeout);
    }

    private sealed class ScriptedSchedules : IConsoleSchedules
    {
        public List<ScheduleView> Items { get; } = [];
        public List<(long Id, ScheduleRequest Request)> Updates { get; } = [];

        public IReadOnlyList<ScheduleView> List() => [.. Items];

        public Outcome<ScheduleView> Create(ScheduleRequest request)
        {
            var view = new ScheduleView(Items.Count + 10, request.Name!, request.Cron!, request.TimeZone!, request.Template!, "alice", true,
                request.MissedRuns!, null, null, Now, Now);
            Items.Add(view);
            return view;
        }

        public Outcome<ScheduleView> Update(long id, ScheduleRequest request)
        {
            Updates.Add((id, request));
            int i = Items.FindIndex(s => s.Id == id);
            Items[i] = Items[i] with { Enabled = request.Enabled!.Value, NextRun = request.Enabled == true ? Items[i].NextRun : null };
            return Items[i];
        }

        public Outcome<bool> Delete(long id) => Items.RemoveAll(s => s.Id == id) > 0;

        public Outcome<IReadOnlyList<DateTimeOffset>> Preview(string? cron, string? timeZone) => ScheduleService.Preview(cron, timeZone, Now);
    }
}
