using System.Net;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// A real agent process serves its published service only to a request whose grant the station it enrolled
/// with signed for exactly that unit, service and path, and never outside the service's directory.
/// </summary>
public sealed class AgentServiceTests(RealAgentFixture fixture) : IClassFixture<RealAgentFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private async Task<HttpResponseMessage> GetAsync(string name, string path, string? ticket)
    {
        var inventory = await fixture.Hub.State.Announced.Task.WaitAsync(Limit);
        using var http = new HttpClient { Timeout = Limit };
        var request = new HttpRequestMessage(HttpMethod.Get, $"{inventory.DataUrl!.TrimEnd('/')}{DataPlaneRoutes.Service}?name={Uri.EscapeDataString(name)}&path={Uri.EscapeDataString(path)}");
        if (ticket is not null) request.Headers.Add(DataPlaneRoutes.TicketHeader, ticket);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static string Grant(ECDsa key, string unit, string service, string path, TimeSpan? life = null) =>
        TransferTicketSigning.Encode(new TransferTicket(0, unit, path, DataPlaneRoutes.ServicePrefix + service, path, -1, false, DateTimeOffset.UtcNow + (life ?? TimeSpan.FromMinutes(5))), key);

    [Fact]
    public async Task PublishedService_IsAnnounced_AndServedWithTheStationsGrant()
    {
        var inventory = await fixture.Hub.State.Announced.Task.WaitAsync(Limit);
        Assert.Equal(["logs"], inventory.Services);

        var ok = await GetAsync("logs", "app.log", Grant(fixture.Hub.StationKey, RealAgentFixture.Unit, "logs", "app.log"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("published line\n", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForgedWrongServiceWrongUnitExpiredOrMissingGrant_IsRefusedByTheUnit()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = fixture.Hub.StationKey;
        var cases = new (string Why, string Name, string Path, string? Ticket)[]
        {
            ("no grant", "logs", "app.log", null),
            ("forged", "logs", "app.log", Grant(other, RealAgentFixture.Unit, "logs", "app.log")),
            ("another service's grant", "logs", "app.log", Grant(key, RealAgentFixture.Unit, "audit", "app.log")),
            ("another path's grant", "logs", "app.log", Grant(key, RealAgentFixture.Unit, "logs", "other.log")),
            ("another unit's grant", "logs", "app.log", Grant(key, "unit-x", "logs", "app.log")),
            ("expired", "logs", "app.log", Grant(key, RealAgentFixture.Unit, "logs", "app.log", TimeSpan.FromMinutes(-11))),
            ("leaves the directory", "logs", "../private.txt", Grant(key, RealAgentFixture.Unit, "logs", "../private.txt")),
        };
        foreach (var (why, name, path, ticket) in cases)
        {
            var response = await GetAsync(name, path, ticket);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.DoesNotContain("not published", await response.Content.ReadAsStringAsync());
        }
        var unpublished = await GetAsync("etc", "passwd", Grant(key, RealAgentFixture.Unit, "etc", "passwd"));
        Assert.Equal(HttpStatusCode.NotFound, unpublished.StatusCode);
        Assert.Contains("publishes no service 'etc'", await unpublished.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LinkInsideTheServiceDirectory_LeadingOutOfIt_IsRefused()
    {
        // Inside the unit's roots, but outside the published directory: a link must not widen the service.
        string link = Path.Combine(fixture.ServiceDirectory, "escape.txt");
        if (!File.Exists(link)) File.CreateSymbolicLink(link, Path.Combine(fixture.Root, "private.txt"));

        var response = await GetAsync("logs", "escape.txt", Grant(fixture.Hub.StationKey, RealAgentFixture.Unit, "logs", "escape.txt"));

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {body}");
        Assert.DoesNotContain("not published", body);
        Assert.Contains("leads out of service 'logs'", body);
    }
}
