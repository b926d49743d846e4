using System.Globalization;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Results and waits in words, and charts with units, in Chromium against the station's own agent on a real loop
/// device, at 1366×900, 768×1024 touch and 390×844 touch: a partition result as a table with sizes in both units
/// and the JSON behind "details", a waiting pane naming the holder and the reason given, and the memory chart's
/// axis in binary units with a tooltip by pointer or tap. Screenshots go to docs/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ResultsBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ResultWaitReasonAndChartTooltip_AreReadable_AtThreeSizes()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("results-browser");
        string image = images.File("disk.img");
        await using (var f = File.Create(image)) f.SetLength(64L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string name = device["/dev/".Length..];
        try
        {
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string> { ["Agent__Devices__0"] = device, ["Agent__Devices__1"] = device + "p*" },
            });
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

            long parted = await admin.StartAsync("storage.partition", "station", new { device, table = "gpt", partitions = new object[] { new { sizeMiB = 16 }, new { sizeMiB = "rest" } } });
            await admin.WaitForStateAsync(parted, Timeouts.ShortTask, "succeeded");
            long hold = await admin.StartAsync("maintenance.hold", "station", new { resource = "disks/" + name, seconds = 600, reason = "replacing disk" });
            await admin.WaitForStateAsync(hold, Timeouts.ShortTask, "running");
            long waiter = await admin.StartAsync("storage.mkfs", "station", new { device, fstype = "ext4", force = true });
            await admin.WaitForStateAsync(waiter, Timeouts.ShortTask, "waitingForLocks");

            foreach (var (label, width, height, touch) in new[] { ("desktop", 1366, 900, false), ("tablet", 768, 1024, true), ("phone", 390, 844, true) })
            {
                await using var browser = await ConsoleBrowser.SignInAsync(station, width, height, touch);
                await ResultPaneAsync(browser, station, parted, label, touch);
                await WaitingPaneAsync(browser, station, waiter, hold, name, label);
                await ChartAsync(browser, station, label, touch);
            }
        }
        finally
        {
            // The partitions' own loop devices first (the agent maps each partition), then the disk.
            await HostLoops.DetachAsync(device, image);
        }
    }

    private static async Task ResultPaneAsync(ConsoleBrowser browser, StationProcess station, long parted, string label, bool touch)
    {
        var page = browser.Page;
        await browser.GotoAsync(station, $"/?task={parted}");
        var pane = page.GetByTestId($"task-pane-{parted}");
        await Assertions.Expect(pane.GetByTestId("result-headline")).ToHaveTextAsync(PartitionHeadline(), new() { Timeout = 30_000 });
        await Assertions.Expect(pane.GetByTestId("result-partitions").Locator("tbody tr").First).ToContainTextAsync("16.8 MB (16 MiB)");
        await Assertions.Expect(pane.GetByTestId("result-json")).ToHaveCountAsync(0);
        Assert.Equal("/units/station/storage", await pane.GetByTestId("result-link").First.GetAttributeAsync("href"));
        await pane.ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync($"result-partition-{label}.png");

        var toggle = pane.GetByTestId("result-details-toggle");
        if (touch) await toggle.TapAsync(); else await toggle.ClickAsync();
        await Assertions.Expect(pane.GetByTestId("result-json")).ToContainTextAsync("\"partitions\"");
    }

    private static async Task WaitingPaneAsync(ConsoleBrowser browser, StationProcess station, long waiter, long hold, string name, string label)
    {
        var page = browser.Page;
        await browser.GotoAsync(station, $"/?task={waiter}");
        var pane = page.GetByTestId($"task-pane-{waiter}");
        await Assertions.Expect(pane.GetByTestId("pane-waiting")).ToContainTextAsync($"waiting for /units/station/disks/{name}, held by task #{hold} of admin");
        await Assertions.Expect(pane.GetByTestId("pane-waiting-reason")).ToHaveTextAsync("replacing disk");
        await Assertions.Expect(pane.GetByTestId("pane-caption")).ToHaveTextAsync($"task #{waiter} · started by admin");
        await pane.ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync($"waiting-reason-{label}.png");
    }

    private async Task ChartAsync(ConsoleBrowser browser, StationProcess station, string label, bool touch)
    {
        var page = browser.Page;
        await browser.GotoAsync(station, "/units/station/dashboard");
        var chart = page.GetByTestId("chart-mem");
        await Assertions.Expect(chart.GetByTestId("chart-mem-latest")).ToContainTextAsync("iB", new() { Timeout = 30_000 });
        var hits = chart.GetByTestId("chart-mem-hit");
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (await hits.CountAsync() < 3) await Task.Delay(250, wait.Token);

        var ticks = await chart.GetByTestId("chart-mem-yaxis").Locator(".chart-tick").AllInnerTextsAsync();
        output.WriteLine($"{label}: memory axis {string.Join(" | ", ticks)}");
        Assert.All(ticks, t => Assert.Matches(@"^\d+(\.\d+)? (B|KiB|MiB|GiB|TiB)$", t));
        var fontPx = await chart.GetByTestId("chart-mem-yaxis").Locator(".chart-tick").First.EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
        Assert.True(double.Parse(fontPx.Replace("px", ""), CultureInfo.InvariantCulture) >= 11, $"axis ticks are {fontPx}");
        Assert.NotEmpty(await chart.GetByTestId("chart-mem-xaxis").Locator(".chart-tick").AllInnerTextsAsync());

        var last = hits.Last;
        await last.ScrollIntoViewIfNeededAsync();
        if (touch) await last.TapAsync(new() { Force = true }); else await last.HoverAsync(new() { Force = true });
        var tooltip = chart.GetByTestId("chart-mem-tooltip");
        await Assertions.Expect(tooltip).ToBeVisibleAsync();
        var said = await tooltip.InnerTextAsync();
        output.WriteLine($"{label}: tooltip {said.Replace('\n', ' ')}");
        Assert.Matches(@"\d\d:\d\d:\d\d", said);
        Assert.Matches(@"\d+(\.\d+)? (KiB|MiB|GiB)", said);
        await browser.ScreenshotAsync($"chart-tooltip-{label}.png");
    }

    /// <summary>"New gpt table on /dev/loop3: 2 partitions of 66 MB (63 MiB)": the sizes in both units, no bare byte count.</summary>
    [GeneratedRegex(@"^New gpt table on /dev/loop\d+: 2 partitions of \d+(\.\d+)? MB \(\d+(\.\d+)? MiB\)$")]
    private static partial Regex PartitionHeadline();
}
