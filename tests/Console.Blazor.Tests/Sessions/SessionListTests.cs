using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ccdsvm.Console.Blazor.Tests.Sessions;

/// <summary>Console sessions listed and revoked through REST; the console cookie's flags over HTTP and HTTPS.</summary>
public sealed class SessionListTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-session-list-").FullName;
    private readonly SessionStation _station;

    public SessionListTests() => _station = new SessionStation(_dir);

    public void Dispose()
    {
        _station.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static async Task<(HttpStatusCode Status, JsonElement? Json, string Text)> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(new HttpRequestMessage(method, path), cts.Token);
        var text = await response.Content.ReadAsStringAsync(cts.Token);
        return (response.StatusCode, text.Length > 0 && text[0] is '{' or '[' ? JsonDocument.Parse(text).RootElement.Clone() : null, text);
    }

    [Fact]
    public async Task Sessions_AreListedWithDeviceAndTimes_AndOneRevokedThroughRestEndsAtItsNextRequest()
    {
        await _station.CreateUserAsync("sami", "samis-long-password");
        await _station.CreateUserAsync("otto", "ottos-long-password");
        using var laptop = _station.Browser();
        (await SessionStation.SignInAsync(laptop, "sami", "samis-long-password", "Laptop/1.0")).Dispose();
        using var phone = _station.Browser();
        (await SessionStation.SignInAsync(phone, "sami", "samis-long-password", "Phone/2.0")).Dispose();
        using var otto = _station.Browser();
        (await SessionStation.SignInAsync(otto, "otto", "ottos-long-password")).Dispose();

        var listed = await SendAsync(laptop, HttpMethod.Get, "/api/v1/auth/sessions");
        Assert.True(listed.Status == HttpStatusCode.OK, $"listing: {(int)listed.Status} {listed.Text}");
        var sessions = listed.Json!.Value.EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        var mine = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal("Laptop/1.0", mine.GetProperty("device").GetString());
        var other = Assert.Single(sessions, s => !s.GetProperty("current").GetBoolean());
        Assert.Equal("Phone/2.0", other.GetProperty("device").GetString());
        Assert.InRange(DateTimeOffset.UtcNow - other.GetProperty("startedAt").GetDateTimeOffset(), TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.True(other.TryGetProperty("lastSeenAt", out _) && other.TryGetProperty("address", out _));
        var otherId = other.GetProperty("id").GetString()!;

        // Another user's session is not yours to end.
        var foreign = await SendAsync(otto, HttpMethod.Delete, $"/api/v1/auth/sessions/{otherId}");
        Assert.True(foreign.Status == HttpStatusCode.NotFound, $"otto revoking sami's session: {(int)foreign.Status} {foreign.Text}");
        Assert.Equal($"you have no session '{otherId}'", foreign.Json!.Value.GetProperty("detail").GetString());

        var revoked = await SendAsync(laptop, HttpMethod.Delete, $"/api/v1/auth/sessions/{otherId}");
        Assert.True(revoked.Status == HttpStatusCode.NoContent, $"revoking: {(int)revoked.Status} {revoked.Text}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(phone, HttpMethod.Get, "/api/v1/auth/me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(laptop, HttpMethod.Get, "/api/v1/auth/me")).Status);
        var after = await SendAsync(laptop, HttpMethod.Get, "/api/v1/auth/sessions");
        Assert.Single(after.Json!.Value.EnumerateArray());
    }

    [Fact]
    public async Task ConsoleCookie_IsSecureOverHttps_NotOverHttp_AlwaysHttpOnlyAndSameSiteStrict()
    {
        await _station.CreateUserAsync("hugo", "hugos-long-password");
        using var https = _station.Browser("https");
        using var overHttps = await SessionStation.SignInAsync(https, "hugo", "hugos-long-password");
        var secure = SessionCookie(overHttps);
        Assert.Contains("; secure", secure, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", secure, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", secure, StringComparison.OrdinalIgnoreCase);

        using var http = _station.Browser("http");
        using var overHttp = await SessionStation.SignInAsync(http, "hugo", "hugos-long-password");
        var plain = SessionCookie(overHttp);
        Assert.DoesNotContain("; secure", plain, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", plain, StringComparison.OrdinalIgnoreCase);
    }

    private static string SessionCookie(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var cookies), "the sign-in set no cookie");
        return Assert.Single(cookies!, c => c.StartsWith("ccdsvm=", StringComparison.Ordinal));
    }
}
