using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

[Collection(E2eCollection.Name)]
public sealed class BrowserTests
{
    private const long TwoGiB = 2L << 30;

    [Fact]
    public async Task ChecksumOnTwoUnitsFromOnePage_BothProgressBarsAdvanceAndBothHashesShow()
    {
        await using var station = new StationProcess();
        using var api = await station.StartAsync();
        using var agent = station.StartAgent("unit-a");
        await api.WaitUnitStatusAsync("unit-a", "online", TimeSpan.FromSeconds(30));
        string onStation = Path.Combine(station.StationRoot, "station.bin"), onAgent = Path.Combine(agent.Root, "agent.bin");
        await Task.WhenAll(Task.Run(() => TestFiles.WriteRandom(onStation, TwoGiB)), Task.Run(() => TestFiles.WriteRandom(onAgent, TwoGiB)));

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.LoginAsync(station.Url, "admin", StationProcess.AdminPassword);
        await page.GetByTestId("layout-grid").ClickAsync();

        long first = await StartChecksumAsync(page, "station", onStation);
        long second = await StartChecksumAsync(page, "unit-a", onAgent);
        var paneA = page.GetByTestId($"task-pane-{first}");
        var paneB = page.GetByTestId($"task-pane-{second}");

        // Watch both bars while both run: each must show at least two different values between 0 and 100.
        var seenA = new HashSet<int>();
        var seenB = new HashSet<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        bool screenshotTaken = false;
        while (DateTime.UtcNow < deadline)
        {
            int a = await PercentAsync(paneA), b = await PercentAsync(paneB);
            if (a is > 0 and < 100) seenA.Add(a);
            if (b is > 0 and < 100) seenB.Add(b);
            if (!screenshotTaken && a is > 20 and < 100 && b is > 20 and < 100)
            {
                Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "docs", "screenshots"));
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Root, "docs", "screenshots", "workspace-panes.png") });
                screenshotTaken = true;
            }
            if (a == 100 && b == 100) break;
            await Task.Delay(150);
        }
        Assert.True(seenA.Count >= 2, $"station pane showed too few intermediate values: {string.Join(",", seenA)}");
        Assert.True(seenB.Count >= 2, $"unit-a pane showed too few intermediate values: {string.Join(",", seenB)}");

        await Assertions.Expect(paneA.GetByTestId("pane-sha256")).ToHaveTextAsync(await TestFiles.Sha256SumAsync(onStation), new() { Timeout = 60_000 });
        await Assertions.Expect(paneB.GetByTestId("pane-sha256")).ToHaveTextAsync(await TestFiles.Sha256SumAsync(onAgent), new() { Timeout = 60_000 });
        await Assertions.Expect(paneA.GetByTestId("state-chip")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(paneB.GetByTestId("state-chip")).ToHaveTextAsync("succeeded");
    }

    private static async Task<long> StartChecksumAsync(IPage page, string unit, string path)
    {
        await page.GetByTestId($"start-task-{unit}").ClickAsync();
        var form = page.GetByTestId("task-form");
        await form.GetByTestId("form-kind").SelectOptionAsync("fs.checksum");
        await form.Locator("[data-testid=param-path] input, input[data-testid=param-path]").First.FillAsync(path);
        var before = await PaneIdsAsync(page);
        await form.GetByTestId("form-submit").ClickAsync();
        long id = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (id == 0 && DateTime.UtcNow < deadline)
        {
            id = (await PaneIdsAsync(page)).Except(before).FirstOrDefault();
            if (id == 0) await Task.Delay(100);
        }
        Assert.True(id > 0, $"no pane opened for the checksum on {unit}");
        return id;
    }

    private static async Task<HashSet<long>> PaneIdsAsync(IPage page)
    {
        var ids = await page.Locator("[data-testid^=task-pane-]").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('data-testid'))");
        return ids.Select(s => long.Parse(s["task-pane-".Length..])).ToHashSet();
    }

    private static async Task<int> PercentAsync(ILocator pane)
    {
        var text = await pane.GetByTestId("pane-percent").InnerTextAsync();
        var m = Regex.Match(text, @"\d+");
        return m.Success ? int.Parse(m.Value) : -1;
    }
}
