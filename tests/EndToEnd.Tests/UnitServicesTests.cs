using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A unit publishes a read-only directory as a named service; the station lets only the users it granted the
/// service use it, and the bytes come from the unit's own data plane under a station-signed grant.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class UnitServicesTests
{
    private const string Password = "service-user-password";

    [Fact]
    public async Task PublishedService_IsServedOnlyToGrantedUsers_ReadOnly_AndNeverOutsideItsDirectory()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        using var logsDir = new TempDir("ccdsvm-e2e-service-");
        string logs = logsDir.Path;
        byte[] bytes = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(Path.Combine(logs, "app.log"), bytes);
        // The service's directory is one of the unit's roots, published as "logs".
        await using var unit = await station.StartAgentAsync("unit-s", environment: new Dictionary<string, string>
        {
            ["Agent__Roots__1"] = logs,
            ["Agent__Services__0"] = $"logs={logs}",
        });

        await admin.CreateUserAsync("client", Password, "HelpDesk", "/units/unit-s");
        using var client = await ApiClient.SignInAsync(station.BaseUrl, "client", Password);

        // Listed with the caller's standing; visible, not yet granted.
        var listed = await client.GetAsync("/api/v1/units/unit-s/services");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        var only = Assert.Single(listed.Body.EnumerateArray());
        Assert.Equal("logs", only.GetProperty("name").GetString());
        Assert.False(only.GetProperty("granted").GetBoolean());
        var refused = await client.GetAsync("/api/v1/units/unit-s/services/logs?path=app.log");
        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.Contains("Services.Use", refused.Detail);

        // Granted on that one service: the bytes arrive, byte for byte; the directory lists.
        var grant = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/acl") { Content = JsonContent.Create(new { path = "/units/unit-s/services/logs", subject = "client", role = "ServiceUser" }) });
        Assert.True(grant.Status == HttpStatusCode.OK, grant.ToString());
        using (var http = new HttpClient(TestTls.Handler()) { BaseAddress = station.BaseUrl, Timeout = Timeouts.Request })
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client.Token);
            var got = await http.GetByteArrayAsync("/api/v1/units/unit-s/services/logs?path=app.log");
            Assert.Equal(bytes, got);
        }
        var listing = await client.GetAsync("/api/v1/units/unit-s/services/logs?path=/");
        Assert.Equal(HttpStatusCode.OK, listing.Status);
        Assert.Contains(listing.Body.EnumerateArray(), e => e.GetProperty("name").GetString() == "app.log");

        // Never outside the directory, never an unpublished service, never without a grant at the unit itself.
        var escape = await client.GetAsync("/api/v1/units/unit-s/services/logs?path=../secret.txt");
        Assert.Equal(HttpStatusCode.BadRequest, escape.Status);
        var unknown = await client.GetAsync("/api/v1/units/unit-s/services/etc?path=passwd");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        using var anonymous = ApiClient.Anonymous(station.BaseUrl);
        var direct = await anonymous.GetAsync($"/relay/v1/units/unit-s/data/v1/service?name=logs&path=app.log");
        Assert.Equal(HttpStatusCode.Forbidden, direct.Status);

        // Another user without the grant is refused, and the refusal is audited.
        await admin.CreateUserAsync("other", Password, "HelpDesk", "/units/unit-s");
        using var other = await ApiClient.SignInAsync(station.BaseUrl, "other", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/units/unit-s/services/logs?path=app.log")).Status);
        var audit = await admin.GetAsync("/api/v1/audit?actor=other&outcome=refused");
        Assert.Contains(audit.Body.EnumerateArray(), e => e.GetProperty("action").GetString() == "service.use");
    }
}
