using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ccdsvm.Console.Blazor.Tests.Monitoring;

namespace Ccdsvm.Console.Blazor.Tests.Schedules;

/// <summary><c>/api/v1/schedules</c> on a station in this process: making, reading, changing and deleting a schedule, and the 400s naming the field.</summary>
public sealed class SchedulesApiTests(MonitoringStationFactory factory) : IClassFixture<MonitoringStationFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Good = """{"name":"nightly inventory","cron":"30 2 * * *","timeZone":"Europe/Berlin","template":{"kind":"storage.inventory","target":"station","parameters":{}}}""";

    [Theory]
    [InlineData("""{"cron":"30 2 * * *","template":{"kind":"storage.inventory","target":"station"}}""", "'name' is required")]
    [InlineData("""{"name":"n","cron":"61 2 * * *","template":{"kind":"storage.inventory","target":"station"}}""", "'cron' is not a valid cron expression ('61 2 * * *')")]
    [InlineData("""{"name":"n","cron":"30 2 * *","template":{"kind":"storage.inventory","target":"station"}}""", "'cron' must have 5 fields (minute hour day month weekday) or 6 (seconds first); got 4")]
    [InlineData("""{"name":"n","template":{"kind":"storage.inventory","target":"station"}}""", "'cron' is required")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","timeZone":"Mars/Olympus","template":{"kind":"storage.inventory","target":"station"}}""", "'timeZone' is not a known time zone: 'Mars/Olympus'")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","template":{"kind":"disk.shred","target":"station"}}""", "'template.kind': unknown task kind 'disk.shred'")]
    [InlineData("""{"name":"n","cron":"30 2 * * *"}""", "'template' is required")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","template":{}}""", "'template.kind' is required")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","template":{"kind":"storage.inventory"}}""", "'template' needs 'target' (one unit), 'targets' (a list of unit ids) or 'selector'")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","template":{"kind":"storage.inventory","target":"station","targets":["station"]}}""", "'template' takes one of 'target', 'targets' or 'selector', not several")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","template":{"kind":"storage.inventory","targets":[]}}""", "'template.targets' is empty")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","template":{"kind":"storage.inventory","targets":["station"],"rollout":{"parallelism":0}}}""", "'template.rollout.parallelism' must be at least 1; got 0")]
    [InlineData("""{"name":"n","cron":"30 2 * * *","missedRuns":"always","template":{"kind":"storage.inventory","target":"station"}}""", "'missedRuns' must be one of runOnce, skip; got 'always'")]
    public async Task BadSchedules_Are400_NamingTheField(string body, string detail)
    {
        using var client = await ClientAsync("admin", MonitoringStationFactory.AdminPassword);
        var response = await PostAsync(client, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Schedule_MadeReadChangedDeleted_WithNextRun_OnlyTheOwnerOrAnAdminChangesIt()
    {
        using var admin = await ClientAsync("admin", MonitoringStationFactory.AdminPassword);
        var created = await PostAsync(admin, Good);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var schedule = await created.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        long id = schedule.GetProperty("id").GetInt64();
        try
        {
            Assert.Equal($"/api/v1/schedules/{id}", created.Headers.Location?.ToString());
            Assert.Equal(("admin", true, "runOnce", "Europe/Berlin"), (schedule.GetProperty("owner").GetString(), schedule.GetProperty("enabled").GetBoolean(),
                schedule.GetProperty("missedRuns").GetString(), schedule.GetProperty("timeZone").GetString()));
            var next = schedule.GetProperty("nextRun").GetDateTimeOffset();
            var berlin = TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
            Assert.True((berlin.Hour, berlin.Minute) is (2, 30) or (3, 0), $"next run {next:O} is {berlin:O} in Berlin");
            Assert.True(next > DateTimeOffset.UtcNow && next < DateTimeOffset.UtcNow.AddDays(1.1), $"next run {next:O}");
            Assert.Equal(JsonValueKind.Null, schedule.GetProperty("lastRun").ValueKind);

            var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/schedules").WaitAsync(Timeout);
            Assert.Contains(id, list.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
            var one = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{id}").WaitAsync(Timeout);
            Assert.Equal("storage.inventory", one.GetProperty("template").GetProperty("kind").GetString());

            var preview = await admin.GetFromJsonAsync<JsonElement>("/api/v1/schedules/preview?cron=0%20*%20*%20*%20*&timeZone=UTC").WaitAsync(Timeout);
            Assert.Equal(3, preview.GetArrayLength());
            Assert.All(preview.EnumerateArray(), p => Assert.Equal(0, p.GetDateTimeOffset().Minute));

            // Another user neither sees nor changes it.
            string user = "sched-" + Guid.NewGuid().ToString("N")[..6];
            using (var made = await admin.PostAsJsonAsync("/api/v1/users", new { username = user, password = "sched-user-password-1" }).WaitAsync(Timeout))
                Assert.Equal(HttpStatusCode.Created, made.StatusCode);
            using (var other = await ClientAsync(user, "sched-user-password-1"))
            {
                var theirs = await other.GetFromJsonAsync<JsonElement>("/api/v1/schedules").WaitAsync(Timeout);
                Assert.DoesNotContain(id, theirs.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
                using var content = new StringContent(Good, System.Text.Encoding.UTF8, "application/json");
                var put = await other.PutAsync($"/api/v1/schedules/{id}", content).WaitAsync(Timeout);
                Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
                Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/v1/schedules/{id}").WaitAsync(Timeout)).StatusCode);
            }

            using (var disable = new StringContent(Good.Replace("\"template\"", "\"enabled\":false,\"template\"", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"))
            {
                var put = await admin.PutAsync($"/api/v1/schedules/{id}", disable).WaitAsync(Timeout);
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
                var changed = await put.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
                Assert.Equal((false, JsonValueKind.Null), (changed.GetProperty("enabled").GetBoolean(), changed.GetProperty("nextRun").ValueKind));
            }
        }
        finally
        {
            await admin.DeleteAsync($"/api/v1/schedules/{id}").WaitAsync(Timeout);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/schedules/{id}").WaitAsync(Timeout)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/schedules/{id}").WaitAsync(Timeout)).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return await client.PostAsync("/api/v1/schedules", content).WaitAsync(Timeout);
    }

    private async Task<HttpClient> ClientAsync(string user, string password)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password }).WaitAsync(Timeout);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
