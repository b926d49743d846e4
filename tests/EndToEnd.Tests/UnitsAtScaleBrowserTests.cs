using System.Globalization;
using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The Units page with 2,000 units on a real station: the load generator (bench/Ccdsvm.FleetLoad) enrols and connects
/// 2,000 simulated units and keeps them connected while Chromium shows the page. The total counts every unit (and the
/// station's own), a tag chip shows exactly the tagged units, a search narrows to one, and its row opens the unit.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class UnitsAtScaleBrowserTests(ITestOutputHelper output)
{
    private const int Fleet = 2_000;
    private const string Prefix = "scale";

    [Fact]
    public async Task TwoThousandUnits_TheUnitsPageShowsTheTotal_FiltersByTag_SearchesAndOpensAUnit()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        using var work = new TempDir("units-at-scale");
        // A long steady phase and no tasks: the units stay connected for the whole test; disposing kills the generator.
        using var generator = FleetUnits.Start(station, admin, Fleet, Prefix, work.Path);
        try
        {
            await FleetUnits.WaitOnlineAsync(admin, generator, Fleet + 1, TimeSpan.FromMinutes(4));

            // FleetLoad sets no tags: three units get one over the REST API.
            var ids = (await admin.GetAsync($"/api/v1/units?search={Prefix}-&limit=1000")).Body.GetProperty("items").EnumerateArray()
                .Select(u => u.GetProperty("id").GetString()!).ToList();
            Assert.True(ids.Count == 1000, $"expected a full page of fleet units, got {ids.Count}");
            string[] tagged = [ids[11], ids[512], ids[987]];
            foreach (var id in tagged)
            {
                var put = await admin.PutJsonAsync($"/api/v1/units/{id}/tags", new { tags = new[] { "gpu", "rack-9" } });
                Assert.True(put.Status == HttpStatusCode.OK, put.ToString());
            }
            string wanted = ids[777];

            await using var browser = await ConsoleBrowser.SignInAsync(station, 1366, 900);
            var page = browser.Page;
            await browser.GotoAsync(station, "/units");
            var total = page.GetByTestId("units-total");
            await Assertions.Expect(total).ToHaveTextAsync("showing 1–50 of 2,001 units", new() { Timeout = 30_000 });
            var rows = page.Locator("[data-testid=unit-grid] [data-testid^=unit-card-]");
            await Assertions.Expect(rows).ToHaveCountAsync(50);
            await Assertions.Expect(page.GetByTestId("facet-status-online")).ToContainTextAsync("2,001");
            await browser.ScreenshotAsync("units-at-scale-1366.png");

            // The tag chip: exactly the tagged units.
            await page.GetByTestId("facet-tag-gpu").ClickAsync();
            await Assertions.Expect(total).ToHaveTextAsync("showing 3 of 3 units (filtered from 2,001)");
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            var shown = await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.getAttribute('data-testid'))");
            Assert.Equal(tagged.Select(t => $"unit-card-{t}").Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
            await browser.ScreenshotAsync("units-at-scale-tag.png");
            await page.GetByTestId("facet-tag-gpu").ClickAsync();
            await Assertions.Expect(total).ToHaveTextAsync("showing 1–50 of 2,001 units");

            // Typing a search narrows to the one unit; its row opens the unit.
            var search = page.Locator("input[data-testid=units-search], [data-testid=units-search] input").First;
            await search.PressSequentiallyAsync(wanted, new() { Delay = 30 });
            await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = 15_000 });
            await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-testid", $"unit-card-{wanted}");
            await rows.First.ClickAsync();
            await page.WaitForURLAsync($"**/units/{wanted}", new() { Timeout = 15_000 });
            await Assertions.Expect(page.GetByTestId("unit-page-title")).ToHaveTextAsync(wanted, new() { Timeout = 15_000 });
            await Assertions.Expect(page.GetByTestId($"unit-card-{wanted}").GetByTestId("unit-status")).ToHaveTextAsync("online");
            await browser.ScreenshotAsync("unit-page-1366.png");

            // The page at a tablet's and a phone's size.
            foreach (var (w, h) in new[] { (768, 1024), (390, 844) })
            {
                await page.SetViewportSizeAsync(w, h);
                await browser.GotoAsync(station, "/units");
                await Assertions.Expect(total).ToHaveTextAsync("showing 1–50 of 2,001 units", new() { Timeout = 30_000 });
                var box = await rows.First.BoundingBoxAsync();
                Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= w + 1, $"a row spans {box?.X:0}..{box?.X + box?.Width:0}, outside {w} px");
                await browser.ScreenshotAsync($"units-at-scale-{w}.png");
            }
        }
        finally
        {
            output.WriteLine(generator.Output.Length > 4000 ? generator.Output[^4000..] : generator.Output);
        }
    }
}
