using Bunit;
using Ccdsvm.Console.Blazor.Components.Units;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>The workspace's unit rail: what each row offers, online and offline, and that its rows stay plain markup.</summary>
public sealed class UnitRailTests : ConsoleTestContext
{
    [Fact]
    public void An_online_unit_offers_run_task_and_links_to_its_storage_and_files_and_the_button_reports_the_unit()
    {
        Tasks.UnitList.Add(Views.Unit("unit-a"));
        var started = new List<string>();
        var cut = Render<UnitRail>(p => p.Add(x => x.OnRunTask, (string id) => started.Add(id)));

        var run = cut.Find("[data-testid=start-task-unit-a]");
        Assert.False(run.HasAttribute("disabled"));
        Assert.Equal("Run task", run.TextContent.Trim());
        Assert.Equal("/units/unit-a/storage", cut.Find("[data-testid=rail-storage-unit-a]").GetAttribute("href"));
        Assert.Equal("/units/unit-a/files", cut.Find("[data-testid=rail-files-unit-a]").GetAttribute("href"));
        Assert.Equal("storage on unit-a", cut.Find("[data-testid=rail-storage-unit-a]").GetAttribute("aria-label"));
        Assert.NotNull(cut.Find("[data-testid=rail-files-unit-a] svg path"));

        run.Click();

        Assert.Equal(["unit-a"], started);
    }

    [Fact]
    public void An_offline_unit_has_every_action_disabled_and_no_link()
    {
        Tasks.UnitList.Add(Views.Unit("unit-b", status: "offline"));
        var cut = Render<UnitRail>();

        Assert.Equal("offline", cut.Find("[data-testid=unit-row-unit-b] .state-chip").TextContent);
        foreach (var id in new[] { "start-task-unit-b", "rail-storage-unit-b", "rail-files-unit-b" })
        {
            var element = cut.Find($"[data-testid={id}]");
            Assert.True(element.HasAttribute("disabled"), id);
            Assert.Null(element.GetAttribute("href"));
        }
    }

    [Fact]
    public void Twenty_rows_are_plain_markup_not_a_component_per_button()
    {
        // Every circuit on the workspace holds the rail: a MudButton and two MudIconButtons per row were the largest part of
        // an idle circuit's memory (docs/BENCHMARKS.md, "Console circuits at scale").
        for (int i = 0; i < 25; i++) Tasks.UnitList.Add(Views.Unit($"unit-{i:00}"));
        var cut = Render<UnitRail>();

        Assert.Equal(UnitRail.MaxShown, cut.FindAll("[data-testid^=unit-row-]").Count);
        Assert.Equal(UnitRail.MaxShown, cut.FindAll("button[data-testid^=start-task-]").Count);
        Assert.Empty(cut.FindComponents<MudButton>());
        Assert.Empty(cut.FindComponents<MudIconButton>());
        Assert.Empty(cut.FindComponents<MudIcon>());
    }
}
