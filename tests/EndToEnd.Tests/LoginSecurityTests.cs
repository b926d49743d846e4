using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Station.Core.Users;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Login security through the real station's REST API and console: lockout, TOTP, named tokens, forced password change.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class LoginSecurityTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>
{
    private StationProcess Station => fixture.Station;
    private ApiClient Admin => fixture.Admin;

    private async Task CreateUserAsync(string username, string password)
    {
        var created = await Admin.PostJsonAsync("/api/v1/users", new { username, password });
        Assert.True(created.Status == HttpStatusCode.Created, $"creating {username}: {created}");
    }

    private async Task<ApiResponse> TokenAsync(string username, string password, string? totp = null)
    {
        using var anonymous = ApiClient.Anonymous(Station.BaseUrl);
        return await anonymous.PostJsonAsync("/api/v1/auth/token", new { username, password, totp });
    }

    [Fact]
    public async Task FiveBadPasswords_LockTheAccount_With423SayingWhenItUnlocks_EvenForTheRightPassword()
    {
        const string password = "lockes-long-password";
        await CreateUserAsync("locke", password);

        for (int i = 1; i <= 4; i++)
        {
            var wrong = await TokenAsync("locke", "not-the-password");
            Assert.True(wrong.Status == HttpStatusCode.Unauthorized, $"bad password {i}: {wrong}");
            Assert.Equal("wrong user name or password", wrong.Detail);
        }
        var fifth = await TokenAsync("locke", "not-the-password");
        Assert.True(fifth.Status == (HttpStatusCode)423, $"fifth bad password: {fifth}");
        Assert.Equal("application/problem+json", fifth.ContentType);
        Assert.Matches(LockedMessage(), fifth.Detail);
        var unlocksAt = fifth.Body.GetProperty("unlocksAt").GetDateTimeOffset();
        Assert.InRange(unlocksAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.1));
        Assert.Contains(unlocksAt.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", fifth.Detail, StringComparison.Ordinal);

        var right = await TokenAsync("locke", password);
        Assert.True(right.Status == (HttpStatusCode)423, $"right password while locked: {right}");
        Assert.Matches(LockedMessage(), right.Detail);
    }

    [GeneratedRegex(@"^the account 'locke' is locked after 5 failed logins until \d\d:\d\d:\d\d UTC$")]
    private static partial Regex LockedMessage();

    [Fact]
    public async Task TotpLogin_ThroughRest_WithACodeComputedFromTheEnrolledSecret()
    {
        const string password = "tessas-long-password";
        await CreateUserAsync("tessa", password);
        using var tessa = await ApiClient.SignInAsync(Station.BaseUrl, "tessa", password);

        var begun = await tessa.PostJsonAsync("/api/v1/auth/totp", null);
        Assert.True(begun.Status == HttpStatusCode.OK, $"starting TOTP set-up: {begun}");
        var secret = begun.Body.GetProperty("secret").GetString()!;
        Assert.Equal($"otpauth://totp/CCDSVM:tessa?secret={secret}&issuer=CCDSVM", begun.Body.GetProperty("keyUri").GetString());

        await WaitForFreshStepAsync();
        // Confirm with the previous step's code (inside the ±1 window), so the current one is still unused for the login below.
        var confirmed = await tessa.PostJsonAsync("/api/v1/auth/totp/confirm", new { code = Totp.Code(secret, DateTimeOffset.UtcNow.AddSeconds(-30)) });
        Assert.True(confirmed.Status == HttpStatusCode.OK, $"confirming TOTP: {confirmed}");
        var recovery = confirmed.Body.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, recovery.Count);

        var missing = await TokenAsync("tessa", password);
        Assert.True(missing.Status == HttpStatusCode.Unauthorized, $"no code: {missing}");
        Assert.StartsWith("this account needs a one-time code", missing.Detail, StringComparison.Ordinal);
        Assert.True(missing.Body.GetProperty("totpRequired").GetBoolean());

        var code = Totp.Code(secret, DateTimeOffset.UtcNow);
        var wrong = await TokenAsync("tessa", password, code == "000000" ? "111111" : "000000");
        Assert.True(wrong.Status == HttpStatusCode.Unauthorized, $"wrong code: {wrong}");

        var signedIn = await TokenAsync("tessa", password, code);
        Assert.True(signedIn.Status == HttpStatusCode.OK, $"right code: {signedIn}");
        using (var withCode = ApiClient.WithToken(Station.BaseUrl, signedIn.Body.GetProperty("token").GetString()!))
            Assert.Equal(HttpStatusCode.OK, (await withCode.GetAsync("/api/v1/units")).Status);

        var replay = await TokenAsync("tessa", password, code);
        Assert.True(replay.Status == HttpStatusCode.Unauthorized, $"the same code again: {replay}");

        Assert.Equal(HttpStatusCode.OK, (await TokenAsync("tessa", password, recovery[0])).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync("tessa", password, recovery[0])).Status);
    }

    /// <summary>Codes are checked by the station's clock: start well inside a 30-second step so the test's and the station's steps agree.</summary>
    private static async Task WaitForFreshStepAsync()
    {
        long intoStep = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % Totp.StepSeconds;
        if (intoStep >= Totp.StepSeconds - 8) await Task.Delay(TimeSpan.FromSeconds(Totp.StepSeconds - intoStep + 1));
    }

    [Fact]
    public async Task RequiredTotp_HoldsBackEveryCallButTheSetUp()
    {
        const string password = "rubens-long-password";
        await CreateUserAsync("ruben", password);
        var refused = await TokenAsync("ruben", password);
        Assert.Equal(HttpStatusCode.OK, refused.Status);
        using (var ruben = ApiClient.WithToken(Station.BaseUrl, refused.Body.GetProperty("token").GetString()!))
            Assert.Equal(HttpStatusCode.Forbidden, (await ruben.PutJsonAsync("/api/v1/users/ruben/totp-required", new { required = false })).Status);

        var required = await Admin.PutJsonAsync("/api/v1/users/ruben/totp-required", new { required = true });
        Assert.True(required.Status == HttpStatusCode.OK, $"requiring TOTP: {required}");

        using var held = await ApiClient.SignInAsync(Station.BaseUrl, "ruben", password);
        var units = await held.GetAsync("/api/v1/units");
        Assert.True(units.Status == HttpStatusCode.Forbidden, $"units before enrolment: {units}");
        Assert.StartsWith("an administrator requires a one-time code", units.Detail, StringComparison.Ordinal);
        var begun = await held.PostJsonAsync("/api/v1/auth/totp", null);
        Assert.Equal(HttpStatusCode.OK, begun.Status);
        var confirmed = await held.PostJsonAsync("/api/v1/auth/totp/confirm", new { code = Totp.Code(begun.Body.GetProperty("secret").GetString()!, DateTimeOffset.UtcNow) });
        Assert.True(confirmed.Status == HttpStatusCode.OK, $"confirming: {confirmed}");
        Assert.Equal(HttpStatusCode.OK, (await held.GetAsync("/api/v1/units")).Status);
    }

    [Fact]
    public async Task NamedToken_WorksAsItsOwner_IsListedWithoutTheSecret_AndIsRefusedOnceRevoked()
    {
        const string password = "nadias-long-password";
        await CreateUserAsync("nadia", password);
        using var nadia = await ApiClient.SignInAsync(Station.BaseUrl, "nadia", password);

        var created = await nadia.PostJsonAsync("/api/v1/auth/tokens", new { name = "nightly backup", expiresInDays = 7 });
        Assert.True(created.Status == HttpStatusCode.Created, $"creating a token: {created}");
        var id = created.Body.GetProperty("id").GetString()!;
        var token = created.Body.GetProperty("token").GetString()!;

        using var script = ApiClient.WithToken(Station.BaseUrl, token);
        var listed = await script.GetAsync("/api/v1/auth/tokens");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        var entry = Assert.Single(listed.Body.EnumerateArray());
        Assert.Equal(("nightly backup", id), (entry.GetProperty("name").GetString(), entry.GetProperty("id").GetString()));
        Assert.DoesNotContain(token, listed.Text, StringComparison.Ordinal);
        // As its owner: nadia is no administrator, and neither is her token.
        Assert.Equal(HttpStatusCode.Forbidden, (await script.PostJsonAsync("/api/v1/users", new { username = "mallory", password = "mallorys-password" })).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await nadia.DeleteAsync($"/api/v1/auth/tokens/{id}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/auth/tokens")).Status);
        Assert.Equal(HttpStatusCode.OK, (await nadia.GetAsync("/api/v1/auth/tokens")).Status);
    }

    [Fact]
    public async Task AccountPage_ShowsTheTotpQrCode()
    {
        const string password = "quinns-long-password";
        await CreateUserAsync("quinn", password);
        await using var browser = await ConsoleBrowser.SignInAsync(Station, "quinn", password, width: 1280, height: 800);
        await browser.GotoAsync(Station, "/account");
        await browser.Page.GetByTestId("totp-begin").ClickAsync();
        await Assertions.Expect(browser.Page.GetByTestId("totp-qr")).ToBeVisibleAsync();
        var secret = (await browser.Page.GetByTestId("totp-secret").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal);
        Assert.Equal(32, secret.Length);
        // The QR image really decoded as a PNG in the browser.
        Assert.True(await browser.Page.GetByTestId("totp-qr").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"));
        await browser.ScreenshotAsync("account-totp.png");

        await browser.Page.GetByTestId("totp-code").FillAsync(Totp.Code(secret, DateTimeOffset.UtcNow));
        await browser.Page.GetByTestId("totp-confirm").ClickAsync();
        await Assertions.Expect(browser.Page.GetByTestId("totp-recovery-codes").Locator("li")).ToHaveCountAsync(10);
        var recovery = (await browser.Page.GetByTestId("totp-recovery-codes").Locator("li").First.TextContentAsync())!.Trim();

        // Signing in to the console again: the form asks for the code once the password is right.
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await browser.Page.GetByTestId("login-username").FillAsync("quinn");
        await browser.Page.GetByTestId("login-password").FillAsync(password);
        await browser.Page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(browser.Page.GetByTestId("login-error")).ToContainTextAsync("This account needs a one-time code");
        await Assertions.Expect(browser.Page.GetByTestId("login-username")).ToHaveValueAsync("quinn");
        await browser.Page.GetByTestId("login-password").FillAsync(password);
        await browser.Page.GetByTestId("login-totp").FillAsync(recovery);
        await browser.Page.GetByTestId("login-submit").ClickAsync();
        await browser.WaitInteractiveAsync();
        await Assertions.Expect(browser.Page.GetByTestId("current-user")).ToHaveTextAsync("quinn");
    }
}
