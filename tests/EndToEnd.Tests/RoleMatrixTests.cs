using System.Net;
using System.Net.Http.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Role × REST endpoint and role × hub method against one real station: every built-in role, granted on "/",
/// gets exactly the status docs/SECURITY.md documents ("Endpoints by role"). One [Theory] row each.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RoleMatrixTests(RoleMatrixFixture fixture) : IClassFixture<RoleMatrixFixture>
{
    private sealed record Endpoint(string Method, string Path, Func<string, object?>? Body, int Admin, int StorageAdmin, int Operator, int HelpDesk, int Auditor)
    {
        public int For(string role) => role switch
        {
            "Administrator" => Admin,
            "StorageAdmin" => StorageAdmin,
            "Operator" => Operator,
            "HelpDesk" => HelpDesk,
            _ => Auditor,
        };
    }

    private static readonly Dictionary<string, Endpoint> Endpoints = new()
    {
        ["units list"] = new("GET", "/api/v1/units", null, 200, 200, 200, 200, 200),
        ["unit read"] = new("GET", "/api/v1/units/station", null, 200, 200, 200, 200, 200),
        ["tasks list"] = new("GET", "/api/v1/tasks", null, 200, 200, 200, 200, 200),
        ["locks"] = new("GET", "/api/v1/locks", null, 200, 200, 200, 200, 200),
        ["users list"] = new("GET", "/api/v1/users", null, 200, 200, 200, 200, 200),
        ["roles"] = new("GET", "/api/v1/roles", null, 200, 200, 200, 200, 200),
        ["metrics"] = new("GET", "/api/v1/units/station/metrics", null, 200, 200, 200, 200, 200),
        ["processes"] = new("GET", "/api/v1/units/station/processes", null, 200, 200, 200, 200, 200),
        ["alerts"] = new("GET", "/api/v1/alerts", null, 200, 200, 200, 200, 200),
        ["groups list"] = new("GET", "/api/v1/groups", null, 200, 403, 403, 403, 200),
        ["acl list"] = new("GET", "/api/v1/acl", null, 200, 403, 403, 403, 200),
        ["audit"] = new("GET", "/api/v1/audit", null, 200, 403, 403, 403, 200),
        ["user create"] = new("POST", "/api/v1/users", r => new { username = "made-by-" + r.ToLowerInvariant(), password = "a-long-enough-password" }, 201, 403, 403, 403, 403),
        ["group create"] = new("POST", "/api/v1/groups", r => new { name = "group-of-" + r.ToLowerInvariant() }, 201, 403, 403, 403, 403),
        ["acl grant"] = new("PUT", "/api/v1/acl", r => new { path = "/units/station", subject = RoleMatrixFixture.UserOf(r), role = "HelpDesk" }, 200, 403, 403, 403, 403),
        ["acl revoke"] = new("DELETE", "/api/v1/acl?path=/units/nowhere&subject=nobody", null, 404, 403, 403, 403, 403),
        ["enrolments list"] = new("GET", "/api/v1/enrolments", null, 200, 403, 403, 403, 403),
        ["enrolment create"] = new("POST", "/api/v1/enrolments", _ => new { note = "matrix" }, 201, 403, 403, 403, 403),
        ["unit revoke"] = new("POST", "/api/v1/units/nowhere/revoke", null, 404, 403, 403, 403, 403),
        ["task maintenance.hold"] = new("POST", "/api/v1/tasks", r => new { kind = "maintenance.hold", target = "station", parameters = new { resource = "matrix/" + r, seconds = 1, reason = "matrix" } }, 202, 202, 202, 403, 403),
        ["task storage.inventory"] = new("POST", "/api/v1/tasks", _ => new { kind = "storage.inventory", target = "station", parameters = new { } }, 202, 202, 202, 202, 403),
        ["task storage.mkfs"] = new("POST", "/api/v1/tasks", _ => new { kind = "storage.mkfs", target = "station", parameters = new { } }, 400, 400, 403, 403, 403),
        ["task system.process.signal"] = new("POST", "/api/v1/tasks", _ => new { kind = "system.process.signal", target = "station", parameters = new { } }, 400, 403, 400, 403, 403),
        ["task auth.grant"] = new("POST", "/api/v1/tasks", _ => new { kind = "auth.grant", target = "station", parameters = new { action = "revoke", path = "/units/nowhere", subject = "nobody" } }, 202, 403, 403, 403, 403),
    };

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var role in RoleMatrixFixture.Roles)
            foreach (var endpoint in Endpoints.Keys)
                rows.Add(role, endpoint);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Role_CallsEndpoint_GetsTheDocumentedStatus(string role, string endpoint)
    {
        var e = Endpoints[endpoint];
        using var request = new HttpRequestMessage(new HttpMethod(e.Method), e.Path);
        if (e.Body is { } body) request.Content = JsonContent.Create(body(role));

        var response = await fixture.As(role).SendAsync(request);

        Assert.True(e.For(role) == (int)response.Status, $"{role} {e.Method} {e.Path}: expected {e.For(role)}, got {response}");
    }

    public static TheoryData<string> HubRows() => [.. RoleMatrixFixture.Roles];

    /// <summary>The agent hub serves units only: no user, whatever their role, gets a connection with their token.</summary>
    [Theory]
    [MemberData(nameof(HubRows))]
    public async Task Role_ConnectsToTheAgentHub_IsRefused(string role)
    {
        var token = fixture.As(role).Token!;
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.Station.BaseUrl, HubPaths.Agent), http =>
            {
                http.AccessTokenProvider = () => Task.FromResult<string?>(token);
                TestTls.Configure(http);
            })
            .AddMessagePackProtocol()
            .Build();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().WaitAsync(Timeouts.ShortTask));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
