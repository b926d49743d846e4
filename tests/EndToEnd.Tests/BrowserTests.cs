using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The console in a real browser (Debian's Chromium through Playwright) against a real station and agent.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserTests(ITestOutputHelper output)
{
    private const string Chromium = Needs.ChromiumPath;
    private const long FileSize = 2 * BigFiles.OneGiB;
    private const float StepTimeoutMs = 30_000;

    private static readonly string[] ChromiumFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private sealed record PaneSample(long TaskId, int Percent);

    [Fact]
    public async Task Checksums_started_from_one_page_on_two_units_show_rising_progress_side_by_side_and_hashes_matching_sha256sum()
    {
        Needs.Chromium();

        StationProcess? station = null;
        AgentProcess? unitA = null;
        IPlaywright? playwright = null;
        IBrowserContext? browser = null;
        IPage? page = null;
        using var profile = new TempDir("chromium-profile");
        var files = new List<string>();
        try
        {
            station = await StationProcess.StartAsync();
            unitA = await station.StartAgentAsync("unit-a");
            using var api = await station.AdminAsync();
            await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

            var onStation = Path.Combine(station.StationRoot, "station-big.bin");
            var onUnitA = Path.Combine(unitA.Root, "unit-a-big.bin");
            files.AddRange([onStation, onUnitA]);
            using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4)))
                await Task.WhenAll(BigFiles.CreateRandomAsync(onStation, FileSize, cts.Token), BigFiles.CreateRandomAsync(onUnitA, FileSize, cts.Token));
            var expected = await Task.WhenAll(BigFiles.Sha256SumAsync(onStation, Timeouts.BigChecksum), BigFiles.Sha256SumAsync(onUnitA, Timeouts.BigChecksum));
            var expectedByTarget = new Dictionary<string, string> { ["station"] = expected[0], ["unit-a"] = expected[1] };

            playwright = await Playwright.CreateAsync().WaitAsync(Timeouts.Startup);
            browser = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                IgnoreHTTPSErrors = true,
                Args = ChromiumFlags,
                ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
                Timeout = 60_000,
            }).WaitAsync(Timeouts.Startup);
            page = browser.Pages.FirstOrDefault() ?? await browser.NewPageAsync();
            page.SetDefaultTimeout(StepTimeoutMs);
            page.SetDefaultNavigationTimeout(StepTimeoutMs);

            // Sign in through the static form.
            await page.GotoAsync(new Uri(station.BaseUrl, "/login").ToString());
            await page.GetByTestId("login-username").FillAsync("admin");
            await page.GetByTestId("login-password").FillAsync(station.AdminPassword);
            await page.GetByTestId("login-submit").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
            await WaitInteractiveAsync(page);

            // Two checksums from the same page, on two different units.
            long onStationId = await StartChecksumFromFormAsync(page, "station", onStation);
            long onUnitAId = await StartChecksumFromFormAsync(page, "unit-a", onUnitA);
            Assert.NotEqual(onStationId, onUnitAId);

            await page.GetByTestId("layout-grid").ClickAsync();
            await page.GetByTestId("pane-grid").WaitForAsync();
            var paneStation = page.GetByTestId($"task-pane-{onStationId}");
            var paneUnitA = page.GetByTestId($"task-pane-{onUnitAId}");
            await paneStation.WaitForAsync();
            await paneUnitA.WaitForAsync();

            // Watch both progress bars until both are done.
            var samples = new List<(int Station, int UnitA)>();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                Assert.True(clock.Elapsed < Timeouts.BigChecksum, $"the panes did not reach 100% within {Timeouts.BigChecksum}; samples: {Format(samples)}");
                var now = (await PercentAsync(paneStation), await PercentAsync(paneUnitA));
                samples.Add(now);
                if (now.Item1 == 100 && now.Item2 == 100) break;
                await Task.Delay(150);
            }
            output.WriteLine($"samples (station, unit-a): {Format(samples)}");

            AssertNonDecreasing("station", samples.Select(s => s.Station).ToList());
            AssertNonDecreasing("unit-a", samples.Select(s => s.UnitA).ToList());
            // While both were running (both bars between 0 and 100), each one moved.
            var bothRunning = samples.Where(s => s.Station is > 0 and < 100 && s.UnitA is > 0 and < 100).ToList();
            Assert.True(bothRunning.Count >= 2, $"expected several samples with both tasks running; samples: {Format(samples)}");
            Assert.True(bothRunning[^1].Station > bothRunning[0].Station, $"the station pane did not advance while both ran: {Format(bothRunning)}");
            Assert.True(bothRunning[^1].UnitA > bothRunning[0].UnitA, $"the unit-a pane did not advance while both ran: {Format(bothRunning)}");

            // Both end with the hash sha256sum computes.
            foreach (var (pane, id) in new[] { (paneStation, onStationId), (paneUnitA, onUnitAId) })
            {
                var sha = pane.GetByTestId("pane-sha256");
                await sha.WaitForAsync();
                var task = await api.WaitForStateAsync(id, Timeouts.ShortTask);
                Assert.Equal("succeeded", task.GetProperty("state").GetString());
                var target = task.GetProperty("target").GetString()!;
                Assert.Equal(expectedByTarget[target], (await sha.InnerTextAsync()).Trim());
                Assert.Equal(expectedByTarget[target], task.GetProperty("result").GetProperty("sha256").GetString());
            }
            Assert.Equal("station", (await api.TaskAsync(onStationId)).GetProperty("target").GetString());
            Assert.Equal("unit-a", (await api.TaskAsync(onUnitAId)).GetProperty("target").GetString());

            // The README's screenshot: both panes side by side, finished, with their hashes.
            await paneStation.ScrollIntoViewIfNeededAsync();
            var screenshot = Path.Combine(RepoPaths.Root, "docs", "screenshots", "workspace-panes.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            output.WriteLine($"screenshot: {screenshot}");
            // MudBlazor's stylesheet is loaded and applied (not an unstyled page).
            var styled = await page.EvaluateAsync<bool>("() => [...document.styleSheets].some(s => (s.href || '').includes('MudBlazor')) && getComputedStyle(document.querySelector('.mud-appbar')).position !== 'static'");
            Assert.True(styled, "MudBlazor's CSS is not applied to the workspace");
        }
        catch (Exception) when (Diagnose(station, unitA, page))
        {
            throw;
        }
        finally
        {
            if (browser is not null) await browser.DisposeAsync().AsTask().WaitAsync(Timeouts.ProcessExit);
            playwright?.Dispose();
            foreach (var f in files) File.Delete(f);
            if (unitA is not null) await unitA.DisposeAsync();
            if (station is not null) await station.DisposeAsync();
        }
    }

    private static async Task WaitInteractiveAsync(IPage page) =>
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Opens the task form of a unit, fills in fs.checksum, submits it, and returns the id of the pane that opened.</summary>
    private static async Task<long> StartChecksumFromFormAsync(IPage page, string unit, string path)
    {
        var before = await PaneIdsAsync(page);
        await page.GetByTestId($"start-task-{unit}").ClickAsync();
        var form = page.GetByTestId("task-form");
        await form.WaitForAsync();
        await form.GetByTestId("form-kind").SelectOptionAsync("fs.checksum");
        var pathInput = form.Locator("[data-testid=param-path] input, input[data-testid=param-path]");
        await pathInput.FillAsync(path);
        await form.GetByTestId("form-submit").ClickAsync();

        var clock = Stopwatch.StartNew();
        while (true)
        {
            var added = (await PaneIdsAsync(page)).Except(before).ToList();
            if (added.Count == 1) return added[0];
            if (clock.Elapsed > TimeSpan.FromMilliseconds(StepTimeoutMs))
            {
                var error = await page.GetByTestId("form-error").CountAsync() > 0 ? await page.GetByTestId("form-error").InnerTextAsync() : "(no form error)";
                throw new TimeoutException($"no new pane opened after starting fs.checksum on {unit}: {error}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task<IReadOnlyList<long>> PaneIdsAsync(IPage page)
    {
        var ids = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-testid^=\"task-pane-\"]')].map(e => e.getAttribute('data-testid'))");
        return ids.Select(id => long.Parse(id["task-pane-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private static async Task<int> PercentAsync(ILocator pane)
    {
        var text = (await pane.GetByTestId("pane-percent").InnerTextAsync()).Trim().TrimEnd('%');
        return int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AssertNonDecreasing(string pane, IReadOnlyList<int> values)
    {
        for (int i = 1; i < values.Count; i++)
            Assert.True(values[i] >= values[i - 1], $"{pane} pane went back from {values[i - 1]}% to {values[i]}%: {string.Join(" ", values)}");
    }

    private static string Format(IEnumerable<(int Station, int UnitA)> samples) => string.Join(" ", samples.Select(s => $"{s.Station}/{s.UnitA}"));

    private bool Diagnose(StationProcess? station, AgentProcess? agent, IPage? page)
    {
        if (page is not null)
        {
            try
            {
                var shot = Path.Combine(Path.GetTempPath(), $"ccdsvm-e2e-failure-{Guid.NewGuid():N}.png");
                page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true }).Wait(TimeSpan.FromSeconds(10));
                output.WriteLine($"failure screenshot: {shot}");
                output.WriteLine("--- page ---");
                var content = page.ContentAsync();
                output.WriteLine(content.Wait(TimeSpan.FromSeconds(10)) ? content.Result[..Math.Min(content.Result.Length, 20_000)] : "(page content timed out)");
            }
            catch (Exception ex) when (ex is PlaywrightException or AggregateException or TimeoutException)
            {
                output.WriteLine($"(could not capture the page: {ex.Message})");
            }
        }
        output.WriteLine("--- station output ---");
        output.WriteLine(station?.Output ?? "(none)");
        output.WriteLine("--- agent output ---");
        output.WriteLine(agent?.Output ?? "(none)");
        return false;
    }
}
