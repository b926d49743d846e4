using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ccdsvm.Console.Blazor.Tests.Monitoring;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>Bulk tasks through <c>POST /api/v1/tasks</c> on a station in this process (its co-hosted unit is <c>station</c>).</summary>
public sealed class BulkTasksApiTests(MonitoringStationFactory factory) : IClassFixture<MonitoringStationFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BulkOverTwoTargets_ParentRollsUp_ChildrenListed_RetryMakesANewParent()
    {
        using var client = await ClientAsync();
        var response = await client.PostAsJsonAsync("/api/v1/tasks", new
        {
            kind = "storage.inventory", targets = new[] { "station", "ghost" }, parameters = new { },
            rollout = new { parallelism = "50%", keepGoing = true },
        }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var parent = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Equal(("bulk", JsonValueKind.Null), (parent.GetProperty("kind").GetString(), parent.GetProperty("slot").ValueKind));
        long id = parent.GetProperty("id").GetInt64();

        var ended = await EndedAsync(client, id);
        Assert.Equal("failed", ended.GetProperty("state").GetString());
        Assert.Equal(2, ended.GetProperty("result").GetProperty("total").GetInt32());
        Assert.Equal(1.0, ended.GetProperty("progress").GetDouble());

        var children = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}/children").WaitAsync(Timeout);
        Assert.Equal(2, children.GetProperty("total").GetInt32());
        var ghost = children.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("unit").GetString() == "ghost");
        Assert.Equal("failed", ghost.GetProperty("state").GetString());
        Assert.Contains("'ghost' is not known", ghost.GetProperty("error").GetString());
        var station = children.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("unit").GetString() == "station");
        Assert.Equal(JsonValueKind.Number, station.GetProperty("taskId").ValueKind);

        var retry = await client.PostAsync($"/api/v1/tasks/{id}/retry-failed", null).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        long retryId = (await retry.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("id").GetInt64();
        Assert.NotEqual(id, retryId);
        await EndedAsync(client, retryId);
        var retried = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{retryId}/children").WaitAsync(Timeout);
        Assert.Contains("ghost", retried.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("unit").GetString()));
    }

    [Theory]
    [InlineData("""{"kind":"storage.inventory","target":"station","targets":["station"]}""", "not both")]
    [InlineData("""{"kind":"storage.inventory","selector":{"name":"no-such-unit-*"}}""", "the selector matches no unit")]
    [InlineData("""{"kind":"storage.inventory","targets":["station"],"rollout":{"parallelism":0}}""", "'rollout.parallelism' must be at least 1; got 0")]
    [InlineData("""{"kind":"storage.inventory","targets":["station"],"rollout":{"parallelism":"101%"}}""", "'rollout.parallelism' as a percent must be more than 0% and at most 100%; got 101%")]
    [InlineData("""{"kind":"storage.inventory","targets":["station"],"rollout":{"maxFailurePercent":0}}""", "'rollout.maxFailurePercent'")]
    public async Task BadBulkRequests_Are400_NamingTheField(string body, string detail)
    {
        using var client = await ClientAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/v1/tasks", content).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Preview_NamesTheMatchingUnits_StartsNothing_AndRefusesAnEmptySelectorInWords()
    {
        using var client = await ClientAsync();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/v1/tasks?limit=1000").WaitAsync(Timeout);

        var response = await client.PostAsJsonAsync("/api/v1/tasks/preview", new { kind = "storage.inventory", selector = new { name = "stat*" } }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Equal(1, preview.GetProperty("total").GetInt32());
        Assert.Equal("station", preview.GetProperty("sample")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("sample")[0].GetProperty("refusal").ValueKind);
        Assert.Equal(0, preview.GetProperty("mayNotRun").GetInt32());
        var after = await client.GetFromJsonAsync<JsonElement>("/api/v1/tasks?limit=1000").WaitAsync(Timeout);
        Assert.Equal(before.GetArrayLength(), after.GetArrayLength());

        var empty = await client.PostAsJsonAsync("/api/v1/tasks/preview", new { kind = "storage.inventory", selector = new { } }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("'selector' has no filter", (await empty.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ChildrenOfATaskThatIsNoBulkTask_Is404()
    {
        using var client = await ClientAsync();
        var response = await client.GetAsync("/api/v1/tasks/999999/children").WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<JsonElement> EndedAsync(HttpClient client, long id)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var task = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}").WaitAsync(Timeout);
            if (task.GetProperty("endedAt").ValueKind != JsonValueKind.Null) return task;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"bulk task {id} did not end: {task}");
            await Task.Delay(50);
        }
    }

    private async Task<HttpClient> ClientAsync()
    {
        _ = factory.Server;
        var deadline = DateTime.UtcNow + Timeout;
        while (factory.Services.GetRequiredService<UnitRegistry>().View("station")?.Online != true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the co-hosted agent never came online");
            await Task.Delay(50);
        }
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = MonitoringStationFactory.AdminPassword }).WaitAsync(Timeout);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
