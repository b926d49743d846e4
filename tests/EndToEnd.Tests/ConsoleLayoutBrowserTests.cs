using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The console in Chromium: ten live panes in one window, and the tablet layout.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleLayoutBrowserTests
{
    [Fact]
    public async Task TenTasksInOneWindow_EachPaneStaysLive()
    {
        await using var station = await StationProcess.StartAsync();
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        var ids = new List<long>();
        for (int i = 0; i < 10; i++)
            ids.Add(await api.StartAsync("maintenance.hold", "station", new { resource = $"disks/d{i}", seconds = 25, reason = $"pane {i}" }));

        await using var browser = await ConsoleBrowser.SignInAsync(station, 1600, 1200);
        var page = browser.Page;
        // The unit rail keeps each unit's name readable next to its actions.
        var name = await page.GetByTestId("unit-row-station").Locator(".unit-name").BoundingBoxAsync();
        Assert.True(name is { Width: >= 40 }, $"the unit name is squeezed to {name?.Width} px");
        await page.GetByTestId("layout-grid").ClickAsync();
        foreach (var id in ids) await page.GetByTestId($"task-pane-{id}").WaitForAsync();

        var first = await PercentsAsync(page, ids);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var second = await PercentsAsync(page, ids);

        for (int i = 0; i < ids.Count; i++)
            Assert.True(second[i] > first[i], $"pane of task {ids[i]} did not advance: {first[i]}% then {second[i]}%");
        await browser.ScreenshotAsync("ten-panes.png");
    }

    [Fact]
    public async Task TabletViewport_StacksTheWorkspace_WithTouchSizedTargets_AndTablesAsCards()
    {
        await using var station = await StationProcess.StartAsync();
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        await api.StartAsync("maintenance.hold", "station", new { resource = "disks/sdb", seconds = 30, reason = "tablet" });

        await using var browser = await ConsoleBrowser.SignInAsync(station, 768, 1024, touch: true);
        var page = browser.Page;

        // One column: the unit rail sits above the panes, not beside them.
        var rail = await page.GetByTestId("unit-rail").BoundingBoxAsync();
        var tabs = await page.GetByTestId("pane-tabs").BoundingBoxAsync();
        Assert.NotNull(rail);
        Assert.NotNull(tabs);
        Assert.True(tabs!.Y >= rail!.Y + rail.Height - 1, $"panes ({tabs.Y}) should be below the unit rail ({rail.Y}+{rail.Height})");

        var start = await page.GetByTestId("start-task-station").BoundingBoxAsync();
        Assert.True(start!.Height >= 44 && start.Width >= 44, $"the start button is {start.Width}x{start.Height}, under 44 px");
        var cancel = await page.GetByTestId("pane-cancel").First.BoundingBoxAsync();
        Assert.True(cancel!.Height >= 44, $"the cancel button is {cancel.Height} px high, under 44 px");
        await Assertions.Expect(page.GetByTestId("running-badge")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("tablet-workspace.png");

        await browser.GotoAsync(station, "/tasks");
        var header = page.Locator("[data-testid=task-table] thead");
        await Assertions.Expect(header).ToBeHiddenAsync();
        var label = await page.Locator("[data-testid=task-table] td[data-label=state]").First.EvaluateAsync<string>("td => getComputedStyle(td, '::before').content");
        Assert.Contains("state", label);
        await browser.ScreenshotAsync("tablet-tasks.png");
    }

    private static async Task<int[]> PercentsAsync(IPage page, IReadOnlyList<long> ids)
    {
        var result = new int[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            var text = await page.GetByTestId($"task-pane-{ids[i]}").GetByTestId("pane-percent").InnerTextAsync();
            result[i] = int.Parse(Regex.Match(text, @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return result;
    }
}
