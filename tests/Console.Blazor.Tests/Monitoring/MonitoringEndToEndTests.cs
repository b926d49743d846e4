using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Unit.Agent.Monitoring;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Monitoring;

/// <summary>The station and its co-hosted agent in one process: streaming on demand, the API, process tasks.</summary>
public sealed class MonitoringEndToEndTests : IClassFixture<MonitoringStationFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly MonitoringStationFactory _factory;

    public MonitoringEndToEndTests(MonitoringStationFactory factory) => _factory = factory;

    private T Get<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    private async Task StationOnlineAsync()
    {
        _ = _factory.Server;
        await Until(() => Get<UnitRegistry>().View("station")?.Online == true, "the co-hosted agent never came online");
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }

    private async Task<HttpClient> ClientAsync()
    {
        var client = _factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = MonitoringStationFactory.AdminPassword }).WaitAsync(Timeout);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task TwoViewersWatch_BothStop_AgentStopsFullRateStreaming()
    {
        await StationOnlineAsync();
        var streamer = Get<MetricsStreamer>();
        var watch = Get<MetricsWatch>();
        Assert.False(streamer.IsStreaming);

        int seen = 0;
        var one = await watch.WatchAsync("station", _ => Interlocked.Increment(ref seen)).WaitAsync(Timeout);
        var two = await watch.WatchAsync("station", _ => { }).WaitAsync(Timeout);
        await Until(() => streamer.IsStreaming, "the agent never started streaming");
        await Until(() => Volatile.Read(ref seen) >= 2, "no samples reached the viewer");

        await one.DisposeAsync().AsTask().WaitAsync(Timeout);
        long sentBefore = streamer.SamplesSent;
        await Until(() => streamer.SamplesSent > sentBefore + 1, "streaming stopped with a viewer left");
        Assert.True(streamer.IsStreaming);

        await two.DisposeAsync().AsTask().WaitAsync(Timeout);
        await Until(() => !streamer.IsStreaming, "the agent kept streaming after the last viewer left");
        long stopped = streamer.SamplesSent;
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(stopped, streamer.SamplesSent);
    }

    [Fact]
    public async Task Api_Processes_ListsThisProcessWithItsThreads()
    {
        await StationOnlineAsync();
        using var client = await ClientAsync();
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/units/station/processes").WaitAsync(Timeout);
        var me = list.EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == Environment.ProcessId);
        Assert.True(me.GetProperty("threads").GetInt32() > 1);
        foreach (var field in new[] { "ppid", "user", "command", "state", "cpuPercent", "rssBytes", "startedAt" })
            Assert.True(me.TryGetProperty(field, out _), $"missing {field}");
        var threads = await client.GetFromJsonAsync<JsonElement>($"/api/v1/units/station/processes/{Environment.ProcessId}/threads").WaitAsync(Timeout);
        Assert.True(threads.GetArrayLength() > 1);
    }

    [Theory]
    [InlineData("/api/v1/units/nope/metrics", HttpStatusCode.NotFound, "not known")]
    [InlineData("/api/v1/units/station/metrics?step=5m", HttpStatusCode.BadRequest, "'step' must be one of 1s, 1m, 1h")]
    [InlineData("/api/v1/units/station/metrics?from=last-week", HttpStatusCode.BadRequest, "ISO 8601")]
    [InlineData("/api/v1/units/nope/processes", HttpStatusCode.NotFound, "not known")]
    public async Task Api_Metrics_RefusesWithAClearProblem(string url, HttpStatusCode status, string message)
    {
        await StationOnlineAsync();
        using var client = await ClientAsync();
        var response = await client.GetAsync(url).WaitAsync(Timeout);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Api_Metrics_ReturnsPointsFromSummaries()
    {
        await StationOnlineAsync();
        Get<MetricsIngest>().OnSummary("station", new MetricsSummary(DateTimeOffset.UtcNow, 12.5, 100, 200, 1, 2, 3, 4, 0.1, []));
        Get<MetricsStore>().Append(Get<MetricsIngest>().TakePending());
        using var client = await ClientAsync();
        var history = await client.GetFromJsonAsync<JsonElement>("/api/v1/units/station/metrics?step=1s").WaitAsync(Timeout);
        var point = history.GetProperty("points").EnumerateArray().Last();
        foreach (var field in new[] { "t", "cpuPercent", "memUsedBytes", "memTotalBytes", "netRxBytesPerSec", "netTxBytesPerSec", "diskReadBytesPerSec", "diskWriteBytesPerSec" })
            Assert.True(point.TryGetProperty(field, out _), $"missing {field}");
    }

    [Fact]
    public async Task SignalTask_EndsAProcessTheTestStarted_AndRefusesTheAgentItself()
    {
        await StationOnlineAsync();
        using var client = await ClientAsync();
        using var child = System.Diagnostics.Process.Start("sleep", "300");
        try
        {
            var done = await RunTaskAsync(client, ProcessTaskKinds.Signal, new { pid = child.Id, signal = "TERM" });
            Assert.Equal("succeeded", done.GetProperty("state").GetString(), ignoreCase: true);
            await child.WaitForExitAsync().WaitAsync(Timeout);

            var refused = await RunTaskAsync(client, ProcessTaskKinds.Signal, new { pid = Environment.ProcessId, signal = "KILL" });
            Assert.Equal("failed", refused.GetProperty("state").GetString(), ignoreCase: true);
            Assert.Contains("agent", refused.GetProperty("error").GetString());

            var response = await client.PostAsJsonAsync("/api/v1/tasks", new { kind = ProcessTaskKinds.Signal, target = "station", parameters = new { pid = 1, signal = "TERM" } }).WaitAsync(Timeout);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("pid 1 is the init process of the unit; signalling it is refused", await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
        }
        finally
        {
            if (!child.HasExited) child.Kill();
        }
    }

    private static async Task<JsonElement> RunTaskAsync(HttpClient client, string kind, object parameters)
    {
        var response = await client.PostAsJsonAsync("/api/v1/tasks", new { kind, target = "station", parameters }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        long id = (await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("id").GetInt64();
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var task = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}").WaitAsync(Timeout);
            if (task.GetProperty("state").GetString()?.ToLowerInvariant() is "succeeded" or "failed" or "cancelled" or "interrupted") return task;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"task {id} still {task.GetProperty("state")}");
            await Task.Delay(100);
        }
    }
}
