using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The monitoring pages in Chromium against a real station and agent: fleet, unit dashboard, processes.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MonitoringBrowserTests(ITestOutputHelper output)
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

    [Fact]
    public async Task FleetOnATablet_ShowsAtMostTwoColumns_WithReachableControlsNavAndTouchSizedLinks()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings { EmbeddedAgent = false });
        using var api = await station.AdminAsync();
        // Five units over the real hub, one with a nearly full file system so its tile carries an alert.
        var units = new List<HubConnection>();
        try
        {
            for (int i = 0; i < 5; i++)
                units.Add(await SimulatedUnitAsync(station, $"rack-{i + 1}", cpu: 10 + 17 * i, fsUsedPercent: i == 3 ? 96 : 40));
            await api.WaitUnitStatusAsync("rack-5", "online", Timeouts.UnitOnline);

            await using var browser = await ConsoleBrowser.SignInAsync(station, 768, 1024, touch: true);
            var page = browser.Page;
            await browser.GotoAsync(station, "/fleet");
            var tiles = page.Locator("[data-testid^=fleet-tile-]");
            await Assertions.Expect(tiles).ToHaveCountAsync(5);
            await Assertions.Expect(page.GetByTestId("fleet-tile-rack-4").GetByTestId("tile-alerts")).ToContainTextAsync("% full");
            await Assertions.Expect(page.GetByTestId("fleet-tile-rack-5").GetByTestId("tile-cpu")).ToContainTextAsync("%");

            // At most two columns, and every tile inside the viewport's width.
            var boxes = new List<LocatorBoundingBoxResult>();
            for (int i = 0; i < 5; i++) boxes.Add((await tiles.Nth(i).BoundingBoxAsync())!);
            var columns = boxes.Select(b => Math.Round(b.X)).Distinct().Count();
            output.WriteLine($"tiles: {string.Join(", ", boxes.Select(b => $"{b.X:0},{b.Y:0} {b.Width:0}x{b.Height:0}"))}");
            Assert.InRange(columns, 1, 2);
            Assert.All(boxes, b => Assert.True(b.X >= 0 && b.X + b.Width <= 768, $"a tile spans {b.X:0}..{b.X + b.Width:0}, outside 768 px"));

            // MudBlazor puts the filter's test id on the input element; the select is found by its label.
            var filter = page.Locator("input[data-testid=fleet-filter], [data-testid=fleet-filter] input");
            var sort = page.Locator(".mud-select").Filter(new() { HasText = "Sort by" }).Locator(".mud-input").First;

            // Touch-sized: the tile links, the filter, the sort and the menu button.
            var small = new List<string>();
            foreach (var (what, locator) in new[]
            {
                ("tile Charts link", page.GetByTestId("fleet-tile-rack-1").GetByRole(AriaRole.Link, new() { Name = "Charts" })),
                ("tile Processes link", page.GetByTestId("fleet-tile-rack-1").GetByRole(AriaRole.Link, new() { Name = "Processes" })),
                ("filter", filter),
                ("sort", sort),
                ("menu button", page.GetByRole(AriaRole.Button, new() { Name = "menu" })),
            })
            {
                var box = await locator.BoundingBoxAsync();
                Assert.NotNull(box);
                output.WriteLine($"{what}: {box!.X:0},{box.Y:0} {box.Width:0}x{box.Height:0}");
                if (box.Height < 44) small.Add($"the {what} is {box.Height:0} px high, under 44 px");
                if (box.X < 0 || box.X + box.Width > 768) small.Add($"the {what} is outside the viewport");
            }
            Assert.Empty(small);
            await browser.ScreenshotAsync("fleet-tablet.png");

            // Filter and sort work by touch.
            await filter.TapAsync();
            await filter.FillAsync("rack-2");
            await Assertions.Expect(tiles).ToHaveCountAsync(1);
            await filter.FillAsync("");
            await Assertions.Expect(tiles).ToHaveCountAsync(5);
            await sort.TapAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "CPU (busiest first)" }).TapAsync();
            await Assertions.Expect(tiles.First).ToHaveAttributeAsync("data-testid", "fleet-tile-rack-5");

            // The nav sits behind the menu button at this width and opens by touch.
            await page.GetByRole(AriaRole.Button, new() { Name = "menu" }).TapAsync();
            var unitsLink = page.Locator(".mud-navmenu").GetByRole(AriaRole.Link, new() { Name = "Units" });
            await Assertions.Expect(unitsLink).ToBeVisibleAsync();
            var nav = await unitsLink.BoundingBoxAsync();
            output.WriteLine($"nav link: {nav!.Width:0}x{nav.Height:0}");
            Assert.True(nav.Height >= 44, $"a nav link is {nav.Height:0} px high, under 44 px");
            await unitsLink.TapAsync();
            await page.WaitForURLAsync("**/units");
        }
        finally
        {
            foreach (var c in units) await c.DisposeAsync();
        }
    }

    /// <summary>A unit as the agent looks to the station: announce once, then one summary.</summary>
    private static async Task<HubConnection> SimulatedUnitAsync(StationProcess station, string name, double cpu, double fsUsedPercent)
    {
        string credential;
        using (var admin = await station.AdminAsync()) credential = await admin.EnrolCredentialAsync(name);
        var c = new HubConnectionBuilder()
            .WithUrl(new Uri(station.BaseUrl, HubPaths.Agent), http =>
            {
                http.Headers[HubPaths.AgentCredentialHeader] = credential;
                http.Headers[HubPaths.AgentNameHeader] = name;
                TestTls.Configure(http);
            })
            .AddMessagePackProtocol()
            .Build();
        using var cts = new CancellationTokenSource(Timeouts.Request);
        await c.StartAsync(cts.Token);
        await c.InvokeAsync(nameof(IAgentHub.Announce), new UnitInventory(name, name, name, "Debian 12", "6.1", 2, 4L << 30, [], [], ["/srv"], "e2e", null),
            Array.Empty<RunningTaskInfo>(), cts.Token);
        long total = 100L << 30, used = (long)(total * fsUsedPercent / 100);
        await c.InvokeAsync(nameof(IAgentHub.ReportSummary), new MetricsSummary(DateTimeOffset.UtcNow, cpu, (1L + (long)(cpu / 30)) << 30, 4L << 30,
            120_000, 40_000, 2_000_000, 500_000, 0.4, [new FileSystemFigures("/srv", "/dev/vdb", "xfs", total, used, total - used)]), cts.Token);
        return c;
    }
}
