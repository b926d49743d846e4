using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The monitoring pages in Chromium against a real station and agent: fleet, unit dashboard, processes.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MonitoringBrowserTests
{
    [Fact]
    public async Task FleetDashboardAndProcessView_ShowLiveFiguresForEveryUnit()
    {
        await using var station = await StationProcess.StartAsync();
        await using var unitA = await station.StartAgentAsync("unit-a");
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

        await using var browser = await ConsoleBrowser.SignInAsync(station);
        var page = browser.Page;

        await browser.GotoAsync(station, "/fleet");
        await Assertions.Expect(page.GetByTestId("fleet-tile-station")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("fleet-tile-unit-a")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("fleet-tile-unit-a").GetByTestId("tile-status")).ToContainTextAsync("online");
        await browser.ScreenshotAsync("fleet.png");

        // The dashboard watches the unit: live samples arrive and the CPU figure fills in.
        await browser.GotoAsync(station, "/units/unit-a/dashboard");
        await Assertions.Expect(page.GetByTestId("chart-cpu-latest")).ToContainTextAsync("%", new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("unit-dashboard.png");

        await browser.GotoAsync(station, "/units/unit-a/processes");
        await Assertions.Expect(page.GetByTestId("process-table")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("process-1")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("processes.png");
    }
}
