using System.Globalization;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// One task on forty units from the run-task form, in Chromium against a real station with forty simulated units of
/// the load generator (bench/Ccdsvm.FleetLoad): "Run on many units" counts the units a name pattern matches as it is
/// typed, the button names the count, and the bulk pane that opens fills its grid live until all forty succeeded,
/// never more than five at once, and its end reaches the owner's notification bell. The form with its preview and the
/// bell's panel are looked at on a tablet and a phone too; screenshots go to docs/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BulkBrowserTests(ITestOutputHelper output)
{
    private const int Fleet = 40;
    private const string Prefix = "bulk";

    [Fact]
    public async Task FortyUnitsFromTheForm_ThePreviewCountsThem_TheBulkPaneFillsLive_AtThreeSizes()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        using var work = new TempDir("bulk-browser");
        using var generator = FleetUnits.Start(station, admin, Fleet, Prefix, work.Path);
        try
        {
            await FleetUnits.WaitOnlineAsync(admin, generator, Fleet + 1, TimeSpan.FromMinutes(2));

            foreach (var (label, width, height, touch) in new[] { ("phone", 390, 844, true), ("tablet", 768, 1024, true), ("desktop", 1366, 900, false) })
            {
                await using var browser = await ConsoleBrowser.SignInAsync(station, width, height, touch);
                var page = browser.Page;
                // The form on the station's own unit (?run= opens it, as the palette's "run on…" does), then switched to many units.
                await browser.GotoAsync(station, "/?run=station");
                var form = page.GetByTestId("task-form");
                await form.GetByTestId("form-kind").SelectOptionAsync("maintenance.hold");
                await form.GetByTestId("param-resource").FillAsync("disks/sdb");
                await form.GetByTestId("param-seconds").FillAsync("1");
                await form.GetByTestId("param-reason").FillAsync("firmware, rack by rack");
                await form.GetByTestId("form-many").CheckAsync(new() { Force = true });
                await form.GetByTestId("many-name").FillAsync(Prefix + "-*");
                await Assertions.Expect(form.GetByTestId("many-count")).ToHaveTextAsync(Fleet.ToString(CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
                await Assertions.Expect(form.GetByTestId("many-more")).ToContainTextAsync($"and {Fleet - 20} more");
                await form.GetByTestId("many-parallelism").FillAsync("lots");
                await Assertions.Expect(form.GetByTestId("form-submit")).ToBeDisabledAsync();
                await form.GetByTestId("many-parallelism").FillAsync("5");
                var submit = form.GetByTestId("form-submit");
                await Assertions.Expect(submit).ToContainTextAsync($"on {Fleet} units");
                await Assertions.Expect(submit).ToBeEnabledAsync();
                await form.GetByTestId("many-preview").ScrollIntoViewIfNeededAsync();
                await browser.ScreenshotAsync($"bulk-form-{label}.png");
                if (label != "desktop")
                {
                    // The notification centre's bell fits the top bar at this width and its panel opens by touch.
                    await page.GetByTestId("notify-bell").TapAsync();
                    await Assertions.Expect(page.GetByTestId("notify-panel")).ToBeVisibleAsync();
                    await Assertions.Expect(page.GetByTestId("notify-heading")).ToBeVisibleAsync();
                    await browser.ScreenshotAsync($"notify-panel-{label}.png");
                    continue;
                }

                await submit.ClickAsync();
                var pane = page.Locator("[data-testid^=task-pane-]").Filter(new() { Has = page.GetByTestId("bulk-children") });
                await Assertions.Expect(pane.GetByTestId("bulk-count-all")).ToHaveTextAsync(Fleet.ToString(CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
                await Assertions.Expect(pane.GetByTestId("bulk-grid").Locator("tr[data-testid^=bulk-child-]")).Not.ToHaveCountAsync(0);
                await browser.ScreenshotAsync("bulk-pane-running-desktop.png");
                await Assertions.Expect(pane.GetByTestId("bulk-count-succeeded")).ToHaveTextAsync(Fleet.ToString(CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
                await Assertions.Expect(pane.GetByTestId("state-chip").First).ToHaveTextAsync("succeeded", new() { Timeout = 15_000 });
                await browser.ScreenshotAsync("bulk-pane-done-desktop.png");

                // What the pane showed is what ran: forty hold tasks, one per unit, never more than five running at once.
                long parent = long.Parse((await pane.GetAttributeAsync("data-testid"))!["task-pane-".Length..], CultureInfo.InvariantCulture);
                var children = (await admin.GetAsync($"/api/v1/tasks/{parent}/children?limit=100")).Body.GetProperty("items").EnumerateArray()
                    .Select(c => c.GetProperty("taskId").GetInt64()).ToList();
                Assert.Equal(Fleet, children.Distinct().Count());
                var spans = new List<(DateTimeOffset Start, DateTimeOffset End)>();
                foreach (var id in children)
                {
                    var t = (await admin.GetAsync($"/api/v1/tasks/{id}")).Body;
                    Assert.Equal("succeeded", t.GetProperty("state").GetString());
                    spans.Add((t.GetProperty("startedAt").GetDateTimeOffset(), t.GetProperty("endedAt").GetDateTimeOffset()));
                }
                int most = spans.Max(s => spans.Count(o => o.Start <= s.Start && o.End > s.Start));
                Assert.True(most <= 5, $"{most} children ran at once with parallelism 5");

                // The bulk task's end reaches the owner's bell live (its forty children are not announced one by one).
                await Assertions.Expect(page.GetByTestId("notify-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[1-9]\d*$"), new() { Timeout = 15_000 });
                await page.GetByTestId("notify-bell").ClickAsync();
                var items = page.GetByTestId("notify-panel").GetByTestId("notify-item");
                await Assertions.Expect(items.Filter(new() { HasText = $"Bulk task {parent} succeeded" })).ToHaveCountAsync(1);
                await Assertions.Expect(items.Filter(new() { HasText = "bulk-000" })).ToHaveCountAsync(0);
                await browser.ScreenshotAsync("notify-panel-desktop.png");
            }
        }
        catch
        {
            output.WriteLine(generator.Output);
            throw;
        }
    }
}
