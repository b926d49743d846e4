using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ccdsvm.Console.Blazor.Tests.Sessions;

/// <summary>
/// Console cookie sessions and bearer tokens end when the account changes under them: a password changed in
/// another session, an administrator's reset, deletion, a lockout. Real station (WebApplicationFactory), real
/// SQLite file, the console's real sign-in form.
/// </summary>
public sealed class SessionEndingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-sessions-").FullName;
    private readonly SessionStation _station;

    public SessionEndingTests() => _station = new SessionStation(_dir);

    public void Dispose()
    {
        _station.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static async Task<(HttpStatusCode Status, string Text)> GetAsync(HttpClient client, string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync(path, cts.Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token));
    }

    private static async Task<HttpClient> SignedInAsync(SessionStation station, string user, string password, string agent = "SessionTests/1.0")
    {
        var browser = station.Browser();
        (await SessionStation.SignInAsync(browser, user, password, agent)).Dispose();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(browser, "/api/v1/auth/me")).Status);
        return browser;
    }

    /// <summary>The old cookie gets 401 from the API and is sent to the sign-in page by the console.</summary>
    private static async Task AssertEndedAsync(HttpClient browser, string what)
    {
        var me = await GetAsync(browser, "/api/v1/auth/me");
        Assert.True(me.Status == HttpStatusCode.Unauthorized, $"{what}: /api/v1/auth/me answered {(int)me.Status} {me.Text}");
        using var page = await browser.GetAsync("/account");
        Assert.True(page.StatusCode == HttpStatusCode.Redirect && page.Headers.Location!.ToString().Contains("/login", StringComparison.Ordinal),
            $"{what}: /account answered {(int)page.StatusCode} {page.Headers.Location}");
    }

    [Fact]
    public async Task CookieSession_EndsWhenAnotherSessionChangesThePassword_TheChangingSessionStays()
    {
        await _station.CreateUserAsync("cora", "coras-long-password");
        using var changing = await SignedInAsync(_station, "cora", "coras-long-password");
        using var other = await SignedInAsync(_station, "cora", "coras-long-password");

        using var changed = await changing.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = "coras-long-password", newPassword = "coras-new-password" });
        Assert.True(changed.StatusCode == HttpStatusCode.NoContent, $"changing the password: {(int)changed.StatusCode} {await changed.Content.ReadAsStringAsync()}");

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(changing, "/api/v1/auth/me")).Status);
        await AssertEndedAsync(other, "the other session after the password change");
    }

    [Fact]
    public async Task CookieSession_EndsWhenAnAdministratorResetsThePassword()
    {
        await _station.CreateUserAsync("remy", "remys-long-password");
        using var browser = await SignedInAsync(_station, "remy", "remys-long-password");
        using var admin = await _station.AdminAsync();
        using var reset = await admin.PutAsJsonAsync("/api/v1/users/remy/password", new { password = "remys-reset-password" });
        Assert.True(reset.StatusCode == HttpStatusCode.OK, $"admin reset: {(int)reset.StatusCode} {await reset.Content.ReadAsStringAsync()}");
        await AssertEndedAsync(browser, "after the administrator's reset");
    }

    [Fact]
    public async Task CookieSession_EndsWhenTheUserIsDeleted()
    {
        await _station.CreateUserAsync("dora", "doras-long-password");
        using var browser = await SignedInAsync(_station, "dora", "doras-long-password");
        using var admin = await _station.AdminAsync();
        using var deleted = await admin.DeleteAsync("/api/v1/users/dora");
        Assert.True(deleted.StatusCode == HttpStatusCode.OK, $"deleting: {(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync()}");
        await AssertEndedAsync(browser, "after the user was deleted");
    }

    [Fact]
    public async Task LockedAccount_RefusesItsBearerTokensWith401SayingWhy_UntilUnlocked_AndEndsItsConsoleSessions()
    {
        await _station.CreateUserAsync("lena", "lenas-long-password");
        using var browser = await SignedInAsync(_station, "lena", "lenas-long-password");
        string named;
        using (var lena = _station.Bearer(await _station.TokenAsync("lena", "lenas-long-password")))
        {
            using var created = await lena.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "backup" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            named = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        }
        using var script = _station.Bearer(named);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(script, "/api/v1/auth/me")).Status);

        using (var anonymous = _station.CreateClient())
        {
            for (int i = 0; i < 5; i++)
                (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = "lena", password = "not-lenas-password" })).Dispose();
        }

        var refused = await GetAsync(script, "/api/v1/auth/me");
        Assert.True(refused.Status == HttpStatusCode.Unauthorized, $"named token of a locked account: {(int)refused.Status} {refused.Text}");
        Assert.Contains("the account 'lena' is locked after 5 failed logins until", JsonDocument.Parse(refused.Text).RootElement.GetProperty("detail").GetString());
        await AssertEndedAsync(browser, "the console session of a locked account");

        // An administrator's new password lifts the lock: the named token works again, the console session stays ended.
        using var admin = await _station.AdminAsync();
        (await admin.PutAsJsonAsync("/api/v1/users/lena/password", new { password = "lenas-reset-password" })).Dispose();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(script, "/api/v1/auth/me")).Status);
        await AssertEndedAsync(browser, "the console session after the unlock");
    }
}
