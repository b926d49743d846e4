using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Telemetry;

/// <summary>
/// Issue 17, telemetry: one trace per task from the REST call through admission, lock wait, dispatch and the agent's
/// run to its end; the admin-only Prometheus scrape; log lines that name their task and unit.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class TaskTelemetryTests(TelemetryStationFactory factory) : IClassFixture<TelemetryStationFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TaskThatWaitsForALock_OneTrace_FromRestCallThroughAdmissionDispatchAndAgentRunToItsEnd()
    {
        await StationOnlineAsync();
        using var admin = await BearerAsync("admin", TelemetryStationFactory.AdminPassword);
        string resource = "disks/otel-" + Guid.NewGuid().ToString("N")[..8];
        long holder = await SubmitAsync(admin, "maintenance.hold", new { resource, seconds = 1.5 });
        long waiter = await SubmitAsync(admin, "maintenance.hold", new { resource, seconds = 1 });
        Assert.Equal("succeeded", await EndStateAsync(admin, holder));
        Assert.Equal("succeeded", await EndStateAsync(admin, waiter));

        // The waiter's spans, found by its task id; the agent's run span ends a moment after the station records the end.
        Activity Span(string name) => factory.Spans.Snapshot().Single(a => a.DisplayName == name && Equals(a.GetTagItem("ccdsvm.task.id"), waiter));
        await Until(() => factory.Spans.Snapshot().Any(a => a.DisplayName == "task.run maintenance.hold" && Equals(a.GetTagItem("ccdsvm.task.id"), waiter)),
            "the agent's run span of the waiting task was never exported");
        var admit = Span("task.admit");
        var lockWait = Span("task.lock_wait");
        var dispatch = Span("task.dispatch");
        var run = Span("task.run maintenance.hold");
        var end = Span("task.end");
        var request = factory.Spans.Snapshot().Single(a => a.SpanId == admit.ParentSpanId);

        // REST call → admission → (lock wait, dispatch, end); dispatch → the agent's run. One trace.
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("POST", request.GetTagItem("http.request.method"));
        Assert.Equal("/api/v1/tasks", request.GetTagItem("url.path"));
        Assert.Equal(admit.SpanId, lockWait.ParentSpanId);
        Assert.Equal(admit.SpanId, dispatch.ParentSpanId);
        Assert.Equal(dispatch.SpanId, run.ParentSpanId);
        Assert.Equal(admit.SpanId, end.ParentSpanId);
        Assert.All(new[] { admit, lockWait, dispatch, run, end }, s => Assert.Equal(request.TraceId, s.TraceId));
        Assert.Equal("Ccdsvm.Agent", run.Source.Name);
        Assert.Equal("station", run.GetTagItem("ccdsvm.unit.id"));
        Assert.Equal("succeeded", end.GetTagItem("ccdsvm.task.state"));
        // The wait lasted until the holder let go (about 1.5 s); the run came after the grant.
        Assert.True(lockWait.Duration > TimeSpan.FromSeconds(0.5), $"lock wait span lasted {lockWait.Duration}");
        Assert.True(run.StartTimeUtc >= lockWait.StartTimeUtc + lockWait.Duration - TimeSpan.FromMilliseconds(50));

        // The holder's trace is another one, and it never waited.
        var holderAdmit = factory.Spans.Snapshot().Single(a => a.DisplayName == "task.admit" && Equals(a.GetTagItem("ccdsvm.task.id"), holder));
        Assert.NotEqual(request.TraceId, holderAdmit.TraceId);
        Assert.DoesNotContain(factory.Spans.Snapshot(), a => a.DisplayName == "task.lock_wait" && Equals(a.GetTagItem("ccdsvm.task.id"), holder));
    }

    [Fact]
    public async Task LogLinesOfATask_CarryItsTaskIdAndUnitId_OnStationAndAgent()
    {
        await StationOnlineAsync();
        using var admin = await BearerAsync("admin", TelemetryStationFactory.AdminPassword);
        string dir = Path.Combine(factory.FilesRoot, "logged-" + Guid.NewGuid().ToString("N")[..8]);
        long id = await SubmitAsync(admin, "fs.mkdir", new { path = dir });
        Assert.Equal("succeeded", await EndStateAsync(admin, id));
        Assert.True(Directory.Exists(dir));

        bool Names(LogLine l) => l.Scope.TryGetValue("TaskId", out var t) && Equals(t, id) && l.Scope.TryGetValue("UnitId", out var u) && Equals(u, "station");
        // The agent's line that it starts the task, and the station's line that it ended.
        await Until(() => factory.Logs.Lines.Any(l => l.Category.EndsWith("TaskRunner", StringComparison.Ordinal) && Names(l)),
            "no log line of the agent's TaskRunner named the task and its unit");
        var ended = factory.Logs.Lines.Where(l => l.Category.StartsWith("Ccdsvm.Station.Core", StringComparison.Ordinal) && Names(l)).ToList();
        Assert.Contains(ended, l => l.Message.Contains("succeeded", StringComparison.Ordinal));
        Assert.Contains(ended, l => l.Message.Contains("admitted", StringComparison.OrdinalIgnoreCase) || l.Message.Contains(id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetricsScrape_AdminOnly_ShowsTaskEndsUnitsAndAdmissionLatency()
    {
        await StationOnlineAsync();
        using (var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false }))
        using (var response = await anonymous.GetAsync("/metrics").WaitAsync(Timeout))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var admin = await BearerAsync("admin", TelemetryStationFactory.AdminPassword);
        string user = "scrape-" + Guid.NewGuid().ToString("N")[..6];
        using (var created = await admin.PostAsJsonAsync("/api/v1/users", new { username = user, password = "otel-user-password-1" }).WaitAsync(Timeout))
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating {user}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        using (var plain = await BearerAsync(user, "otel-user-password-1"))
        using (var response = await plain.GetAsync("/metrics").WaitAsync(Timeout))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        double before = Sample(await ScrapeAsync(admin), "ccdsvm_tasks_ended_total", "fs.mkdir", "succeeded");
        long id = await SubmitAsync(admin, "fs.mkdir", new { path = Path.Combine(factory.FilesRoot, "scraped-" + Guid.NewGuid().ToString("N")[..8]) });
        Assert.Equal("succeeded", await EndStateAsync(admin, id));

        string text = "";
        await Until(async () => Sample(text = await ScrapeAsync(admin), "ccdsvm_tasks_ended_total", "fs.mkdir", "succeeded") >= before + 1,
            "the scrape never counted the fs.mkdir task that succeeded");
        Assert.Matches(@"(?m)^ccdsvm_tasks\{[^}]*ccdsvm_task_state=""running""", text);
        Assert.Matches(@"(?m)^ccdsvm_slots_used", text);
        Assert.Matches(@"(?m)^ccdsvm_units_connected(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"(?m)^ccdsvm_task_admission_duration_seconds_count\{[^}]*fs\.mkdir[^}]*\} [1-9]", text);
        // SignalR's own meter: the co-hosted agent's hub connection.
        Assert.Contains("signalr_server_active_connections", text);
    }

    /// <summary>The value of a sample of <paramref name="metric"/> whose labels name the kind and state; 0 when there is none yet.</summary>
    private static double Sample(string text, string metric, string kind, string state)
    {
        foreach (Match m in SampleLine().Matches(text))
        {
            if (m.Groups["name"].Value != metric) continue;
            var labels = m.Groups["labels"].Value;
            if (labels.Contains($"ccdsvm_task_kind=\"{kind}\"", StringComparison.Ordinal) && labels.Contains($"ccdsvm_task_state=\"{state}\"", StringComparison.Ordinal))
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return 0;
    }

    [GeneratedRegex(@"(?m)^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9.e+]+)")]
    private static partial Regex SampleLine();

    private static async Task<string> ScrapeAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("/metrics").WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics as admin: {(int)response.StatusCode} {text}");
        return text;
    }

    private async Task StationOnlineAsync()
    {
        _ = factory.Server;
        await Until(() => factory.Services.GetRequiredService<UnitRegistry>().View("station")?.Online == true, "the co-hosted agent never came online");
    }

    private async Task<HttpClient> BearerAsync(string username, string password)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username, password }).WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token for {username}: {(int)response.StatusCode} {text}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(text).RootElement.GetProperty("token").GetString());
        return client;
    }

    private static async Task<long> SubmitAsync(HttpClient client, string kind, object parameters)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/tasks", new { kind, target = "station", parameters }).WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submitting {kind}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }

    private static async Task<string> EndStateAsync(HttpClient client, long id)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var task = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}").WaitAsync(Timeout);
            var state = task.GetProperty("state").GetString()!.ToLowerInvariant();
            if (state is "succeeded" or "failed" or "cancelled" or "interrupted") return state == "succeeded" ? state : $"{state}: {task}";
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"task {id} still {state}");
            await Task.Delay(100);
        }
    }

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition().WaitAsync(Timeout))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(100);
        }
    }
}

/// <summary>
/// Activity sources and meters are process-wide: another station hosted by a test running at the same time would add
/// its spans (with the same task ids, each store counts from 1) and its instruments. These tests run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry, alone";
}
