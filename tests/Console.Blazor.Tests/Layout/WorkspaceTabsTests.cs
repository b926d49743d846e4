using Bunit;
using Ccdsvm.Console.Blazor.Components.Layout;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;

namespace Ccdsvm.Console.Blazor.Tests.Layout;

/// <summary>The workspace's tabs say each task's state and subject; failed panes come back until closed; the header counts failures.</summary>
public sealed class WorkspaceTabsTests : ConsoleTestContext
{
    private IRenderedComponent<Home> RenderHome() => Render<Home>();

    [Fact]
    public async Task Tabs_ShowStateAndWhatTheTaskIsAbout_AndFollowLiveChanges()
    {
        var running = Views.Task(21, "storage.mkfs", state: "running") with { Parameters = Views.Json("""{"device":"/dev/sdb","fstype":"ext4"}""") };
        Tasks.Add(running);

        var cut = RenderHome();

        var tab = cut.Find("[data-testid=pane-tab-21]");
        Assert.Equal("running", tab.GetAttribute("data-state"));
        Assert.Contains("Make a file system · /dev/sdb on unit-a", tab.TextContent);
        await Tasks.PublishAsync(running.Ended("failed", "mkfs.ext4: device busy"));
        cut.WaitForAssertion(() => Assert.Equal("failed", cut.Find("[data-testid=pane-tab-21]").GetAttribute("data-state")), Timeout);
        Assert.Contains("tab-failed", cut.Find("[data-testid=pane-tab-21]").ClassList);
    }

    [Fact]
    public void FailedPane_ComesBackOnTheNextVisit_UntilItsUserClosesIt()
    {
        var ended = Clock.GetUtcNow().AddHours(-1);
        Tasks.Add(Views.Task(31, "fs.checksum", state: "failed") with { EndedAt = ended, Error = "no such file" });
        Tasks.Add(Views.Task(32, "fs.checksum", state: "succeeded") with { EndedAt = ended });
        Tasks.Add(Views.Task(33, "fs.checksum", state: "failed") with { EndedAt = Clock.GetUtcNow().AddDays(-3) });

        var first = RenderHome();
        Assert.Equal([31L], Workspace.Open);
        first.Find("[data-testid=task-pane-31] [data-testid=pane-close]").Click();
        Assert.True(Dismissed.IsDismissed("alice", 31));

        // Another visit (a reload renders the workspace page again): the closed failure stays closed.
        Assert.Empty(Workspace.Open);
        RenderHome();
        Assert.Empty(Workspace.Open);
    }

    [Fact]
    public async Task Header_CountsFailuresOfTheLastDay()
    {
        Tasks.Add(Views.Task(41, state: "failed") with { EndedAt = Clock.GetUtcNow().AddHours(-2) });
        Tasks.Add(Views.Task(42, state: "failed") with { EndedAt = Clock.GetUtcNow().AddDays(-2) });

        var cut = Render<RunningBadge>();
        Assert.Equal("1", cut.Find("[data-testid=failed-count]").TextContent);

        await Tasks.PublishAsync(Views.Task(43).Ended("interrupted"));
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=failed-count]").TextContent), Timeout);
    }
}
