using System.Net;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>A station started without CCDSVM_ADMIN_PASSWORD: the generated first password must be changed before anything else.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ForcedPasswordChangeTests
{
    [GeneratedRegex(@"password '([A-Za-z0-9]+)'")]
    private static partial Regex GeneratedPassword();

    [Fact]
    public async Task GeneratedAdminPassword_HoldsBackRestAndConsoleUntilChanged()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings
        {
            Environment = new Dictionary<string, string> { ["CCDSVM_ADMIN_PASSWORD"] = "" },
        });
        var match = GeneratedPassword().Match(station.Output);
        Assert.True(match.Success, $"no generated password in the output:\n{station.Output}");
        var generated = match.Groups[1].Value;

        using (var held = await ApiClient.SignInAsync(station.BaseUrl, "admin", generated))
        {
            var units = await held.GetAsync("/api/v1/units");
            Assert.True(units.Status == HttpStatusCode.Forbidden, $"units before the change: {units}");
            Assert.StartsWith("change your password first", units.Detail, StringComparison.Ordinal);
            var me = await held.GetAsync("/api/v1/auth/me");
            Assert.True(me.Status == HttpStatusCode.OK, $"me: {me}");
            Assert.Equal("changePassword", me.Body.GetProperty("pendingStep").GetString());

            // The console sends the same person to the Account page, whatever they open.
            await using (var browser = await ConsoleBrowser.SignInAsync(station, "admin", generated))
            {
                await Assertions.Expect(browser.Page).ToHaveURLAsync(new Regex("/account$"));
                await Assertions.Expect(browser.Page.GetByTestId("account-step")).ToContainTextAsync("choose your own");
                await browser.Page.GotoAsync(new Uri(station.BaseUrl, "/tasks").ToString());
                await Assertions.Expect(browser.Page).ToHaveURLAsync(new Regex("/account$"));
            }

            var changed = await held.PostJsonAsync("/api/v1/auth/password", new { currentPassword = generated, newPassword = "admins-own-password" });
            Assert.True(changed.Status == HttpStatusCode.NoContent, $"changing the password: {changed}");
            Assert.Equal(HttpStatusCode.OK, (await held.GetAsync("/api/v1/units")).Status);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenStatusAsync(station, generated)));
        using var admin = await ApiClient.SignInAsync(station.BaseUrl, "admin", "admins-own-password");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/units")).Status);
    }

    private static async Task<HttpStatusCode> TokenStatusAsync(StationProcess station, string password)
    {
        using var anonymous = ApiClient.Anonymous(station.BaseUrl);
        return (await anonymous.PostJsonAsync("/api/v1/auth/token", new { username = "admin", password })).Status;
    }
}
