using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;

namespace Ccdsvm.Console.Blazor.Tests.Layout;

/// <summary>The workspace grid's density: comfortable or compact, remembered by the browser (localStorage).</summary>
public sealed class DensitySwitchTests : ConsoleTestContext
{
    public DensitySwitchTests()
    {
        for (long id = 1; id <= 13; id++)
            Tasks.Add(Views.Task(id, "storage.mkfs") with { Parameters = Views.Json("""{"device":"/dev/sdb","fstype":"ext4"}""") });
    }

    [Fact]
    public void Compact_CutsTitlesWithTheWholeTitleInTheTooltip_AndIsStoredInTheBrowser()
    {
        var cut = Render<Home>();
        Assert.Empty(cut.FindAll("[data-testid=density-compact]"));
        cut.Find("[data-testid=layout-grid]").Click();
        Assert.Equal("comfortable", cut.Find("[data-testid=pane-grid]").GetAttribute("data-density"));
        Assert.Empty(cut.FindAll("[data-testid=pane-cell-title]"));

        cut.Find("[data-testid=density-compact]").Click();

        var grid = cut.Find("[data-testid=pane-grid]");
        Assert.Equal("compact", grid.GetAttribute("data-density"));
        Assert.Contains("compact", grid.ClassList);
        Assert.Equal(13, cut.FindAll(".pane-cell").Count);
        Assert.Equal("#1 Make a file system · /dev/sdb on unit-a", cut.FindAll("[data-testid=pane-cell-title]")[0].GetAttribute("title"));
        Assert.Equal("true", cut.Find("[data-testid=density-compact]").GetAttribute("aria-pressed"));
        JSInterop.VerifyInvoke("localStorage.setItem", 2);
        Assert.Contains(JSInterop.Invocations["localStorage.setItem"], i => i.Arguments.SequenceEqual([Home.DensityKey, "compact"]));
        Assert.Contains(JSInterop.Invocations["localStorage.setItem"], i => i.Arguments.SequenceEqual([Home.LayoutKey, "grid"]));

        cut.Find("[data-testid=density-comfortable]").Click();
        Assert.Equal("comfortable", cut.Find("[data-testid=pane-grid]").GetAttribute("data-density"));
    }

    [Fact]
    public void StoredChoice_IsWhatTheWorkspaceOpensWith()
    {
        JSInterop.Setup<string?>("localStorage.getItem", Home.DensityKey).SetResult("compact");
        JSInterop.Setup<string?>("localStorage.getItem", Home.LayoutKey).SetResult("grid");

        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Equal("compact", cut.Find("[data-testid=pane-grid]").GetAttribute("data-density")), Timeout);
        Assert.Equal(PaneDensity.Compact, Workspace.Density);
    }

    [Fact]
    public void Selected_Pane_IsMarkedInTheGrid()
    {
        Workspace.SetLayout(PaneLayout.Grid);
        var cut = Render<Home>();

        Workspace.SelectNext(1);

        cut.WaitForAssertion(() => Assert.Contains("selected", cut.Find("[data-testid=pane-cell-1]").ClassList), Timeout);
    }
}
