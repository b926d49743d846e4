using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.EndToEnd.Tests;

[Collection(E2eCollection.Name)]
public sealed class ApiBadInputTests(StationFixture fixture) : IClassFixture<StationFixture>
{
    private ApiClient Api => fixture.Api;

    private static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    [Fact]
    public async Task UnknownKind_Is400NamingTheKnownKinds()
    {
        var (status, body) = await Api.PostAsync("/api/v1/tasks", new { kind = "fs.explode", target = "station", parameters = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("unknown task kind 'fs.explode'", Detail(body));
        Assert.Contains("fs.checksum", Detail(body));
        Assert.Contains("maintenance.hold", Detail(body));
    }

    [Fact]
    public async Task MissingAndMistypedParameters_Are400NamingThem()
    {
        var (status, body) = await Api.PostAsync("/api/v1/tasks", new { kind = "maintenance.hold", target = "station", parameters = new { seconds = "ten", colour = 1 } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("missing parameter 'resource'", Detail(body));
        Assert.Contains("'seconds' must be a number", Detail(body));
        Assert.Contains("unknown parameter 'colour'", Detail(body));
    }

    [Fact]
    public async Task MalformedJsonBody_Is400()
    {
        var (status, body) = await Api.PostRawAsync("/api/v1/tasks", "{\"kind\": \"fs.list\", ");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not valid JSON", Detail(body));
    }

    [Fact]
    public async Task UnknownUnit_Is404NamingKnownUnits()
    {
        var (status, body) = await Api.PostAsync("/api/v1/tasks", new { kind = "fs.list", target = "nowhere", parameters = new { path = "/x" } });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("unit 'nowhere' is not known", Detail(body));
        Assert.Contains("station", Detail(body));
    }

    [Fact]
    public async Task OfflineUnit_Is409SayingSinceWhen()
    {
        using var agent = fixture.Station.StartAgent("unit-gone");
        await Api.WaitUnitStatusAsync("unit-gone", "online", TimeSpan.FromSeconds(30));
        agent.Kill();
        await Api.WaitUnitStatusAsync("unit-gone", "offline", TimeSpan.FromSeconds(60));

        var (status, body) = await Api.PostAsync("/api/v1/tasks", new { kind = "fs.list", target = "unit-gone", parameters = new { path = agent.Root } });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("unit 'unit-gone' is offline since", Detail(body));
    }

    [Fact]
    public async Task PathOutsideRoots_IsRefusedByTheAgentWithTheRootList()
    {
        var task = await Api.SubmitAsync("fs.checksum", "station", new { path = "/etc/passwd" });
        var ended = await Api.WaitEndedAsync(task.GetProperty("id").GetInt64(), TimeSpan.FromSeconds(30));
        Assert.Equal("failed", ended.GetProperty("state").GetString());
        var error = ended.GetProperty("error").GetString()!;
        Assert.Contains("outside this unit's roots", error);
        Assert.Contains(fixture.Station.StationRoot, error);
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUser_Get401WithTheSameWords()
    {
        using var anonymous = new ApiClient(fixture.Station.Url);
        var (s1, b1) = await anonymous.PostAsync("/api/v1/auth/token", new { username = "admin", password = "wrong-password" });
        var (s2, b2) = await anonymous.PostAsync("/api/v1/auth/token", new { username = "nobody", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, s1);
        Assert.Equal(HttpStatusCode.Unauthorized, s2);
        Assert.Equal(Detail(b1), Detail(b2));
        Assert.DoesNotContain("unknown user", Detail(b1));
    }

    [Fact]
    public async Task NoToken_Is401()
    {
        using var anonymous = new ApiClient(fixture.Station.Url);
        var (status, _) = await anonymous.GetAsync("/api/v1/tasks");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task WrongAgentKey_IsRefusedAtTheHub()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Station.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/agent/negotiate?negotiateVersion=1");
        request.Headers.Add(HubPaths.AgentKeyHeader, "not-the-key");
        request.Headers.Add(HubPaths.AgentNameHeader, "intruder");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OversizedHubMessage_IsRefusedAndTheStationStaysUp()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(fixture.Station.Url + HubPaths.Agent, o =>
            {
                o.Headers[HubPaths.AgentKeyHeader] = StationProcess.AgentKey;
                o.Headers[HubPaths.AgentNameHeader] = "flooder";
            })
            .AddMessagePackProtocol()
            .Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += ex => { closed.TrySetResult(ex); return Task.CompletedTask; };
        await connection.StartAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var huge = new UnitInventory("flooder", "flooder", "h", "os", "k", 1, 1, [], [], [new string('x', 2 * 1024 * 1024)], "1", null);

        await Assert.ThrowsAnyAsync<Exception>(() => connection.InvokeAsync(nameof(IAgentHub.Announce), huge, Array.Empty<RunningTaskInfo>()).WaitAsync(TimeSpan.FromSeconds(20)));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await connection.DisposeAsync();

        var (status, _) = await Api.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, units) = await Api.GetAsync("/api/v1/units");
        Assert.DoesNotContain(units.EnumerateArray(), u => u.GetProperty("id").GetString() == "flooder");
    }
}
