using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The Network card on a unit's page in a real browser, at the three sizes people use: Read network runs net.inventory
/// on the station's own unit and the card shows its loopback interface with 127.0.0.1/8 once the task ends; a change
/// typed in the form (not applied) shows its diff against the running state.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NetworkBrowserTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>
{
    private StationProcess Station => fixture.Station;

    [Theory]
    [InlineData(1366, 900, false, "desktop")]
    [InlineData(768, 1024, true, "tablet")]
    [InlineData(390, 844, true, "phone")]
    public async Task Read_network_shows_the_units_interfaces(int width, int height, bool touch, string name)
    {
        await using var browser = await ConsoleBrowser.SignInAsync(Station, "admin", Station.AdminPassword, width, height, touch);
        await browser.GotoAsync(Station, "/units/station/dashboard");
        var card = browser.Page.GetByTestId("network-card");
        await Assertions.Expect(card).ToBeVisibleAsync();

        await browser.Page.GetByTestId("network-read").ClickAsync();
        var lo = browser.Page.GetByTestId("network-if-lo");
        await Assertions.Expect(lo).ToContainTextAsync("127.0.0.1/8", new() { Timeout = 30_000 });
        await Assertions.Expect(lo).ToContainTextAsync("unknown");
        // The kind, MTU, speed and MAC columns are for wider screens; a phone shows the interface, state and addresses.
        if (width > 600) await Assertions.Expect(lo).ToContainTextAsync("loopback");
        else await Assertions.Expect(lo.Locator(".net-wide").First).ToBeHiddenAsync();
        await Assertions.Expect(browser.Page.GetByTestId("network-dns")).ToContainTextAsync("kept across reboots by");
        // The form is offered where the unit can run net.configure; typed, never applied (the station's own network stays as it is).
        if (await browser.Page.GetByTestId("net-change-form").CountAsync() > 0)
        {
            await browser.Page.GetByTestId("net-change-interface").SelectOptionAsync("lo");
            await browser.Page.GetByTestId("net-change-mtu").FillAsync("9000");
            await Assertions.Expect(browser.Page.GetByTestId("net-diff")).ToContainTextAsync("+ added: lo mtu 9000");
        }
        await card.ScrollIntoViewIfNeededAsync();
        if (await browser.Page.GetByTestId("net-diff").CountAsync() > 0) await browser.Page.GetByTestId("net-change-apply").ScrollIntoViewIfNeededAsync();
        await browser.Page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Root, "docs", "screenshots", $"network-card-{name}.png") });
    }
}
