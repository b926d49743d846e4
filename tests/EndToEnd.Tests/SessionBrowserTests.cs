using System.Net;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A console open in a real browser (a live Blazor circuit, no page load in between) is sent to the sign-in
/// page once its session ends elsewhere; the Account page's Sessions card lists and revokes sessions.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SessionBrowserTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>
{
    private StationProcess Station => fixture.Station;

    [GeneratedRegex("/login")]
    private static partial Regex LoginPage();

    [Fact]
    public async Task OpenConsole_GoesToTheSignInPage_WhenAnAdministratorResetsThePassword()
    {
        await fixture.Admin.CreateUserAsync("olive", "olives-long-password", "HelpDesk");
        await using var browser = await ConsoleBrowser.SignInAsync(Station, "olive", "olives-long-password");
        await browser.GotoAsync(Station, "/account");
        await Assertions.Expect(browser.Page.GetByTestId("session-current")).ToBeVisibleAsync();

        var reset = await fixture.Admin.PutJsonAsync("/api/v1/users/olive/password", new { password = "olives-reset-password" });
        Assert.True(reset.Status == HttpStatusCode.OK, $"admin reset: {reset}");

        // No navigation by the test: the circuit itself notices within its revalidation interval (10 s).
        await Assertions.Expect(browser.Page).ToHaveURLAsync(LoginPage(), new() { Timeout = 30_000 });
        await Assertions.Expect(browser.Page.GetByTestId("login-page")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SessionsCard_RevokesAnotherBrowser_WhichIsSentToTheSignInPage()
    {
        await fixture.Admin.CreateUserAsync("pavel", "pavels-long-password", "HelpDesk");
        await using var laptop = await ConsoleBrowser.SignInAsync(Station, "pavel", "pavels-long-password");
        await using var phone = await ConsoleBrowser.SignInAsync(Station, "pavel", "pavels-long-password");
        await laptop.GotoAsync(Station, "/account");
        await Assertions.Expect(laptop.Page.GetByTestId("session-row")).ToHaveCountAsync(2);

        var other = laptop.Page.GetByTestId("session-row").Filter(new() { HasNot = laptop.Page.GetByTestId("session-current") });
        await other.GetByTestId("session-revoke").ClickAsync();
        await Assertions.Expect(laptop.Page.GetByTestId("session-row")).ToHaveCountAsync(1);
        await laptop.ScreenshotAsync("account-sessions.png");

        await Assertions.Expect(phone.Page).ToHaveURLAsync(LoginPage(), new() { Timeout = 30_000 });
        await laptop.GotoAsync(Station, "/account");
        await Assertions.Expect(laptop.Page.GetByTestId("session-current")).ToBeVisibleAsync();
    }
}
