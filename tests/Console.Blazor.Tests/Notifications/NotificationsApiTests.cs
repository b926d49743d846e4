using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ccdsvm.Console.Blazor.Tests.Monitoring;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Notifications;

/// <summary>
/// The notification endpoints on a real station in memory (the monitoring tests' station: the co-hosted agent reaches it
/// through the test server): validation as problem+json, write-only secrets, the caller's own centre, the OpenAPI document.
/// </summary>
public sealed class NotificationsApiTests(MonitoringStationFactory factory) : IClassFixture<MonitoringStationFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private async Task<HttpClient> AdminAsync()
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = MonitoringStationFactory.AdminPassword }).WaitAsync(Timeout);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpClient client, HttpMethod method, string url, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = json is null ? null : Json(json) };
        using var response = await client.SendAsync(request).WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Targets_BadUrlIs400WithAMessage_SecretIsNeverReturned_TheLogAndMatchersAnswer()
    {
        using var client = await AdminAsync();

        var bad = await Send(client, HttpMethod.Post, "/api/v1/notification-targets", """{"name":"h","type":"webhook","url":"not a url"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("'url' must be an absolute http:// or https:// address", bad.Body.GetProperty("detail").GetString());

        var made = await Send(client, HttpMethod.Post, "/api/v1/notification-targets", """{"name":"api hook","type":"webhook","url":"https://hooks.example.com/x","secret":"never-echo-me"}""");
        Assert.Equal(HttpStatusCode.Created, made.Status);
        Assert.True(made.Body.GetProperty("secretSet").GetBoolean());
        var list = await Send(client, HttpMethod.Get, "/api/v1/notification-targets");
        Assert.DoesNotContain("never-echo-me", list.Body.GetRawText());
        long id = made.Body.GetProperty("id").GetInt64();

        var matcher = await Send(client, HttpMethod.Post, "/api/v1/notification-matchers", $$"""{"name":"all errors","targets":[{{id}}],"minSeverity":"error","digest":"daily"}""");
        Assert.Equal(HttpStatusCode.Created, matcher.Status);
        var badMatcher = await Send(client, HttpMethod.Post, "/api/v1/notification-matchers", """{"name":"x","targets":[424242]}""");
        Assert.Equal(HttpStatusCode.BadRequest, badMatcher.Status);

        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Get, "/api/v1/notification-deliveries?limit=5")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(client, HttpMethod.Get, "/api/v1/notification-deliveries?limit=0")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(client, HttpMethod.Delete, $"/api/v1/notification-matchers/{matcher.Body.GetProperty("id").GetInt64()}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(client, HttpMethod.Delete, $"/api/v1/notification-targets/{id}")).Status);
    }

    [Fact]
    public async Task Centre_ListsTheCallersOwn_MarksRead_PreferencesKeepWhatIsLeftOut()
    {
        using var client = await AdminAsync();
        var centre = factory.Services.GetRequiredService<NotificationCentre>();
        centre.Post(new NotificationEvent(NotificationTypes.TaskFailed, NotificationSeverities.Error, "Task 900001 failed", "boom", DateTimeOffset.UtcNow,
            "task:900001:failed", "admin", 900001));
        centre.Post(new NotificationEvent(NotificationTypes.TaskFailed, NotificationSeverities.Error, "Task 900002 failed", "boom", DateTimeOffset.UtcNow,
            "task:900002:failed", "someone-else", 900002));
        await centre.IdleAsync().WaitAsync(Timeout);

        var page = await Send(client, HttpMethod.Get, "/api/v1/notifications?unread=true");
        var items = page.Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, n => n.GetProperty("taskId").GetInt64() == 900001);
        Assert.DoesNotContain(items, n => n.GetProperty("taskId").GetInt64() == 900002);
        long mine = items.First(n => n.GetProperty("taskId").GetInt64() == 900001).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.NoContent, (await Send(client, HttpMethod.Post, $"/api/v1/notifications/{mine}/read")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(client, HttpMethod.Post, "/api/v1/notifications/987654321/read")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Post, "/api/v1/notifications/read-all")).Status);
        Assert.Equal(0, (await Send(client, HttpMethod.Get, "/api/v1/notifications")).Body.GetProperty("unread").GetInt32());

        var prefs = await Send(client, HttpMethod.Put, "/api/v1/notifications/preferences", """{"taskSucceeded":true}""");
        Assert.Equal(HttpStatusCode.OK, prefs.Status);
        Assert.True(prefs.Body.GetProperty("taskSucceeded").GetBoolean());
        Assert.True(prefs.Body.GetProperty("unitStatus").GetBoolean());
        var misspelt = await Send(client, HttpMethod.Put, "/api/v1/notifications/preferences", """{"taskSucceded":true}""");
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.Status);
    }

    [Fact]
    public async Task OpenApi_DescribesEveryNotificationEndpoint_WithItsProblems()
    {
        using var client = factory.CreateClient();
        var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json").WaitAsync(Timeout)).RootElement;
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/notifications", "/api/v1/notifications/{id}/read", "/api/v1/notifications/read-all", "/api/v1/notifications/preferences",
                     "/api/v1/notification-targets", "/api/v1/notification-targets/{id}", "/api/v1/notification-matchers", "/api/v1/notification-matchers/{id}",
                     "/api/v1/notification-deliveries" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        Assert.True(paths.GetProperty("/api/v1/notification-targets").GetProperty("post").GetProperty("responses").TryGetProperty("400", out _));
    }
}
