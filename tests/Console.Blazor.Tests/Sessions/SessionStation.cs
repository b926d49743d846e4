using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.Console.Blazor.Tests.Monitoring;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ccdsvm.Console.Blazor.Tests.Sessions;

/// <summary>
/// The real station in memory (no co-hosted agent) on a data directory that outlives it, so a second one on
/// the same directory is a restart: same SQLite file, same data-protection keys.
/// </summary>
public sealed partial class SessionStation(string dataDirectory) : WebApplicationFactory<Program>
{
    // The same first password as the monitoring station: both set the one process-wide variable.
    public const string AdminPassword = MonitoringStationFactory.AdminPassword;

    static SessionStation() => Environment.SetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD", AdminPassword);

    public string DataDirectory { get; } = dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Environment.SetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD", AdminPassword);
        builder.UseSetting("Station:DataDirectory", DataDirectory);
        builder.UseSetting("Station:EmbeddedAgent", "false");
    }

    /// <summary>A client that keeps cookies and does not follow redirects, so a redirect to the sign-in page is seen.</summary>
    public HttpClient Browser(string scheme = "http") =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"{scheme}://localhost"), AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client sending a bearer token.</summary>
    public HttpClient Bearer(string token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> TokenAsync(string username, string password)
    {
        using var anonymous = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username, password });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token for {username}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
    }

    public async Task<HttpClient> AdminAsync() => Bearer(await TokenAsync("admin", AdminPassword));

    /// <summary>As admin through REST (an auth.user task): a user with no role.</summary>
    public async Task CreateUserAsync(string username, string password)
    {
        using var admin = await AdminAsync();
        using var created = await admin.PostAsJsonAsync("/api/v1/users", new { username, password });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating {username}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    /// <summary>Signs in through the console's form (antiforgery token from the page, as a browser does); returns the answer to the post.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string username, string password, string userAgent = "SessionTests/1.0")
    {
        using var page = await browser.GetAsync("/login");
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, $"no antiforgery field on /login ({(int)page.StatusCode})");
        using var form = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = username, ["password"] = password, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            }),
        };
        form.Headers.UserAgent.ParseAdd(userAgent);
        var response = await browser.SendAsync(form);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString() == "/",
            $"signing in {username}: {(int)response.StatusCode} {response.Headers.Location}");
        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
